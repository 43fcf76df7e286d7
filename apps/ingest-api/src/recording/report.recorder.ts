import { Injectable, Logger } from '@nestjs/common';
import { ApiKeyService, AuthError, mayWriteKind, Principal } from '@newsledger/auth';
import { compileReportValidators, Report, reportContentKey, ReportOf, retractionRefusal, tryParseSubject, validateParsedReport, validateReport } from '@newsledger/domain';
import { Settled } from '@newsledger/batching';
import { LogPosition, LogUnavailableError, toCloudEvent } from '@newsledger/event-log';
import { createHash, randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { EventsProducer } from '../event-log/events-producer.provider';
import { LogRefusalGate } from '../event-log/log-refusal.gate';
import { ReportClaimsRepository } from '../event-log/report-claims.repository';
import { IngestMetrics, ReportResult } from '../ingest.metrics';
import { RecordReportResult } from '../record-report/record-report.response.dto';
import { IdPendingError, ReportRejectedError } from './report-rejected.error';

/** How long a second send of an id waits for the first to be acknowledged. */
const PENDING_WAIT_MS = 15_000;

/** A valid report the key may write, with the digest of its content. */
interface Prepared {
  report: Report;
  /** SHA-256 of {@link reportContentKey}: the same whatever the order of the sender's keys. */
  digest: string;
  /**
   * The digest claims recorded before it was canonical (of the content as zod gave it back), asked
   * for only when a recorded digest is not {@link digest}: a resend of a report claimed then.
   */
  legacyDigest: () => string;
}

/** A batch line ready to be claimed, by its index among the bodies. */
interface Line {
  i: number;
  prepared: Prepared;
}

/** Batch lines waiting, one by one, for another send of their id to settle. */
const CONTESTED_AT_ONCE = 16;

/**
 * Records reports on the log, for the single and the batch endpoint alike: validates each, claims
 * its id, appends it and answers only once Kafka has acknowledged it. A second send of the same id
 * appends nothing and waits for the first one's outcome, so "duplicate" is only ever said of a
 * report that is on the log. Counts every report in {@link IngestMetrics}.
 */
@Injectable()
export class ReportRecorder {
  private readonly logger = new Logger('ingest');
  /** Ids whose append failed after it may have reached Kafka, until the producer's resend settles them. */
  private readonly inDoubt = new Set<string>();

  constructor(
    private readonly producer: EventsProducer,
    private readonly claims: ReportClaimsRepository,
    private readonly metrics: IngestMetrics,
    private readonly logGate: LogRefusalGate,
    private readonly keys: ApiKeyService,
  ) {
    compileReportValidators();
  }

  /**
   * Records one report (the single endpoint).
   * @throws ReportRejectedError, LogRefusedError or LogUnavailableError; nothing is appended then.
   *   AuthError when its key, not read for this request, is found revoked (not counted: a refused key, as before the body).
   */
  async record(body: unknown, principal: Principal): Promise<RecordReportResult> {
    const type = (body as { type?: unknown } | null)?.type;
    let result: RecordReportResult;
    try {
      result = await this.recordOne(body, principal);
    } catch (e) {
      let error = e;
      // Refused before its claim (invalid, forbidden, log refusing, still pending): a key not read
      // for this request is read now, so a revoked one is told 401, not anything about the report.
      if (principal.revocationAtWrite && !(e instanceof AuthError)) error = await this.keys.assertActive(principal.keyId).then(() => e, (k: unknown) => k);
      if (!(error instanceof AuthError)) this.metrics.report(type, resultOf(error));
      throw error;
    }
    this.metrics.report(type, result.duplicate ? 'duplicate' : 'accepted');
    return result;
  }

  private async recordOne(body: unknown, principal: Principal): Promise<RecordReportResult> {
    const prepared = this.prepare(body, principal);
    await this.logGate.assertOpen();
    const { report } = prepared;
    // A key whose row this request did not read is checked in the claim's statement.
    const keyId = principal.revocationAtWrite ? principal.keyId : undefined;
    if (report.type === 'report.retracted') {
      // The index is read before the claim: a revoked key must learn nothing from it.
      if (keyId !== undefined) await this.keys.assertActive(keyId);
      await this.checkRetraction(report);
    }
    return this.claimAndAppend(prepared, principal.name, Date.now() + PENDING_WAIT_MS, keyId);
  }

  /**
   * Records many reports, each standing alone (the batch endpoint): the steps of one report, with
   * the claims, the appends and the marks of all of them handed to their group commits at once,
   * so a batch costs a few promises instead of ten per line. A claim not won (a resend, an id twice
   * in the batch) is answered as the single report's way would (see `settleContested`); should a
   * line win its claim that way after all (a stale claim taken over), its report is appended after
   * the batch's others, so the log may then hold it out of line order.
   *
   * @returns each body's result, or the error it failed with (`ReportRejectedError`, `LogUnavailableError`, or what broke)
   */
  async recordEach(bodies: readonly unknown[], principal: Principal): Promise<Settled<RecordReportResult>[]> {
    const outcomes = new Array<Settled<RecordReportResult>>(bodies.length);
    const fail = (i: number, error: unknown) => (outcomes[i] = { ok: false, error });
    const ready: Line[] = [];
    // Refused, every valid line fails alike (the batch answers 503, nothing appended); invalid lines still say why.
    const closed = await this.logGate.assertOpen().then(() => undefined, (e: unknown) => e);
    bodies.forEach((body, i) => {
      try {
        const prepared = this.prepare(body, principal);
        if (closed) fail(i, closed);
        else ready.push({ i, prepared });
      } catch (e) {
        fail(i, e);
      }
    });
    const retractions = ready.filter((r) => r.prepared.report.type === 'report.retracted');
    await Promise.all(retractions.map(({ i, prepared: { report } }) => report.type === 'report.retracted' && this.checkRetraction(report).catch((e: unknown) => fail(i, e))));
    const claimable = ready.filter((r) => {
      if (outcomes[r.i]) return false;
      const inDoubt = this.inDoubtError(r.prepared.report.id);
      if (inDoubt) fail(r.i, inDoubt);
      return !outcomes[r.i] && r.prepared.report.type !== 'report.retracted';
    });
    // Retractions (rare) go one by one the single report's way, each taking its target's lock.
    for (const r of retractions) {
      if (outcomes[r.i]) continue;
      outcomes[r.i] = await this.claimAndAppend(r.prepared, principal.name).then(
        (value) => ({ ok: true as const, value }),
        (error: unknown) => ({ ok: false as const, error }),
      );
    }

    const claims = await this.claims.claimAll(claimable.map(({ prepared: { report, digest } }) => ({ eventId: report.id, subject: report.subject, digest })));
    const won: Line[] = [];
    const contested: Line[] = [];
    claimable.forEach((r, k) => {
      const claim = claims[k];
      if (!claim.ok) fail(r.i, claim.error);
      else (claim.value ? won : contested).push(r);
    });

    const recordedAt = new Date().toISOString();
    const appended = await this.producer.appendEach(
      won.map(({ prepared: { report } }) => ({ key: report.subject, value: JSON.stringify(toCloudEvent(report, { ingestor: principal.name, recordedAt })) })),
    );
    const unsent: string[] = [];
    won.forEach(({ i, prepared: { report, digest } }, k) => {
      const append = appended[k];
      if (append.ok) {
        // Its claim is settled by the projector's event index (see `append`).
        this.claims.appended(report.id, digest, append.value);
        outcomes[i] = { ok: true, value: { eventId: report.id, subject: report.subject, ...append.value, duplicate: false } };
        return;
      }
      if (!this.keptInDoubt(report.id, append.error)) unsent.push(report.id);
      fail(i, append.error);
    });
    await this.claims.releaseAll(unsent).catch(() => undefined);
    await this.settleContested(contested, new Map(won.map((r) => [r.prepared.report.id, r])), outcomes, principal.name);

    outcomes.forEach((outcome, i) => {
      const type = (bodies[i] as { type?: unknown } | null)?.type;
      this.metrics.report(type, outcome.ok ? (outcome.value.duplicate ? 'duplicate' : 'accepted') : resultOf(outcome.error));
    });
    return outcomes;
  }

  /**
   * Admits many reports of a desk on Kafka: {@link recordEach}, then the claims' marks written, so
   * a message whose offset is committed next is never met again as a pending claim.
   */
  async admitEach(bodies: readonly unknown[], principal: Principal): Promise<Settled<RecordReportResult>[]> {
    const outcomes = await this.recordEach(bodies, principal);
    await this.claims.settled();
    return outcomes;
  }

  /**
   * Answers the lines of a batch whose claim another send holds, as the single report's way would,
   * without a poller per line: a resent batch of thousands must not poll the database thousands of
   * times every 20 ms. An id won by an earlier line of the batch is answered from that line; ids
   * already recorded by earlier sends, from one lookup; only the rest (still pending, or released)
   * go the single report's way, a few at a time.
   */
  private async settleContested(lines: Line[], winners: ReadonlyMap<string, Line>, outcomes: Settled<RecordReportResult>[], ingestor: string): Promise<void> {
    const answer = (line: Line, recorded: { digest: string; position: LogPosition }) => {
      try {
        outcomes[line.i] = { ok: true, value: this.recordedAnswer(line.prepared, recorded) };
      } catch (error) {
        outcomes[line.i] = { ok: false, error };
      }
    };
    const rest: Line[] = [];
    for (const line of lines) {
      const winner = winners.get(line.prepared.report.id);
      const first = winner && outcomes[winner.i];
      if (winner && first?.ok) answer(line, { digest: winner.prepared.digest, position: first.value });
      else rest.push(line);
    }
    const found = rest.length > 0 ? await this.claims.lookupAll(rest.map((l) => l.prepared.report.id)) : new Map();
    const pending = rest.filter((line) => {
      const claim = found.get(line.prepared.report.id);
      if (claim?.kind === 'recorded') answer(line, claim);
      return claim?.kind !== 'recorded';
    });
    let next = 0;
    // One wait for the whole batch, as if every line waited side by side: not 15 s per 16 lines.
    const deadline = Date.now() + PENDING_WAIT_MS;
    await Promise.all(Array.from({ length: Math.min(CONTESTED_AT_ONCE, pending.length) }, async () => {
      for (let line = pending[next++]; line; line = pending[next++]) {
        const { i } = line;
        outcomes[i] = await this.claimAndAppend(line.prepared, ingestor, deadline).then((value) => ({ ok: true as const, value }), (error: unknown) => ({ ok: false as const, error }));
      }
    }));
  }

  /**
   * Validates a report and checks the key may write about its subject: what is decided without a
   * round trip. The digest of its content (without its id) tells a resend from a conflict.
   */
  private prepare(body: unknown, principal: Principal): Prepared {
    // The compiled JSON Schema accepts a valid report several times faster than zod, which is asked
    // only about a report it refuses (for the issues, or to accept a deprecated version).
    const checked = validateParsedReport(body);
    if (!checked.ok) {
      throw new ReportRejectedError('invalid_report', 'the report is not valid; fix the fields listed in details', checked.issues);
    }
    const report: Report = { ...checked.report, id: checked.report.id ?? randomUUID() };
    this.checkSubjectKind(report, principal);
    return {
      report,
      digest: createHash('sha256').update(reportContentKey(report)).digest('base64'),
      legacyDigest: () => legacyDigestOf(body),
    };
  }

  /**
   * Claims the report's id and appends it, or answers what an earlier send of the id became.
   * @param keyId - a key the claim refuses if it is revoked (see `Principal.revocationAtWrite`)
   * @throws AuthError `invalid_key` when that key is revoked; nothing is claimed or appended then
   */
  private async claimAndAppend(prepared: Prepared, ingestor: string, deadline = Date.now() + PENDING_WAIT_MS, keyId?: string): Promise<RecordReportResult> {
    const { report, digest } = prepared;
    for (;;) {
      const inDoubt = this.inDoubtError(report.id);
      if (inDoubt) throw inDoubt;
      const claim = await this.claims.claim(report.id, report.subject, digest, keyId);
      if (claim.kind === 'key_revoked') throw this.keys.revokedAtWrite(keyId!);
      if (claim.kind === 'claimed') return report.type === 'report.retracted' ? this.appendRetraction(report, digest, ingestor) : this.append(report, digest, ingestor);
      if (claim.kind === 'recorded') return this.recordedAnswer(prepared, claim);
      if (Date.now() > deadline) {
        throw new IdPendingError(report.id);
      }
      await sleep(20);
    }
  }

  /**
   * The answer to a send of an id already on the log: where it is, as a duplicate.
   * @throws ReportRejectedError `id_conflict` when this send's content differs from what was recorded
   */
  private recordedAnswer({ report, digest, legacyDigest }: Prepared, recorded: { digest: string; position: LogPosition }): RecordReportResult {
    if (recorded.digest !== digest && recorded.digest !== legacyDigest()) {
      throw new ReportRejectedError('id_conflict', `report id "${report.id}" was already used for a different report; send a new id`);
    }
    return { eventId: report.id, subject: report.subject, partition: recorded.position.partition, offset: recorded.position.offset, duplicate: true };
  }

  /**
   * Appends a retraction holding its target's lock: a claim under `retraction-of/<target>` (a `/`
   * no report id has) whose digest is the retraction's id. Two retractions of one event sent side
   * by side, which the event index (read before either is projected) cannot tell apart, are
   * settled here: one appends, the other gets 409 `already_retracted` instead of a 202 the
   * projector would then dead-letter.
   */
  private async appendRetraction(report: Extract<Report, { type: 'report.retracted' }>, digest: string, ingestor: string): Promise<RecordReportResult> {
    const target = report.data.eventId;
    const lock = `retraction-of/${target}`;
    const held = await this.claims.claim(lock, report.subject, report.id).catch(async (e: unknown) => {
      await this.claims.release(report.id).catch(() => undefined);
      throw e;
    });
    if (held.kind !== 'claimed' && !(held.kind === 'recorded' && held.digest === report.id)) {
      await this.claims.release(report.id).catch(() => undefined);
      throw new ReportRejectedError('already_retracted', `event "${target}" is already retracted, or being retracted, by another report; nothing to do`, [
        { path: 'data.eventId', message: 'names an event already retracted' },
      ]);
    }
    try {
      const recorded = await this.append(report, digest, ingestor);
      // The lock is no event the projector indexes: marked here.
      void this.claims.recorded(lock, { partition: recorded.partition, offset: recorded.offset }).catch((e: unknown) =>
        this.warnUnmarked(lock, { partition: recorded.partition, offset: recorded.offset }, e),
      );
      return recorded;
    } catch (e) {
      // In doubt, the retraction may be on the log: its lock stays, as its own claim does.
      if (!this.inDoubt.has(report.id)) await this.claims.release(lock).catch(() => undefined);
      throw e;
    }
  }

  private async append(report: Report, digest: string, ingestor: string): Promise<RecordReportResult> {
    const event = toCloudEvent(report, { ingestor, recordedAt: new Date().toISOString() });
    let position;
    try {
      position = await this.producer.append({ key: report.subject, value: JSON.stringify(event) });
    } catch (e) {
      if (!this.keptInDoubt(report.id, e)) await this.claims.release(report.id).catch(() => undefined);
      throw e;
    }
    // On the log now, so the answer is 202: a 503 here would invite a resend that appends it twice.
    // Its claim is settled by the projector's event index in the transaction that indexes it, with
    // no second write from here; a resend to this process meanwhile is answered from memory, one to
    // another process waits for the claim to be settled (by the projector, or else by this process a
    // few seconds later). The projector's index keeps it single in the views whatever happens.
    this.claims.appended(report.id, digest, position);
    return { eventId: report.id, subject: report.subject, ...position, duplicate: false };
  }

  /** Its earlier append is still being confirmed (Kafka down): a 503 now, not a wait for it. */
  private inDoubtError(eventId: string): LogUnavailableError | undefined {
    return this.inDoubt.has(eventId) ? new LogUnavailableError('an earlier send of this id is still being confirmed by the log') : undefined;
  }

  /** After a failed append: true when it may have landed, and its claim is kept to be settled later; false when its claim goes. */
  private keptInDoubt(eventId: string, e: unknown): boolean {
    if (!(e instanceof LogUnavailableError && e.confirmed)) return false;
    this.settleLater(eventId, e.confirmed);
    return true;
  }

  private warnUnmarked(eventId: string, position: LogPosition, err: unknown): void {
    this.logger.warn({ eventId, ...position, err }, 'appended, but its claim could not be marked recorded');
  }

  /**
   * An append that may have landed keeps its claim: the producer resends it until the log
   * acknowledges it (once), and the claim is then marked with that position, so a resend of the
   * id by the client answers `duplicate` instead of appending it a second time.
   */
  private settleLater(eventId: string, confirmed: Promise<{ partition: number; offset: string }>): void {
    this.inDoubt.add(eventId);
    void confirmed
      .then((position) => this.claims.recorded(eventId, position), () => this.claims.release(eventId))
      .catch((err: unknown) => this.logger.warn({ eventId, err }, 'could not settle the claim of a resent append'))
      .finally(() => this.inDoubt.delete(eventId));
  }

  /** A key limited to some subject kinds writes about those only; nothing is claimed or appended otherwise. */
  private checkSubjectKind(report: Report, principal: Principal): void {
    const kind = tryParseSubject(report.subject)?.kind;
    if (!kind || mayWriteKind(principal, kind)) return;
    const allowed = principal.subjectKinds ?? [];
    throw new ReportRejectedError(
      'forbidden_subject_kind',
      `key "${principal.name}" may write reports about ${allowed.join(' and ')} subjects only, and ${report.subject} is a ${kind}; ` +
        `send it with a key allowed to write ${kind} reports (an admin makes one: npx newsledger keys create --name <desk> --scopes ingest --kinds ${kind})`,
      [{ path: 'subject', message: `this key may write ${allowed.map((k) => `"${k}/<id>"`).join(' or ')} subjects only` }],
    );
  }

  private async checkRetraction(report: ReportOf<'report.retracted'> & { id: string }): Promise<void> {
    const target = report.data.eventId;
    const refusal = retractionRefusal(report, await this.claims.indexedEvent(target));
    if (!refusal) return;
    switch (refusal.code) {
      case 'unknown_event':
      case 'other_subject':
        throw new ReportRejectedError('unknown_event', `no event "${target}" of ${report.subject} is on record; retract an event of the same subject (a report sent a moment ago may still be projecting: retry)`, [
          { path: 'data.eventId', message: 'must name an earlier event of the same subject' },
        ]);
      case 'retracts_retraction':
        throw new ReportRejectedError('invalid_report', 'a retraction cannot be retracted; record the report again instead', [
          { path: 'data.eventId', message: 'names a retraction' },
        ]);
      case 'already_retracted':
        throw new ReportRejectedError('already_retracted', `event "${target}" was already retracted by "${refusal.by}"; nothing to do (its history keeps that retraction)`, [
          { path: 'data.eventId', message: 'names an event already retracted' },
        ]);
    }
  }
}

/** The digest of a valid report's content as claims made before the canonical digest stored it. */
function legacyDigestOf(body: unknown): string {
  const checked = validateReport(body);
  if (!checked.ok) return '';
  const { id: _id, ...content } = checked.report;
  return createHash('sha256').update(JSON.stringify(content)).digest('base64');
}

function resultOf(e: unknown): ReportResult {
  if (e instanceof ReportRejectedError) return e.code === 'id_conflict' ? 'conflict' : 'rejected';
  // The log did not acknowledge it, or something unexpected failed: either way nothing was appended.
  return 'failed';
}
