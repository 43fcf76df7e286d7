import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { CONFIG, NewsledgerConfig } from '@newsledger/config';
import { ValidationIssue } from '@newsledger/domain';
import {
  deskTopics,
  encodeInboundRejection,
  inboundBody,
  InboundConsumer,
  InboundMessage,
  InboundRejection,
  inboundReportId,
  KAFKA,
  KafkaClient,
} from '@newsledger/event-log';
import { setTimeout as sleep } from 'node:timers/promises';
import { IdPendingError, ReportRejectedError } from '../recording/report-rejected.error';
import { ReportRecorder } from '../recording/report.recorder';
import { AdmissionLagHealth } from './admission-lag.health';
import { KafkaDesksRepository } from './kafka-desks.repository';

/** How long the admission waits before asking again about ids another send holds. */
const PENDING_RETRY_MS = 1000;

/**
 * Admits what desks publish on their inbound topics exactly as an HTTP report is admitted (the
 * same {@link ReportRecorder}): validated, its id claimed, the key's subject kinds checked, written
 * by the desk the topic belongs to (never by the `source` a message names) at the server's time,
 * and appended to the events topic keyed by subject. What is refused goes to the desk's
 * rejections topic with the HTTP answer's error. A partition's offsets are committed only once its
 * batch is on the log (or refused): a process killed mid-batch leaves the batch to be read again,
 * and the id claims answer what was already appended as a duplicate.
 */
@Injectable()
export class InboundReportsAdmission implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('admission');
  private readonly consumer: InboundConsumer;
  private readonly prefix: string;
  private timer: NodeJS.Timeout | undefined;
  /** Between bootstrap and shutdown. */
  private running = false;

  constructor(
    @Inject(KAFKA) kafka: KafkaClient,
    @Inject(CONFIG) private readonly config: NewsledgerConfig,
    private readonly desks: KafkaDesksRepository,
    private readonly recorder: ReportRecorder,
    private readonly lag: AdmissionLagHealth,
  ) {
    this.prefix = config.kafka.inbound.prefix;
    this.consumer = new InboundConsumer(kafka, config.kafka.inbound.groupId, (messages, session) => this.admitTold(messages, session), {
      warn: (message, extra) => this.logger.warn(extra ?? {}, `the desks' inbound consumer: ${message}`),
      log: (message) => this.logger.log(`the desks' inbound consumer: ${message}`),
    });
  }

  onApplicationBootstrap(): void {
    if (!this.config.kafka.inbound.admission) return;
    this.running = true;
    void this.refresh();
    this.timer = setInterval(() => void this.refresh(), this.config.kafka.inbound.refreshMs);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    this.running = false;
    clearInterval(this.timer);
    await this.consumer.stop();
  }

  /** Reads the inbound topics of the desks on Kafka now: new keys join, revoked ones leave. */
  private async refresh(): Promise<void> {
    try {
      const names = await this.desks.activeNames();
      // A refresh that read the desks while the admission stopped starts nothing after it.
      if (!this.running) return;
      await this.consumer.follow(names.map((name) => deskTopics(this.prefix, name).inbound));
    } catch (err) {
      this.logger.warn({ err }, 'could not follow the desks\' inbound topics; trying again at the next refresh');
    }
  }

  /** {@link admit}, its outcome told to the desks' lag health (which names the last error of a stalled desk). */
  private async admitTold(messages: InboundMessage[], session: { heartbeat: () => Promise<void>; isRunning: () => boolean }): Promise<void> {
    const desk = messages[0].topic.slice(this.prefix.length);
    try {
      await this.admit(desk, messages, session);
      this.lag.admitted(desk);
    } catch (e) {
      this.lag.failed(desk, e);
      throw e;
    }
  }

  /** One partition's batch of `desk`'s topic: every message admitted or refused, else (the log or the database failing) thrown to be read again. */
  private async admit(desk: string, messages: InboundMessage[], { heartbeat, isRunning }: { heartbeat: () => Promise<void>; isRunning: () => boolean }): Promise<void> {
    const principal = await this.desks.principalOf(desk);
    const rejections: InboundRejection[] = [];
    const lines: { message: InboundMessage; body: Record<string, unknown> }[] = [];
    for (const message of messages) {
      const read = inboundBody(message.value);
      if (!principal) {
        rejections.push(rejection(message, desk, 'key_revoked', `key "${desk}" is revoked or no longer on Kafka: nothing it publishes is recorded; ask an admin for a key`));
      } else if (!read.ok) {
        rejections.push(rejection(message, desk, 'invalid_report', read.message));
      } else {
        lines.push({ message, body: { ...read.body, id: read.body.id ?? inboundReportId(principal.keyId, message) } });
      }
    }
    let retry: unknown;
    // An id another send still holds (a process killed between its claim and its mark) is asked
    // again until it settles: appended, given back, or taken over once stale.
    for (let todo = lines; principal && todo.length > 0 && !retry; ) {
      const outcomes = await this.recorder.admitEach(todo.map((l) => l.body), principal);
      const again: typeof lines = [];
      outcomes.forEach((outcome, i) => {
        if (outcome.ok) return;
        const { error } = outcome;
        const line = todo[i];
        if (error instanceof IdPendingError) again.push(line);
        else if (error instanceof ReportRejectedError) rejections.push(rejection(line.message, desk, error.code, error.message, error.details as ValidationIssue[], idOf(line.body)));
        else retry ??= error;
      });
      todo = again;
      await heartbeat();
      if (todo.length === 0 || retry) break;
      // Stopping: left to the next reader of the partition, as nothing is committed.
      if (!isRunning()) retry = new Error('stopped while reports were still being recorded by another send');
      else await sleep(PENDING_RETRY_MS);
    }
    // The log or the database did not take every report: nothing is committed, the batch is read
    // again after a pause, and the reports already appended are answered as duplicates then. Its
    // refusals are decided again then too: sent now, they would reach the desk once per read.
    if (retry) throw retry;
    if (rejections.length > 0) {
      await this.consumer.send(deskTopics(this.prefix, desk).rejections, rejections.map(encodeInboundRejection));
      this.logger.log({ desk, refused: rejections.length, codes: [...new Set(rejections.map((r) => r.error))] }, 'refused reports from Kafka');
    }
  }
}

const idOf = (body: Record<string, unknown>): string | undefined => (typeof body.id === 'string' ? body.id : undefined);

function rejection(message: InboundMessage, desk: string, error: string, text: string, details?: ValidationIssue[], eventId?: string): InboundRejection {
  const { topic, partition, offset, key, value } = message;
  return {
    error,
    message: text,
    ...(details && details.length > 0 ? { details } : {}),
    desk,
    ...(eventId ? { eventId } : {}),
    original: { topic, partition, offset, key, value: value === null ? null : value.toString('utf8') },
    rejectedAt: new Date().toISOString(),
  };
}
