'use strict';
/**
 * Fault injection for the relay crash test, loaded into a built projector with `node -r`: the
 * status-change relay's process kills itself right after its Nth send to the status-changes topic
 * (`RELAY_FAULT_EXIT_AFTER_SENDS`), before it marks what it sent. Kept out of the production code
 * and its configuration.
 */
const path = require('node:path');

const after = Number(process.env.RELAY_FAULT_EXIT_AFTER_SENDS);
if (!Number.isInteger(after) || after < 1) throw new Error('RELAY_FAULT_EXIT_AFTER_SENDS must be a whole number of sends, at least 1');
// The very module the built app loads (its aliases are relative paths into dist), so the patch is the app's.
const { EventLogProducer } = require(path.join(__dirname, '..', '..', 'dist', 'libs', 'event-log', 'src', 'event-log.producer.js'));
const appendAll = EventLogProducer.prototype.appendAll;
let sends = 0;
EventLogProducer.prototype.appendAll = async function appendAllThenMaybeDie(messages) {
  const positions = await appendAll.call(this, messages);
  if (this.topic === process.env.STATUS_CHANGES_TOPIC && ++sends >= after) {
    process.stderr.write(`fault injection: killing the projector after ${sends} relay sends, before they are marked\n`);
    process.kill(process.pid, 'SIGKILL');
    await new Promise(() => undefined);
  }
  return positions;
};
