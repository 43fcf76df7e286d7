import 'reflect-metadata';
import { loadConfig, withConfig } from '@newsledger/config';
import { startHttpApp } from '@newsledger/http';
import { IngestApiModule } from './ingest-api.module';

async function main(): Promise<void> {
  const config = loadConfig();
  await startHttpApp(withConfig(IngestApiModule, config), { host: config.http.host, port: config.http.ingestPort, bodyLimit: config.http.maxBatchBodyBytes });
}

void main().catch((e) => {
  console.error(e);
  process.exit(1);
});
