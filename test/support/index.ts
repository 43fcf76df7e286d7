export * from './stack';
export * from './feed-client';
export { localKafkaUsers } from './local-kafka-login';
