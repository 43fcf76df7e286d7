import 'reflect-metadata';
import { Inject, Injectable, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { CONFIG, withConfig } from './config.module';
import { loadConfig, NewsledgerConfig } from './newsledger.config';

@Injectable()
class NeedsConfig {
  constructor(@Inject(CONFIG) readonly config: NewsledgerConfig) {}
}

@Module({ providers: [NeedsConfig] })
class ProbeModule {}

describe('configuration in an app', () => {
  it('is the very object its entry point parsed: the module reads no environment of its own', async () => {
    const config = loadConfig({ QUERY_PORT: '4321' });
    const saved = process.env.QUERY_PORT;
    // A second parse would throw on this.
    process.env.QUERY_PORT = 'not a port';
    try {
      const app = await NestFactory.createApplicationContext(withConfig(ProbeModule, config), { logger: false, abortOnError: false });
      expect(app.get(NeedsConfig).config).toBe(config);
      expect(app.get<NewsledgerConfig>(CONFIG).http.queryPort).toBe(4321);
      await app.close();
    } finally {
      if (saved === undefined) delete process.env.QUERY_PORT;
      else process.env.QUERY_PORT = saved;
    }
  });
});
