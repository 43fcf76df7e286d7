import { DynamicModule, Global, Module, Type } from '@nestjs/common';
import { NewsledgerConfig } from './newsledger.config';

/** Injection token of the frozen {@link NewsledgerConfig}. */
export const CONFIG = Symbol('NEWSLEDGER_CONFIG');

/**
 * Provides the configuration its process's entry point parsed (see {@link withConfig}); it parses
 * nothing itself, so the environment is read once per process, by `loadConfig`.
 */
@Global()
@Module({})
export class ConfigModule {
  static forRoot(config: NewsledgerConfig): DynamicModule {
    return { module: ConfigModule, providers: [{ provide: CONFIG, useValue: config }], exports: [CONFIG] };
  }
}

/**
 * An app's root module with `config` provided to all of it under {@link CONFIG}: what an entry
 * point (a `main.ts`, a test's stack) hands to Nest after its one `loadConfig()`.
 */
export function withConfig(module: Type<unknown>, config: NewsledgerConfig): DynamicModule {
  return { module, imports: [ConfigModule.forRoot(config)] };
}
