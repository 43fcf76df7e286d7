export * from './cloud-event.mapper';
export * from './kafka.factory';
export * from './topics';
export * from './event-log.producer';
export * from './event-log.consumer';
export * from './event-log.module';
