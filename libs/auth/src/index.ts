export * from './auth.error';
export * from './scopes';
export * from './key-name';
export * from './api-key.service';
export * from './scope.guard';
export * from './auth.module';
export * from './principal.decorator';
export * from './route-access';
