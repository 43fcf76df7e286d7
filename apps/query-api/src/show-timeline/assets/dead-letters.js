// Dead letters on the page: what a refused message was, in words, and a first draft of its
// corrected copy. Pure, tested by jest; the view itself is in dead-letters-view.js.

/** "id_conflict: id … was already used" → { code: 'id_conflict', text: 'id … was already used' }; a reason without a code keeps its words. */
export function reasonParts(reason) {
  const m = /^([a-z][a-z_]*): (.*)$/s.exec(String(reason || ''));
  return m ? { code: m[1], text: m[2] } : { code: null, text: String(reason || '') };
}

/** `newsledger.events/3/1187` → "partition 3, offset 1187 of newsledger.events". */
export function positionWords(originalPosition) {
  const m = /^(.+)\/(\d+)\/(\d+)$/.exec(String(originalPosition || ''));
  return m ? `partition ${m[2]}, offset ${m[3]} of ${m[1]}` : 'unknown';
}

/** A CloudEvent of the log back into the report `POST /v1/reports` takes (the server adds what it recorded). */
function reportOfCloudEvent(ce) {
  const d = ce.data || {};
  const report = { id: ce.id, type: ce.type, subject: ce.subject };
  if (d.occurredAt !== undefined) report.occurredAt = d.occurredAt;
  report.source = d.source;
  report.confirmation = d.confirmation;
  report.data = d.data;
  if (d.note !== undefined) report.note = d.note;
  return report;
}

/**
 * The draft of a corrected copy: `{ text, complete, note }`. A whole refused CloudEvent becomes
 * the report it carried, pretty-printed, ready to fix; a message cut short (the API keeps its first
 * bytes) or not JSON is given as it was, with what must be done before sending.
 */
export function draftOf(letter) {
  if (letter.preview === null || letter.preview === undefined) return { text: '', complete: false, note: 'The message had no body: write the report to send.' };
  const { code } = reasonParts(letter.reason);
  const idHint = code === 'id_conflict' ? ' Its id was already used for a different report: give it a new id.' : '';
  if (letter.previewTruncated) {
    return {
      text: letter.preview,
      complete: false,
      note: `Only the first ${letter.preview.length} characters were kept (${letter.bytes} bytes in all): complete the report before sending.${idHint}`,
    };
  }
  let parsed;
  try {
    parsed = JSON.parse(letter.preview);
  } catch {
    return { text: letter.preview, complete: false, note: `The message is not JSON: rewrite it as a report.${idHint}` };
  }
  if (parsed && typeof parsed === 'object' && parsed.specversion && parsed.data && typeof parsed.data === 'object') {
    return { text: JSON.stringify(reportOfCloudEvent(parsed), null, 2), complete: true, note: `The report the refused message carried: fix what the reason names, then send.${idHint}` };
  }
  return { text: JSON.stringify(parsed, null, 2), complete: true, note: `The refused message as it was: fix what the reason names, then send.${idHint}` };
}

/**
 * What the ingest API answered, in words: recorded, already recorded, or what is still wrong (its
 * message and each detail's path).
 */
export function resubmitWords(status, body) {
  if (status === 202 && body) return { ok: true, text: `Recorded as ${body.eventId} (${body.subject}, partition ${body.partition}, offset ${body.offset}).` };
  if (status === 200 && body && body.duplicate) return { ok: true, text: `Already recorded: ${body.eventId} was on the log with this very content; nothing new appended.` };
  const message = (body && body.message) || `the ingest API answered ${status}`;
  const details = body && Array.isArray(body.details) ? body.details.filter((d) => d && d.path !== undefined).map((d) => `${d.path}: ${d.message}`) : [];
  return { ok: false, text: `Not recorded (${status}${body && body.error ? ` ${body.error}` : ''}): ${message}${details.length ? ` — ${details.join('; ')}` : ''}` };
}
