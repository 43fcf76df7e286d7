import { eventIdMark, KafkaClient, readLogFacts } from '@newsledger/event-log';
import { LogIdentityStore } from '@newsledger/persistence';
import { DataSource, QueryRunner } from 'typeorm';
import { AuditError } from '../audit.error';

/** A projector that checked a log this recently is taken to be running on it. */
const PROJECTOR_ALIVE_MS = 90_000;

/** What `rebuild --adopt-log` did besides rebuilding. */
export interface LogAdoption {
  /** The Kafka cluster the views now belong to. */
  clusterId: string;
  /** Partition → the offset the live projector goes on from. */
  checkpoints: Record<string, string>;
  /** Report-id claims of the old log deleted, so those ids can be recorded on this one. */
  claimsVoided: number;
}

/**
 * The log to adopt: its cluster id. Refused while a projector of the group is running, projecting
 * another cluster: adopting from under it would mix two logs in one generation of views.
 * @throws AuditError `log_in_use`
 */
export async function beginAdoption(db: DataSource, kafka: KafkaClient, group: string, topic: string): Promise<{ clusterId: string; startedAt: Date }> {
  const startedAt = new Date();
  const { clusterId } = await readLogFacts(kafka, topic);
  const row = await new LogIdentityStore().load(db.manager, group, topic);
  const running = row && !row.stoppedAt && Date.now() - Date.parse(row.checkedAt) < PROJECTOR_ALIVE_MS;
  if (running && !row.refusal && row.clusterId && row.clusterId !== clusterId) {
    throw new AuditError(
      'log_in_use',
      `a projector of ${group} is projecting Kafka cluster ${row.clusterId} (checked ${row.checkedAt}), not cluster ${clusterId} configured here: ` +
        'stop it or point it at this broker first, then adopt',
      { clusterId: row.clusterId, checkedAt: row.checkedAt },
    );
  }
  return { clusterId, startedAt };
}

/**
 * A rebuild bounded by the live checkpoints needs them to belong to the log: while the projector
 * refuses it, they may lie past its end, and the rebuild would wait for them forever.
 * @throws AuditError `log_refused`
 */
export async function assertLogAccepted(db: DataSource, group: string, topic: string): Promise<void> {
  const refusal = (await new LogIdentityStore().load(db.manager, group, topic))?.refusal;
  if (refusal) {
    throw new AuditError('log_refused', `the projector refuses this log (${refusal.reason}: ${refusal.message}); ${refusal.action}`, {
      reason: refusal.reason,
    });
  }
}

/** Each partition's end offset now: the adopted generation goes exactly this far. */
export async function adoptionTarget(kafka: KafkaClient, topic: string): Promise<Map<number, bigint>> {
  return new Map([...(await readLogFacts(kafka, topic)).partitions].map(([p, { high }]) => [p, high]));
}

/**
 * In the rebuild's switch transaction, with the live checkpoint rows locked: the live projector
 * goes on from `ends`, the views belong to this cluster from now on, and the claims of the old log
 * are voided.
 */
export async function completeAdoption(
  runner: QueryRunner,
  o: { group: string; topic: string; clusterId: string; ends: ReadonlyMap<number, bigint>; startedAt: Date },
): Promise<LogAdoption> {
  await runner.query(`DELETE FROM projector_offsets WHERE consumer_group = $1 AND topic = $2`, [o.group, o.topic]);
  await runner.query(
    `INSERT INTO projector_offsets (consumer_group, topic, partition, next_offset) SELECT $1, $2, p, n FROM unnest($3::int[], $4::bigint[]) AS t(p, n)`,
    [o.group, o.topic, [...o.ends.keys()], [...o.ends.values()].map(String)],
  );
  const store = new LogIdentityStore();
  // The event index was just rebuilt from this log alone: its events anchor the views to it.
  const anchors = Object.fromEntries(
    [...(await store.indexedAnchors(runner.manager))].map(([p, e]) => [String(p), { offset: e.offset, mark: eventIdMark(e.eventId) }]),
  );
  await store.accept(runner.manager, o.group, o.topic, o.clusterId, anchors);
  const claimsVoided = await store.voidForeignClaims(runner.manager, o.ends, o.startedAt);
  return {
    clusterId: o.clusterId,
    checkpoints: Object.fromEntries([...o.ends].map(([p, n]) => [String(p), n.toString()])),
    claimsVoided,
  };
}
