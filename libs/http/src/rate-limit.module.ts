import { ExecutionContext, Injectable, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { ThrottlerGuard, ThrottlerModule } from '@nestjs/throttler';
import { CONFIG, NewsledgerConfig } from '@newsledger/config';
import { createHash } from 'node:crypto';

/**
 * Limits requests per API key (per client address without one). The key is read from the header
 * itself, so the limit holds whichever guard runs first and bad keys are limited too.
 */
@Injectable()
export class KeyThrottlerGuard extends ThrottlerGuard {
  protected override async getTracker(req: Record<string, any>): Promise<string> {
    const auth = req.headers?.authorization;
    return typeof auth === 'string' && auth.length > 0
      ? `key:${createHash('sha256').update(auth).digest('base64url')}`
      : `ip:${req.ip ?? req.socket?.remoteAddress ?? 'unknown'}`;
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
