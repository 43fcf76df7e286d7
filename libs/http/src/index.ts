export * from './error-body';
export * from './http-app.bootstrap';
export * from './logging.module';
export * from './health.module';
export * from './rate-limit.module';
export * from './api-docs';
export * from './metrics.module';
export * from './http-error.filter';
