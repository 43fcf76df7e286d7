'use strict';
/**
 * Fault injection for the admission crash test, loaded into a built ingest API with `node -r`: the
 * process kills itself with SIGKILL at the append to the events topic that takes the reports it
 * appended to N or more (`ADMISSION_FAULT=<when>:<N>`): `before-append` (that group's reports
 * claimed, not appended) or `after-append` (appended and acknowledged, neither marked nor committed
 * on the inbound topic). Messages not keyed by a subject (the log's identity marks) do not count. Kept out of the production code and its configuration.
 */
const path = require('node:path');

const [when, nth] = String(process.env.ADMISSION_FAULT).split(':');
const after = Number(nth);
if (!['before-append', 'after-append'].includes(when) || !Number.isInteger(after) || after < 1) {
  throw new Error('ADMISSION_FAULT must be before-append:<N> or after-append:<N>, N a whole number of reports, at least 1');
}
// The very module the built app loads (its aliases are relative paths into dist), so the patch is the app's.
const { EventLogProducer } = require(path.join(__dirname, '..', '..', 'dist', 'libs', 'event-log', 'src', 'event-log.producer.js'));
const appendEach = EventLogProducer.prototype.appendEach;
let appended = 0;
const die = async () => {
  process.stderr.write(`fault injection: killing the ingest API ${when.replace('-', ' ')}, at ${appended} reports\n`);
  process.kill(process.pid, 'SIGKILL');
  await new Promise(() => undefined);
};
EventLogProducer.prototype.appendEach = async function appendEachThenMaybeDie(messages) {
  const reports = messages.filter((m) => /^(exchange|negotiation)\//.test(m.key)).length;
  const last = this.topic === process.env.EVENTS_TOPIC && reports > 0 && (appended += reports) >= after;
  if (last && when === 'before-append') await die();
  const outcomes = await appendEach.call(this, messages);
  if (last) await die();
  return outcomes;
};
