import { INestApplication, INestApplicationContext } from '@nestjs/common';
import { client, eventually, freshId, startApi, startContext, testConfig } from '@newsledger/testing';
import { IngestApiModule } from '../apps/ingest-api/src/ingest-api.module';
import { ProjectorModule } from '../apps/projector/src/projector.module';
import { QueryApiModule } from '../apps/query-api/src/query-api.module';

function report(subject: string, over: Record<string, unknown> = {}) {
  return {
    type: 'exchange.underway',
    subject,
    occurredAt: '2025-05-23',
    source: { name: 'Ukrainian military sources', kind: 'military' },
    confirmation: 'confirmed',
    data: { location: 'Ukraine–Belarus border' },
    ...over,
  };
}

describe('ingest API (real Kafka and PostgreSQL)', () => {
  let ingest: { app: INestApplication; url: string };
  let query: { app: INestApplication; url: string };
  let projector: INestApplicationContext;
  let post: ReturnType<typeof client>;
  let read: ReturnType<typeof client>;

  beforeAll(async () => {
    [ingest, query, projector] = await Promise.all([startApi(IngestApiModule), startApi(QueryApiModule), startContext(ProjectorModule)]);
    post = client(ingest.url);
    read = client(query.url);
  });
  afterAll(async () => {
    await Promise.all([ingest?.app.close(), query?.app.close(), projector?.close()]);
  });

  it('answers /health without a key when Kafka and PostgreSQL are up', async () => {
    const r = await client(ingest.url, null)('GET', '/health');
    expect(r.status).toBe(200);
    expect(r.body.info).toMatchObject({ postgres: { status: 'up' }, kafka: { status: 'up' } });
  });

  it('refuses a request without a key (401) and with the wrong scope (403)', async () => {
    const anonymous = await client(ingest.url, null)('POST', '/v1/reports', report(`exchange/${freshId('auth')}`));
    expect(anonymous.status).toBe(401);
    expect(anonymous.body.error).toBe('missing_key');

    const created = await read('POST', '/v1/admin/keys', { name: 'reader-desk', scopes: ['read'] });
    expect(created.status).toBe(201);
    const asReader = await client(ingest.url, created.body.key)('POST', '/v1/reports', report(`exchange/${freshId('auth')}`));
    expect(asReader.status).toBe(403);
    expect(asReader.body).toMatchObject({ error: 'forbidden', details: [{ required: ['ingest'], granted: ['read'] }] });

    const wrong = await client(ingest.url, 'nlk_0000000000000000_' + 'x'.repeat(43))('POST', '/v1/reports', {});
    expect(wrong.status).toBe(401);
  });

  it('records a report, answers 202 after Kafka acknowledged it, and the ingestor comes from the key', async () => {
    const desk = await read('POST', '/v1/admin/keys', { name: 'kyiv-desk', scopes: ['ingest'] });
    const subject = `exchange/${freshId('swap')}`;
    const r = await client(ingest.url, desk.body.key)('POST', '/v1/reports', { ...report(subject), ingestor: 'someone-else' });
    // An unknown top-level field is refused, so the ingestor can never be set from the body.
    expect(r.status).toBe(400);
    expect(r.body.details.map((d: { path: string }) => d.path)).toContain('ingestor');

    const ok = await client(ingest.url, desk.body.key)('POST', '/v1/reports', report(subject));
    expect(ok.status).toBe(202);
    expect(ok.body).toMatchObject({ subject, duplicate: false });
    expect(typeof ok.body.eventId).toBe('string');
    expect(Number(ok.body.offset)).toBeGreaterThanOrEqual(0);

    const history = await eventually('the event in the history', async () => {
      const h = await read('GET', `/v1/exchanges/${subject.split('/')[1]}/history`);
      return h.status === 200 ? h.body : undefined;
    });
    expect(history.events).toHaveLength(1);
    expect(history.events[0]).toMatchObject({
      eventId: ok.body.eventId, ingestor: 'kyiv-desk', confirmation: 'confirmed',
      position: { partition: ok.body.partition, offset: ok.body.offset }, retracted: false,
    });
  });

  it('appends the same id once, also when both sends arrive together', async () => {
    const subject = `exchange/${freshId('dup')}`;
    const id = `${freshId('report')}`;
    const sends = await Promise.all(Array.from({ length: 8 }, () => post('POST', '/v1/reports', report(subject, { id }))));
    expect(sends.filter((s) => s.status === 202)).toHaveLength(1);
    expect(sends.filter((s) => s.status === 200 && s.body.duplicate === true)).toHaveLength(7);
    expect(new Set(sends.map((s) => `${s.body.partition}/${s.body.offset}`)).size).toBe(1);

    const again = await post('POST', '/v1/reports', report(subject, { id }));
    expect(again.status).toBe(200);
    expect(again.body.duplicate).toBe(true);

    const reused = await post('POST', '/v1/reports', report(subject, { id, confirmation: 'denied' }));
    expect(reused.status).toBe(409);
    expect(reused.body.error).toBe('id_conflict');

    const view = await eventually('the view', async () => {
      const v = await read('GET', `/v1/exchanges/${subject.split('/')[1]}`);
      return v.status === 200 ? v.body : undefined;
    });
    expect(view.eventCount).toBe(1);
  });

  it('refuses bad input with a JSON error naming the field, and appends nothing', async () => {
    const subject = `exchange/${freshId('bad')}`;
    const cases: [unknown, string][] = [
      [report(subject, { type: 'exchange.teleported' }), 'type'],
      [report(subject, { confirmation: 'maybe' }), 'confirmation'],
      [report(subject, { subject: 'negotiation/x-1' }), 'subject'],
      [report(subject, { type: 'exchange.agreed', data: { parties: ['Ukraine'] } }), 'data.parties[0]'],
      [report(subject, { occurredAt: '23 May' }), 'occurredAt'],
      [report(subject, { type: 'report.retracted', data: { eventId: 'no-such-event', reason: 'wrong' } }), 'data.eventId'],
    ];
    for (const [body, path] of cases) {
      const r = await post('POST', '/v1/reports', body);
      expect(r.status).toBe(400);
      expect(typeof r.body.message).toBe('string');
      expect(r.body.details.map((d: { path: string }) => d.path)).toContain(path);
    }
    const notJson = await post('POST', '/v1/reports', '{"type":', { 'content-type': 'application/json' });
    expect(notJson.status).toBe(400);
    expect(notJson.body).toMatchObject({ error: 'invalid_json' });

    const h = await read('GET', `/v1/exchanges/${subject.split('/')[1]}/history`);
    expect(h.status).toBe(404);
  });

  it('takes a batch as NDJSON or a JSON array; a bad line is reported by number and does not stop the others', async () => {
    const subject = `exchange/${freshId('batch')}`;
    const lines = [
      JSON.stringify(report(subject, { type: 'exchange.agreed', confirmation: 'confirmed', data: { parties: ['UA', 'RU'], releasedBy: { UA: 1000, RU: 1000 } } })),
      '{not json',
      JSON.stringify(report(subject, { confirmation: 'nope' })),
      '',
      JSON.stringify(report(subject)),
    ].join('\n');
    const r = await post('POST', '/v1/reports/batch', lines, { 'content-type': 'application/x-ndjson' });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ accepted: 2, rejected: 2, duplicates: 0, failed: 0 });
    expect(r.body.results.map((x: { line: number; status: string }) => [x.line, x.status])).toEqual([
      [1, 'accepted'], [2, 'rejected'], [3, 'rejected'], [5, 'accepted'],
    ]);
    expect(r.body.results[2].details.map((d: { path: string }) => d.path)).toContain('confirmation');

    const arr = await post('POST', '/v1/reports/batch', [report(subject, { id: r.body.results[0].eventId, type: 'exchange.agreed', confirmation: 'confirmed', data: { parties: ['UA', 'RU'], releasedBy: { UA: 1000, RU: 1000 } } })]);
    expect(arr.status).toBe(200);
    expect(arr.body.results[0].status).toBe('duplicate');

    const view = await eventually('both events projected', async () => {
      const v = await read('GET', `/v1/exchanges/${subject.split('/')[1]}`);
      return v.status === 200 && v.body.eventCount === 2 ? v.body : undefined;
    });
    expect(view).toMatchObject({ status: 'underway', agreed: { releasedBy: { UA: 1000, RU: 1000 } } });
  });

  it('answers an id sent twice in one batch once as accepted and once as duplicate at the same position, and takes retractions by line', async () => {
    const subject = `exchange/${freshId('twice')}`;
    const id = freshId('twice-id');
    const agreed = report(subject, { id, type: 'exchange.agreed', confirmation: 'confirmed', data: { parties: ['UA', 'RU'], releasedBy: { UA: 84, RU: 84 } } });
    const r = await post('POST', '/v1/reports/batch', [agreed, report(subject), agreed, { ...agreed, note: 'the same id, other content' }]);
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ accepted: 2, duplicates: 1, rejected: 1, failed: 0 });
    const [first, , again, conflict] = r.body.results;
    expect(first).toMatchObject({ status: 'accepted', eventId: id });
    expect(again).toMatchObject({ status: 'duplicate', eventId: id, partition: first.partition, offset: first.offset });
    expect(conflict).toMatchObject({ status: 'rejected', error: 'id_conflict' });
    // Sent again as a batch: answered from what the first send recorded.
    const resent = await post('POST', '/v1/reports/batch', [agreed, { ...agreed, note: 'the same id, other content' }]);
    expect(resent.body.results.map((x: { status: string; error?: string; offset?: string }) => [x.status, x.error, x.offset])).toEqual([
      ['duplicate', undefined, first.offset], ['rejected', 'id_conflict', undefined],
    ]);

    await eventually('both reports projected', async () => {
      const v = await read('GET', `/v1/exchanges/${subject.split('/')[1]}`);
      return v.status === 200 && v.body.eventCount === 2 ? true : undefined;
    });
    const retract = { type: 'report.retracted', subject, source: { name: 'Reuters', kind: 'agency' }, confirmation: 'confirmed' };
    const retractions = await post('POST', '/v1/reports/batch', [
      { ...retract, data: { eventId: r.body.results[1].eventId, reason: 'wrong day' } },
      { ...retract, data: { eventId: 'no-such-event', reason: 'typo' } },
    ]);
    expect(retractions.status).toBe(200);
    expect(retractions.body.results.map((x: { status: string; error?: string }) => [x.status, x.error])).toEqual([
      ['accepted', undefined], ['rejected', 'unknown_event'],
    ]);
    const view = await eventually('the retraction projected', async () => {
      const v = await read('GET', `/v1/exchanges/${subject.split('/')[1]}`);
      return v.status === 200 && v.body.eventCount === 3 ? v.body : undefined;
    });
    expect(view).toMatchObject({ status: 'agreed', agreed: { releasedBy: { UA: 84, RU: 84 } } });
  });

  it('refuses text PostgreSQL cannot store (a NUL character) with 400 naming the field, so nothing is acknowledged that could never be indexed', async () => {
    const r = await post('POST', '/v1/reports', report(`exchange/${freshId('nul')}`, { note: 'before\u0000after' }));
    expect(r.status).toBe(400);
    expect(r.body).toMatchObject({ error: 'invalid_report', details: [{ path: 'note', message: expect.stringContaining('NUL') }] });
  });

  it('refuses lone surrogates in any text and times outside years 0001-9999 with 400 naming the field', async () => {
    const subject = `exchange/${freshId('unstorable')}`;
    // JSON.stringify writes a lone surrogate as the escape \ud800, as a hostile client would send it.
    for (const [body, path] of [
      [report(subject, { note: 'a\ud800b' }), 'note'],
      [report(subject, { source: { name: 'x\udfff', kind: 'agency' } }), 'source.name'],
      [report(subject, { type: 'exchange.details.reported', data: { location: 'a\ud800b', mediators: ['\udc00'] } }), 'data.location'],
      [report(subject, { occurredAt: '0000-01-01' }), 'occurredAt'],
      [report(subject, { occurredAt: '9999-12-31T23:59:59-14:00' }), 'occurredAt'],
    ] as const) {
      const r = await post('POST', '/v1/reports', body);
      expect(r.status).toBe(400);
      expect(r.body.details.map((d: { path: string }) => d.path)).toContain(path);
    }
  });

  it('counts a resend with its keys in another order as a duplicate, and refuses a second retraction with 409 already_retracted', async () => {
    const subject = `exchange/${freshId('order')}`;
    const id = freshId('report');
    const first = await post('POST', '/v1/reports', report(subject, { id, type: 'exchange.completed', data: { releasedBy: { UA: 150, RU: 150 } } }));
    expect(first.status).toBe(202);
    const reordered = await post('POST', '/v1/reports', report(subject, { id, type: 'exchange.completed', data: { releasedBy: { RU: 150, UA: 150 } } }));
    expect([reordered.status, reordered.body.duplicate]).toEqual([200, true]);
    const retract = { type: 'report.retracted', subject, source: { name: 'Reuters', kind: 'agency' }, confirmation: 'confirmed', data: { eventId: id, reason: 'premature' } };
    await eventually('the report indexed', async () => ((await read('GET', `/v1/exchanges/${subject.split('/')[1]}`)).status === 200 ? true : undefined));
    expect((await post('POST', '/v1/reports', retract)).status).toBe(202);
    const second = await eventually('the retraction indexed', async () => {
      const r = await post('POST', '/v1/reports', { ...retract, data: { eventId: id, reason: 'again' } });
      return r.status === 409 ? r : undefined;
    });
    expect(second.body).toMatchObject({ error: 'already_retracted', details: [{ path: 'data.eventId' }] });
  });

  it('takes one of several retractions of an event sent side by side, or in one batch, and answers the others 409 already_retracted', async () => {
    const subject = `exchange/${freshId('retract-race')}`;
    const retract = (eventId: string, reason: string) => ({ type: 'report.retracted', subject, source: { name: 'Reuters', kind: 'agency' }, confirmation: 'confirmed', data: { eventId, reason } });
    const targets = [freshId('t'), freshId('t')];
    for (const id of targets) expect((await post('POST', '/v1/reports', report(subject, { id }))).status).toBe(202);
    await eventually('both targets indexed', async () => ((await read('GET', `/v1/exchanges/${subject.split('/')[1]}`)).body?.eventCount === 2 ? true : undefined));
    // Neither retraction is projected before the others are checked: only the lock tells them apart.
    const sideBySide = await Promise.all([1, 2, 3, 4].map((n) => post('POST', '/v1/reports', retract(targets[0], `reason ${n}`))));
    expect(sideBySide.map((r) => r.status).sort()).toEqual([202, 409, 409, 409]);
    for (const r of sideBySide.filter((x) => x.status === 409)) expect(r.body.error).toBe('already_retracted');
    const batch = await post('POST', '/v1/reports/batch', [retract(targets[1], 'first'), retract(targets[1], 'second')]);
    expect(batch.body.results.map((x: { status: string; error?: string }) => [x.status, x.error])).toEqual([['accepted', undefined], ['rejected', 'already_retracted']]);
    const view = await eventually('both retractions projected', async () => {
      const v = await read('GET', `/v1/exchanges/${subject.split('/')[1]}/history`);
      return v.body?.events?.filter((e: { type: string }) => e.type === 'report.retracted').length === 2 ? v.body : undefined;
    });
    expect(view.events.filter((e: { retracted: boolean }) => e.retracted)).toHaveLength(2);
  });

  const overSingleLimit = {
    error: 'payload_too_large',
    message: `the body is larger than the ${testConfig.http.maxBodyBytes} bytes this endpoint accepts; send less, or split a batch into several requests`,
  };

  it('refuses a body over the limit with 413 stating the single-report limit, also one over the batch limit', async () => {
    const big = report(`exchange/${freshId('big')}`, { note: 'x'.repeat(testConfig.http.maxBodyBytes) });
    const r = await post('POST', '/v1/reports', big);
    expect([r.status, r.body]).toEqual([413, overSingleLimit]);
    // Larger than the server-wide (batch) limit: still this route's limit that is stated.
    const huge = await post('POST', '/v1/reports', `{"note":"${'x'.repeat(testConfig.http.maxBatchBodyBytes)}"}`, { 'content-type': 'application/json' });
    expect([huge.status, huge.body]).toEqual([413, overSingleLimit]);
  });

  it('counts a chunked body (no Content-Length) against the same limit', async () => {
    const big = JSON.stringify(report(`exchange/${freshId('chunked')}`, { note: 'x'.repeat(testConfig.http.maxBodyBytes) }));
    const res = await fetch(`${ingest.url}/v1/reports`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${testConfig.adminKey}` },
      body: new Blob([big]).stream(),
      duplex: 'half',
    } as RequestInit);
    expect(res.status).toBe(413);
    expect(await res.json()).toEqual(overSingleLimit);
  });

  it('says how to fix a body over the batch limit or of a content type it does not take', async () => {
    const tooBig = await post('POST', '/v1/reports/batch', 'x'.repeat(testConfig.http.maxBatchBodyBytes + 1), { 'content-type': 'application/x-ndjson' });
    expect(tooBig.status).toBe(413);
    expect(tooBig.body).toEqual({
      error: 'payload_too_large',
      message: `the body is larger than the ${testConfig.http.maxBatchBodyBytes} bytes this endpoint accepts; send less, or split a batch into several requests`,
    });
    const form = await post('POST', '/v1/reports', 'type=exchange.agreed', { 'content-type': 'application/x-www-form-urlencoded' });
    expect(form.status).toBe(415);
    expect(form.body).toMatchObject({ error: 'unsupported_media_type', message: expect.stringContaining('send application/json') });
  });
});
