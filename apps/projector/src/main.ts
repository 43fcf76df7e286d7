import 'reflect-metadata';
import { runHttpApp } from '@newsledger/http';
import { ProjectorModule } from './projector.module';

// An HTTP listener only so Prometheus and probes can reach it: /metrics and /health.
runHttpApp(ProjectorModule, ({ http }) => ({ host: http.host, port: http.metricsPort, bodyLimit: http.maxBodyBytes }));
