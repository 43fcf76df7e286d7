import { Global, Module } from '@nestjs/common';
import { loadConfig, NewsledgerConfig } from './newsledger.config';

/** Injection token of the frozen {@link NewsledgerConfig}. */
export const CONFIG = Symbol('NEWSLEDGER_CONFIG');

/** Provides the configuration read once from the environment. */
@Global()
@Module({
  providers: [{ provide: CONFIG, useFactory: (): NewsledgerConfig => loadConfig() }],
  exports: [CONFIG],
})
export class ConfigModule {}
