import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { ApiKeyService } from './api-key.service';
import { ScopeGuard } from './scope.guard';

/** API keys and the global scope guard. */
@Module({
  providers: [ApiKeyService, { provide: APP_GUARD, useClass: ScopeGuard }],
  exports: [ApiKeyService],
})
export class AuthModule {}
