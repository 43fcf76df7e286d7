// The dead-letter view (#dead-letters): GET /v1/admin/dead-letters a page at a time, and a
// corrected copy resubmitted through POST /v1/admin/dead-letters/resubmit, which hands it to the
// ingest API's POST /v1/reports with the key given (the page may only call its own origin).
import { draftOf, positionWords, reasonParts, resubmitWords } from './dead-letters.js';
import { h } from './dom.js';
import { fmtInstant } from './time.js';

const $ = (id) => document.getElementById(id);

/**
 * Wires the view. `key()` is the key in use; `refuse(err)` is called on a 401 (a 403 here only
 * means the key lacks the audit or ingest scope: said in the view, the key stays connected).
 */
export function mountDeadLetters({ key, refuse }) {
  const el = {
    section: $('dlq'),
    out: $('dlq-out'),
    list: $('dlq-list'),
    more: $('dlq-more'),
    form: $('resubmit'),
    title: $('resubmit-title'),
    note: $('resubmit-note'),
    text: $('resubmit-text'),
    key: $('resubmit-key'),
    result: $('resubmit-out'),
    cancel: $('resubmit-cancel'),
  };
  let cursor = null;
  let request = 0;
  let shown = 0;
  let total = 0;

  async function call(path, init = {}) {
    const res = await fetch(path, { ...init, headers: { accept: 'application/json', ...(init.headers || {}) }, cache: 'no-store' });
    const body = await res.json().catch(() => null);
    return { status: res.status, body, retryAfter: res.headers.get('retry-after') };
  }

  function letterEl(letter) {
    const { code, text } = reasonParts(letter.reason);
    const preview = letter.preview === null ? h('span', { class: 'muted' }, 'no body') : h('pre', { class: 'dlq-preview' }, letter.preview, letter.previewTruncated ? h('span', { class: 'muted' }, '…') : null);
    return h(
      'li',
      { class: 'letter', dataset: { position: letter.position } },
      h('p', { class: 'letter-head' }, h('strong', {}, `Dead letter ${letter.position}`), code ? [' ', h('span', { class: 'chip conf-denied' }, code)] : null),
      h(
        'dl',
        { class: 'facts' },
        h('dt', {}, 'Reason'),
        h('dd', { class: 'letter-reason' }, text, letter.issues && letter.issues.length ? h('ul', { class: 'letter-issues' }, letter.issues.map((i) => h('li', {}, `${i.path}: ${i.message}`))) : null),
        h('dt', {}, 'Arrived'),
        h('dd', {}, h('time', { datetime: letter.arrivedAt }, fmtInstant(letter.arrivedAt))),
        h('dt', {}, 'Original position'),
        h('dd', { class: 'letter-position' }, positionWords(letter.originalPosition), letter.key ? h('span', { class: 'muted' }, ` · key ${letter.key}`) : null),
        h('dt', {}, 'First bytes'),
        h('dd', {}, preview, letter.bytes !== null ? h('span', { class: 'muted letter-bytes' }, `${letter.bytes} bytes${letter.previewTruncated ? ', cut short' : ''}`) : null),
      ),
      h('button', { type: 'button', class: 'secondary resubmit-open', dataset: { position: letter.position } }, 'Correct and resubmit'),
    );
  }

  const letters = new Map();

  async function load(more) {
    const mine = ++request;
    el.out.textContent = 'Reading the dead-letter topic…';
    const r = await call(`/v1/admin/dead-letters?limit=20${more && cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, { headers: { authorization: `Bearer ${key()}` } }).catch((e) => ({ status: 0, body: { message: e.message } }));
    if (mine !== request) return;
    if (r.status === 401) return refuse(r);
    if (r.status !== 200) {
      el.out.textContent = r.status === 403
        ? 'This key may not read dead letters: they need a key with the audit scope (an admin key has it).'
        : `Could not read the dead letters: ${(r.body && r.body.message) || `the API answered ${r.status}`}.`;
      return;
    }
    if (!more) {
      el.list.replaceChildren();
      letters.clear();
      shown = 0;
    }
    for (const letter of r.body.letters) {
      letters.set(letter.position, letter);
      el.list.append(letterEl(letter));
    }
    shown += r.body.letters.length;
    total = r.body.total;
    cursor = r.body.nextCursor;
    el.more.hidden = !cursor;
    el.out.textContent = total === 0 ? 'No dead letters: every message on the log was read.' : `${total} dead letter${total === 1 ? '' : 's'}, newest first; ${shown} shown.`;
  }

  function openResubmit(position) {
    const letter = letters.get(position);
    if (!letter) return;
    const draft = draftOf(letter);
    el.form.dataset.position = position;
    el.title.textContent = `Resubmit a corrected copy of dead letter ${position}`;
    el.note.textContent = draft.note;
    el.text.value = draft.text;
    el.result.textContent = '';
    el.result.dataset.ok = '';
    el.form.hidden = false;
    // The form sits under the letter it corrects.
    el.list.querySelector(`li.letter[data-position="${position}"]`).append(el.form);
    el.text.focus();
  }

  el.list.addEventListener('click', (ev) => {
    const button = ev.target instanceof Element ? ev.target.closest('button.resubmit-open') : null;
    if (button) openResubmit(button.dataset.position);
  });
  el.more.addEventListener('click', () => void load(true));
  el.cancel.addEventListener('click', () => {
    el.form.hidden = true;
    const opener = el.list.querySelector(`button.resubmit-open[data-position="${el.form.dataset.position}"]`);
    if (opener) opener.focus();
  });
  el.form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    let report;
    try {
      report = JSON.parse(el.text.value);
    } catch (e) {
      el.result.dataset.ok = 'false';
      el.result.textContent = `Not sent: the copy is not JSON (${e.message}).`;
      return;
    }
    const ingestKey = el.key.value.trim() || key();
    el.result.dataset.ok = '';
    el.result.textContent = 'Sending to the ingest API…';
    const r = await call('/v1/admin/dead-letters/resubmit', {
      method: 'POST',
      headers: { authorization: `Bearer ${ingestKey}`, 'content-type': 'application/json' },
      body: JSON.stringify(report),
    }).catch((e) => ({ status: 0, body: { message: e.message } }));
    const words = r.status === 403 && !el.key.value.trim()
      ? { ok: false, text: 'Not recorded: the key in use may not ingest. Paste a key with the ingest scope above and send again.' }
      : r.status === 401
        ? { ok: false, text: 'Not recorded: that ingest key was refused.' }
        : resubmitWords(r.status, r.body);
    el.result.dataset.ok = String(words.ok);
    el.result.textContent = words.text;
  });

  return {
    show() {
      el.form.hidden = true;
      el.section.append(el.form);
      cursor = null;
      void load(false);
    },
    clear() {
      request += 1;
      el.list.replaceChildren();
      letters.clear();
      el.out.textContent = '';
      el.more.hidden = true;
      el.form.hidden = true;
      el.key.value = '';
    },
  };
}
