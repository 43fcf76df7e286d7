import 'reflect-metadata';
import { loadConfig, withConfig } from '@newsledger/config';
import { startHttpApp } from '@newsledger/http';
import { ProjectorModule } from './projector.module';

async function main(): Promise<void> {
  const config = loadConfig();
  // An HTTP listener only so Prometheus and probes can reach it: /metrics and /health.
  await startHttpApp(withConfig(ProjectorModule, config), { host: config.http.host, port: config.http.metricsPort, bodyLimit: config.http.maxBodyBytes });
}

void main().catch((e) => {
  console.error(e);
  process.exit(1);
});
