import { ExecutionContext, Injectable, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { ThrottlerGuard, ThrottlerModule } from '@nestjs/throttler';
import { keyIdOf } from '@newsledger/auth';
import { CONFIG, NewsledgerConfig } from '@newsledger/config';
import { createHash } from 'node:crypto';

/**
 * Limits requests per API key id (per header without one, per client address without a header).
 * The key is read from the header itself, before the key is checked (this module's guard comes
 * first), so bad keys are limited too, and guessing secrets for one key id draws on its allowance.
 */
@Injectable()
export class KeyThrottlerGuard extends ThrottlerGuard {
  protected override async getTracker(req: Record<string, any>): Promise<string> {
    const auth = req.headers?.authorization;
    if (typeof auth !== 'string' || auth.length === 0) return `ip:${req.ip ?? req.socket?.remoteAddress ?? 'unknown'}`;
    const id = keyIdOf(auth.replace(/^Bearer\s+/i, ''));
    return id ? `key:${id}` : `header:${createHash('sha256').update(auth).digest('base64url')}`;
  }

  protected override async shouldSkip(ctx: ExecutionContext): Promise<boolean> {
    return ctx.switchToHttp().getRequest<{ url?: string }>().url === '/health';
  }
}

/** Per-key rate limits (429 with Retry-After), sized by configuration. */
@Module({
  imports: [
    ThrottlerModule.forRootAsync({
      inject: [CONFIG],
      useFactory: (config: NewsledgerConfig) => ({
        throttlers: [{ ttl: config.http.rateLimit.windowMs, limit: config.http.rateLimit.requests }],
      }),
    }),
  ],
  providers: [{ provide: APP_GUARD, useClass: KeyThrottlerGuard }],
})
export class RateLimitModule {}
