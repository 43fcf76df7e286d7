export * from './newsledger.config';
export * from './config.module';
