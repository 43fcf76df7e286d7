import 'reflect-metadata';
import { runHttpApp } from '@newsledger/http';
import { QueryApiModule } from './query-api.module';

runHttpApp(QueryApiModule, ({ http }) => ({ host: http.host, port: http.queryPort, bodyLimit: http.maxBodyBytes }));
