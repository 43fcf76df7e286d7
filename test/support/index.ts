export * from './stack';
export * from './feed-client';
