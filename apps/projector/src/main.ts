import 'reflect-metadata';
import { loadConfig } from '@newsledger/config';
import { startHttpApp } from '@newsledger/http';
import { ProjectorModule } from './projector.module';

async function main(): Promise<void> {
  const config = loadConfig();
  // An HTTP listener only so Prometheus and probes can reach it: /metrics and /health.
  await startHttpApp(ProjectorModule, { host: config.http.host, port: config.http.metricsPort, bodyLimit: config.http.maxBodyBytes });
}

void main().catch((e) => {
  console.error(e);
  process.exit(1);
});
