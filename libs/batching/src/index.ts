/**
 * @newsledger/batching — group commit: concurrent calls gathered into one round trip (a Kafka
 * request, a PostgreSQL statement), for the producer, the claims, the key reads and the projector;
 * and serial turns, one holder of a resource at a time.
 */
export { GroupCommit, type Settled } from './group-commit';
export { HeldTurn, SerialTurn } from './serial-turn';
