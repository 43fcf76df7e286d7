import 'reflect-metadata';
import { runHttpApp } from '@newsledger/http';
import { IngestApiModule } from './ingest-api.module';

// The server-wide body limit is the batch one; the single-report route has its own, smaller one.
runHttpApp(IngestApiModule, ({ http }) => ({ host: http.host, port: http.ingestPort, bodyLimit: http.maxBatchBodyBytes }));
