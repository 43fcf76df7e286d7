import 'reflect-metadata';
import { loadConfig, withConfig } from '@newsledger/config';
import { startHttpApp } from '@newsledger/http';
import { QueryApiModule } from './query-api.module';

async function main(): Promise<void> {
  const config = loadConfig();
  await startHttpApp(withConfig(QueryApiModule, config), { host: config.http.host, port: config.http.queryPort, bodyLimit: config.http.maxBodyBytes });
}

void main().catch((e) => {
  console.error(e);
  process.exit(1);
});
