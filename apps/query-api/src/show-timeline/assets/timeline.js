// The live timeline page: lists, one story's view and history, live status changes, as-of, the
// dead letters. ES modules, no build step. Everything a report says is put on the page as text
// (never as markup), so a report cannot inject anything into the page. The pure parts (wording,
// time and the address, order, progress, the chart's model, dead-letter drafts) are modules of
// their own that jest tests; the feed is read with libs/client's SSE parser, served as ./sse.js.
import { chartModel, renderChart } from './chart.js';
import { mountDeadLetters } from './dead-letters-view.js';
import { h } from './dom.js';
import { happenedBy, occurredWords, orderTimeline } from './order.js';
import { fmtNumber, fmtReleasedBy, perParty, progressOf } from './progress.js';
import { SseParser } from './sse.js';
import { fmtInstant, fmtMoment, formatHash, isDate, parseHash, parseMoment } from './time.js';
import { badgeWords, disputeWords, factWords, statusWord } from './wording.js';

(() => {
  const KEY_STORE = 'newsledger.key';
  const PAGE_SIZE = 50;
  const COLLECTION = { exchange: 'exchanges', negotiation: 'negotiations' };
  const CONFIRMATIONS = ['confirmed', 'reported', 'claimed', 'unconfirmed', 'denied'];
  const TYPE_LABELS = {
    'exchange.proposed': 'Proposed',
    'exchange.agreed': 'Agreed',
    'exchange.underway': 'Underway',
    'exchange.phase.completed': 'Phase completed',
    'exchange.completed': 'Completed',
    'exchange.suspended': 'Suspended',
    'exchange.cancelled': 'Cancelled',
    'exchange.details.reported': 'Details reported',
    'negotiation.round.announced': 'Round announced',
    'negotiation.round.held': 'Round held',
    'negotiation.mediation.proposed': 'Mediation proposed',
    'negotiation.mediation.endorsed': 'Mediation endorsed',
    'negotiation.mediation.rejected': 'Mediation rejected',
    'negotiation.position.stated': 'Position stated',
    'negotiation.document.announced': 'Document announced',
    'negotiation.ceasefire.reported': 'Ceasefire reported',
    'negotiation.status.reported': 'Status reported',
    'report.retracted': 'Retraction',
    'exchange.described': 'Headline',
    'negotiation.described': 'Headline',
  };

  const $ = (id) => document.getElementById(id);
  const el = {
    keyForm: $('key-form'),
    key: $('key'),
    forget: $('forget'),
    live: $('live'),
    liveText: $('live-text'),
    notice: $('notice'),
    lists: { negotiation: $('negotiations'), exchange: $('exchanges') },
    more: {
      negotiation: document.querySelector('[data-more="negotiation"]'),
      exchange: document.querySelector('[data-more="exchange"]'),
    },
    detail: $('detail'),
    detailKind: $('detail-kind'),
    detailTitle: $('detail-title'),
    detailBadges: $('detail-badges'),
    detailBody: $('detail-body'),
    asof: $('asof'),
    asofRange: $('asof-range'),
    asofOut: $('asof-out'),
    asofAt: $('asof-at'),
    validAt: $('valid-at'),
    asofNow: $('asof-now'),
    timelineSection: $('timeline-section'),
    timeline: $('timeline'),
    announcer: $('announcer'),
    layout: document.querySelector('.layout'),
    lists_: $('lists'),
    find: $('find'),
    findQ: $('find-q'),
    findStatus: $('find-status'),
    findParty: $('find-party'),
    findLevel: $('find-level'),
    findDisputed: $('find-disputed'),
    findOut: $('find-out'),
    back: $('back'),
    detailId: $('detail-id'),
    why: $('why-panel'),
    keyPrompt: $('key-prompt'),
    order: $('order'),
    orderHint: $('order-hint'),
    dlq: $('dlq'),
    storiesLink: $('stories-link'),
    dlqLink: $('dlq-link'),
    dlqBack: $('dlq-back'),
  };

  const state = {
    key: sessionStorage.getItem(KEY_STORE),
    /** subject → its list entry's elements */
    items: new Map(),
    cursors: { negotiation: null, exchange: null },
    selected: null,
    /** the as-of moment asked for: an instant, or a date the API reads as that day's end */
    asOf: null,
    /** the instant the API answered as of (its X-As-Of), null for now */
    asOfInstant: null,
    /** the API's words on how it read the times asked for (X-Time-Note) */
    timeNote: '',
    /** 'occurred' (when it happened) or 'recorded' */
    order: 'occurred',
    /** 'stories' or 'dead-letters' */
    screen: 'stories',
    /** a date: only reports that occurred by then count (?validAt=) */
    validAt: null,
    view: null,
    history: [],
    /** sorted distinct recordedAt instants of the selected story: the steps of the as-of slider */
    instants: [],
    feed: null,
    detailRequest: 0,
    pending: new Set(),
    pendingTimer: 0,
    sliderTimer: 0,
    findTimer: 0,
    /** the list query both lists were last read with (filters), without limit and cursor */
    filters: { negotiation: '', exchange: '' },
    listRequest: 0,
  };

  // ---- small helpers -------------------------------------------------------------------------

  /** occurredAt keeps its precision ("2025-05"); instants are shown like recordedAt. */
  const fmtOccurred = (v) => (/T/.test(v) ? fmtInstant(v) : v);

  const timeEl = (iso) => h('time', { datetime: iso }, fmtInstant(iso));
  /** The same on two lines, date then time, for narrow columns. */
  function stampEl(iso) {
    const text = fmtInstant(iso);
    const cut = text.indexOf(' ');
    return h('time', { datetime: iso, class: 'stamp' }, h('span', {}, text.slice(0, cut)), ' ', h('span', {}, text.slice(cut + 1)));
  }
  /** To the second: enough to tell list entries apart at a glance. */
  const fmtSecond = (iso) => fmtInstant(new Date(Math.floor(Date.parse(iso) / 1000) * 1000).toISOString());

  const idOf = (subject) => subject.slice(subject.indexOf('/') + 1);
  const kindOf = (subject) => subject.slice(0, subject.indexOf('/'));

  function sourceText(source) {
    if (!source) return '';
    const speaker = source.speaker && source.speaker !== source.name ? ` (${source.speaker})` : '';
    return `${source.name}${speaker}`;
  }

  function sourceEl(source) {
    const name = sourceText(source);
    const safeUrl = source && typeof source.url === 'string' && /^https?:\/\//i.test(source.url) ? source.url : null;
    return h(
      'span',
      { class: 'source' },
      safeUrl ? h('a', { href: safeUrl, rel: 'noopener noreferrer', target: '_blank' }, name) : name,
      source && source.kind ? h('span', { class: 'source-kind' }, ` · ${source.kind}`) : null,
    );
  }

  const chip = (confirmation) =>
    h('span', { class: `chip conf-${CONFIRMATIONS.includes(confirmation) ? confirmation : 'other'}` }, confirmation);

  function announce(text) {
    // Replacing the text (not appending) keeps the live region short; the timeout makes a
    // repeated message be read again.
    el.announcer.textContent = '';
    setTimeout(() => (el.announcer.textContent = text), 50);
  }

  function showNotice(text) {
    el.notice.textContent = text || '';
  }

  class ApiError extends Error {
    constructor(status, body, headers = null) {
      super((body && body.message) || `the API answered ${status}`);
      this.status = status;
      this.body = body;
      this.headers = headers;
    }
  }

  /** A read with the key; `withHeaders` also gives the answer's headers. A refused key is dropped at once. */
  async function api(path, { withHeaders = false } = {}) {
    const res = await fetch(path, { headers: { authorization: `Bearer ${state.key}`, accept: 'application/json' }, cache: 'no-store' });
    const body = await res.json().catch(() => null);
    if (!res.ok) {
      const err = new ApiError(res.status, body, res.headers);
      if (res.status === 401 || res.status === 403) refuseKey(err);
      throw err;
    }
    return withHeaders ? { body, headers: res.headers } : body;
  }

  /** `?asOf=…&validAt=…` of the moment shown, or ''. */
  function timeQuery(asOf, validAt) {
    const params = new URLSearchParams();
    if (asOf) params.set('asOf', asOf);
    if (validAt) params.set('validAt', validAt);
    const q = params.toString();
    return q ? `?${q}` : '';
  }
  const viewPath = (subject, asOf, validAt) => `/v1/${COLLECTION[kindOf(subject)]}/${encodeURIComponent(idOf(subject))}${timeQuery(asOf, validAt)}`;

  const historyPath = (subject) => `/v1/${COLLECTION[kindOf(subject)]}/${encodeURIComponent(idOf(subject))}/history`;

  // ---- badges and progress ------------------------------------------------------------------

  /**
   * Confirmed status and only-reported status are separate badges, each saying in words which
   * it is; the reported one appears only when it differs from the confirmed one.
   */
  function badgesFor(view, { why = false } = {}) {
    // In the story, each badge has a "Why?" that reads the explanation of its field.
    const whyButton = (field) =>
      why ? h('button', { type: 'button', class: 'why-button link-button', 'aria-expanded': 'false', 'aria-controls': 'why-panel', dataset: { why: field } }, 'Why?') : null;
    if (view.kind === 'negotiation') {
      return [h('span', { class: `badge badge-status status-${view.status}`, dataset: { field: 'status' } }, h('span', { class: 'badge-label' }, 'Status'), ` ${statusWord(view.status)}`), whyButton('status')].filter(Boolean);
    }
    const ladder = view.corroboration || {};
    const out = [
      view.status
        ? h('span', { class: `badge badge-confirmed status-${view.status}`, dataset: { field: 'status' } }, h('span', { class: 'badge-label' }, 'Confirmed'), ` ${badgeWords(view.status, 'confirmed', ladder[view.status], view.parties)}`)
        : h('span', { class: 'badge badge-none', dataset: { field: 'status' } }, h('span', { class: 'badge-label' }, 'Confirmed'), ' nothing yet'),
      view.status ? whyButton('status') : null,
    ];
    if (view.reportedStatus && view.reportedStatus !== view.status) {
      out.push(
        h('span', { class: `badge badge-reported status-${view.reportedStatus}`, dataset: { field: 'reportedStatus' } }, h('span', { class: 'badge-label' }, 'Only reported'), ` ${badgeWords(view.reportedStatus, 'reported', ladder[view.reportedStatus], view.parties)}`),
        whyButton('reportedStatus'),
      );
    }
    return out.filter(Boolean);
  }

  // ---- lists ---------------------------------------------------------------------------------

  function listItem(view) {
    const link = h('a', { class: 'subject-link', href: `#${view.subject}` });
    const name = h('span', { class: 'subject-name' });
    const sid = h('span', { class: 'subject-id' });
    const meta = h('span', { class: 'subject-meta' });
    const badges = h('span', { class: 'badges' });
    const bar = view.kind === 'exchange' ? h('progress', { class: 'mini-progress', 'aria-hidden': 'true', max: 1, value: 0 }) : null;
    link.append(name, sid, meta, badges);
    if (bar) link.append(bar);
    const li = h('li', { class: 'subject', dataset: { subject: view.subject } }, link);
    return { li, link, name, sid, meta, badges, bar };
  }

  /** Updates an entry in place, so the list does not move under the reader or lose focus. */
  function fillItem(item, view, changedField) {
    // The headline when there is one, the id beneath it; the id alone before any headline.
    item.name.textContent = view.title || idOf(view.subject);
    item.sid.textContent = view.title ? idOf(view.subject) : '';
    item.sid.hidden = !view.title;
    const bits = [];
    if (view.parties && view.parties.length) bits.push(view.parties.join(' · '));
    const progress = view.kind === 'exchange' ? progressOf(view) : null;
    if (progress) bits.push(progress.text);
    if (view.lastRecordedAt) bits.push(`updated ${fmtSecond(view.lastRecordedAt)}`);
    item.meta.textContent = bits.join(' — ');
    item.badges.replaceChildren(...badgesFor(view));
    if (item.bar) {
      item.bar.max = progress ? Math.max(progress.max, 1) : 1;
      item.bar.value = progress ? progress.released : 0;
      item.bar.hidden = !progress || progress.agreed === null;
    }
    if (changedField) flash(item.badges.querySelector(`[data-field="${changedField}"]`) || item.badges);
  }

  function flash(node) {
    node.classList.remove('changed');
    // Reading offsetWidth restarts the animation when the same badge changes twice.
    void node.offsetWidth;
    node.classList.add('changed');
  }

  function upsert(view, { prepend = false, changedField } = {}) {
    let item = state.items.get(view.subject);
    if (!item) {
      item = listItem(view);
      state.items.set(view.subject, item);
      const list = el.lists[view.kind];
      if (prepend) list.prepend(item.li);
      else list.append(item.li);
    }
    fillItem(item, view, changedField);
    markSelected();
  }

  /**
   * The list query of the search box and filters for one kind, or null when a status filter names
   * the other kind's statuses (that list is then empty, not unfiltered).
   */
  function filterQuery(kind) {
    const params = new URLSearchParams();
    const q = el.findQ.value.trim();
    if (q) params.set('q', q);
    const status = el.findStatus.value;
    if (status) {
      const [statusKind, value] = status.split(':');
      if (statusKind !== kind) return null;
      params.set('status', value);
    }
    const party = el.findParty.value.trim().toUpperCase();
    if (/^[A-Z]{2}$/.test(party)) params.set('party', party);
    if (el.findLevel.value) params.set('level', el.findLevel.value);
    if (el.findDisputed.checked) params.set('disputed', 'true');
    return params.toString();
  }

  const filtering = () => Object.values(state.filters).some((f) => f !== '');

  async function loadList(kind, more, request = state.listRequest) {
    const cursor = more ? state.cursors[kind] : null;
    const filters = more ? state.filters[kind] : filterQuery(kind);
    let page;
    if (filters === null) page = { items: [], nextCursor: null };
    else page = await api(`/v1/${COLLECTION[kind]}?limit=${PAGE_SIZE}${filters ? `&${filters}` : ''}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    // A newer search was started while this one was on its way: its answer is the one to show.
    if (request !== state.listRequest) return;
    state.filters[kind] = filters;
    if (!more) {
      el.lists[kind].querySelector('.empty')?.remove();
      for (const [subject, item] of state.items) {
        if (kindOf(subject) === kind) {
          item.li.remove();
          state.items.delete(subject);
        }
      }
    }
    for (const view of page.items) upsert(view);
    state.cursors[kind] = page.nextCursor;
    el.more[kind].hidden = !page.nextCursor;
    if (!more && page.items.length === 0)
      el.lists[kind].append(h('li', { class: 'empty' }, filters === '' ? `No ${COLLECTION[kind]} recorded yet.` : `No ${COLLECTION[kind]} match.`));
    else el.lists[kind].querySelector('.empty')?.remove();
  }

  function markSelected() {
    for (const [subject, item] of state.items) {
      if (subject === state.selected) item.link.setAttribute('aria-current', 'true');
      else item.link.removeAttribute('aria-current');
    }
  }

  // ---- the selected story --------------------------------------------------------------------

  function section(title, ...content) {
    const id = `s-${title.toLowerCase().replace(/[^a-z]+/g, '-')}`;
    return h('section', { class: 'panel', 'aria-labelledby': id }, h('h3', { id }, title), ...content);
  }

  function factRow(label, fact, format = (v) => String(v)) {
    return [
      h('dt', {}, label),
      h('dd', {}, fact ? [h('span', { class: 'fact-value' }, format(fact.value)), ' ', chip(fact.confirmation), ' ', sourceEl(fact.source)] : h('span', { class: 'muted' }, 'not reported')),
    ];
  }

  function claimsTable(claims, what) {
    if (!claims.length) return h('p', { class: 'muted' }, `No live report states ${what}.`);
    return h('div', { class: 'table-wrap' }, h(
      'table',
      { class: 'claims' },
      h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Says'), h('th', { scope: 'col' }, 'Confirmation'), h('th', { scope: 'col' }, 'Who'), h('th', { scope: 'col' }, 'Occurred'), h('th', { scope: 'col' }, 'Recorded'))),
      h(
        'tbody',
        {},
        claims.map((c) =>
          h('tr', { dataset: { eventId: c.eventId } }, h('td', {}, h('strong', {}, c.status)), h('td', {}, chip(c.confirmation)), h('td', {}, sourceEl(c.source)), h('td', { class: 'nowrap' }, c.occurredAt ? fmtOccurred(c.occurredAt) : '—'), h('td', {}, stampEl(c.recordedAt))),
        ),
      ),
    ));
  }

  function exchangeBody(view) {
    const progress = progressOf(view);
    // The chart reads the reports known at the moment shown, as the view does.
    const known = state.history.filter((e) => !state.asOfInstant || Date.parse(e.recordedAt) <= Date.parse(state.asOfInstant));
    const chart = chartModel(view, known);
    const progressPanel = section(
      'Released vs agreed',
      progress
        ? [
            h('p', { class: 'progress-text', id: 'progress-text' }, h('strong', {}, progress.text), progress.agreed !== null ? ` (${progress.pct}%)` : ' — no agreed numbers reported'),
            progress.agreed !== null
              ? h('progress', { class: 'progress', id: 'progress', max: Math.max(progress.max, 1), value: progress.released, 'aria-labelledby': 'progress-text' })
              : null,
            h(
              'ul',
              { class: 'per-party' },
              perParty(view).map((p) =>
                h('li', {}, h('span', { class: 'party' }, p.party), ` releases ${fmtNumber(p.released)}`, p.agreed !== null ? ` of ${fmtNumber(p.agreed)}` : ''),
              ),
            ),
            chart
              ? h(
                  'figure',
                  { class: 'chart-figure', id: 'chart' },
                  // Too narrow a screen scrolls the chart in its box, with the tables' cue, rather than shrink its words.
                  h('div', { class: 'table-wrap chart-wrap' }, renderChart(chart, document, 'chart-title')),
                  h('figcaption', { class: 'muted' }, 'Released per party after each confirmed phase (dots), and the completion’s total; the dashed line is the number agreed.'),
                )
              : null,
            view.agreed
              ? h('p', { class: 'muted' }, `Numbers ${view.agreed.stage === 'agreed' ? 'agreed' : 'proposed'} in a report that is `, chip(view.agreed.confirmation), '.')
              : null,
          ]
        : h('p', { class: 'muted' }, 'No numbers agreed or released yet.'),
    );
    const phases = section(
      'Phases',
      view.phases && view.phases.length
        ? h(
            'ol',
            { class: 'phases' },
            // The view lists confirmed phases only (contract §7.2): each says so, as rounds and positions do.
            view.phases.map((p) => h('li', { dataset: { phase: p.phase } }, h('strong', {}, `Phase ${p.phase}`), ` — ${fmtReleasedBy(p.releasedBy)}`, p.date ? ` — ${p.date}` : '', ' ', chip('confirmed'))),
          )
        : h('p', { class: 'muted' }, 'No confirmed phase yet.'),
    );
    const facts = section(
      'Details',
      h(
        'dl',
        { class: 'facts' },
        h('dt', {}, 'Parties'),
        h('dd', {}, view.parties.length ? view.parties.join(' · ') : h('span', { class: 'muted' }, 'none named')),
        factRow('Location', view.location),
        factRow('Expected days', view.expectedDays),
        factRow('Mediators', view.mediators, (v) => v.join(', ')),
        h('dt', {}, 'Negotiation'),
        h('dd', {}, view.negotiation ? h('a', { href: `#${view.negotiation}` }, idOf(view.negotiation)) : h('span', { class: 'muted' }, 'none named')),
      ),
    );
    const disputes = view.disputes && view.disputes.length
      ? section(
          'Disputes',
          h('p', { class: 'muted' }, 'The sources give different figures; the lowest is shown.'),
          h('ul', { class: 'disputes' }, view.disputes.map((d) => h('li', { dataset: { fact: d.fact } }, h('strong', {}, `${factWords(d.fact)}: `), disputeWords(d, fmtNumber)))),
        )
      : null;
    return [progressPanel, disputes, phases, section('Who claimed what', claimsTable(view.claims, 'a status')), facts].filter(Boolean);
  }

  function negotiationBody(view) {
    const rounds = section(
      'Rounds',
      view.rounds.length
        ? h(
            'ol',
            { class: 'rounds' },
            view.rounds.map((r) =>
              h(
                'li',
                {},
                h('strong', {}, `Round ${r.round}`),
                ` — ${r.state}`,
                [r.venue, r.date || r.scheduledFor, r.delegationLevel && `${r.delegationLevel} delegations`].filter(Boolean).map((x) => ` · ${x}`),
                r.confirmation ? [' ', chip(r.confirmation)] : null,
                r.agenda?.length ? h('div', { class: 'muted' }, 'Agenda:', h('ul', { class: 'agenda' }, r.agenda.map((item) => h('li', {}, item)))) : null,
                r.outcome ? h('div', { class: 'muted' }, `Outcome: ${r.outcome}`) : null,
              ),
            ),
          )
        : h('p', { class: 'muted' }, 'No round reported.'),
    );
    const positions = section(
      'Who said what',
      view.positions.length
        ? h(
            'ul',
            { class: 'positions' },
            view.positions.map((p) =>
              h('li', { dataset: { eventId: p.eventId } }, h('p', { class: 'quote' }, `“${p.quote}”`), h('p', {}, h('strong', {}, p.speaker), ` (${p.party})`, p.topic ? ` on ${p.topic}` : '', ' ', chip(p.confirmation), ' — ', sourceEl(p.source))),
            ),
          )
        : h('p', { class: 'muted' }, 'No position stated.'),
    );
    // Each proposal, endorsement and rejection with its confirmation (contract §7.5).
    const who = (list) =>
      list.length ? list.map((x, i) => [i ? ', ' : '', `${x.by}${x.party ? ` (${x.party})` : ''}`, x.confirmation ? [' ', chip(x.confirmation)] : null]) : '—';
    const mediation = section(
      'Mediation',
      view.mediation.length
        ? h(
            'dl',
            { class: 'facts' },
            view.mediation.map((m) => [h('dt', {}, m.mediator), h('dd', {}, 'Proposed by ', who(m.proposedBy), '; endorsed by ', who(m.endorsedBy), '; rejected by ', who(m.rejectedBy))]),
          )
        : h('p', { class: 'muted' }, 'No mediation proposed.'),
    );
    const other = section(
      'Details',
      h(
        'dl',
        { class: 'facts' },
        h('dt', {}, 'Parties'),
        h('dd', {}, view.parties.length ? view.parties.join(' · ') : h('span', { class: 'muted' }, 'none named')),
        h('dt', {}, 'Ceasefire'),
        h('dd', {}, view.ceasefire ? [h('span', { class: 'fact-value' }, view.ceasefire.status), ' ', chip(view.ceasefire.confirmation), ' ', sourceEl(view.ceasefire.source)] : h('span', { class: 'muted' }, 'not reported')),
        h('dt', {}, 'Documents'),
        h('dd', {}, view.documents.length ? view.documents.map((d) => h('div', {}, `${d.title} by ${d.by}${d.round ? `, round ${d.round}` : ''} `, chip(d.confirmation))) : h('span', { class: 'muted' }, 'none')),
        h('dt', {}, 'Exchanges'),
        h('dd', {}, view.exchanges && view.exchanges.length ? view.exchanges.map((s) => h('div', {}, h('a', { href: `#${s}` }, idOf(s)))) : h('span', { class: 'muted' }, 'none agreed here')),
      ),
    );
    return [rounds, section('Status reports', claimsTable(view.claims, 'a status')), positions, mediation, other];
  }

  // ---- timeline ------------------------------------------------------------------------------

  function humanKey(key) {
    return key.replace(/([A-Z])/g, ' $1').toLowerCase();
  }

  function dataValue(key, value) {
    if (key === 'releasedBy') return fmtReleasedBy(value);
    if (key === 'negotiation' && typeof value === 'string') return h('a', { href: `#${value}` }, idOf(value));
    if (key === 'quote') return `“${value}”`;
    if (Array.isArray(value)) return value.join(', ');
    if (value && typeof value === 'object') return JSON.stringify(value);
    return typeof value === 'number' ? fmtNumber(value) : String(value);
  }

  function typeLabel(e) {
    if (e.type === 'exchange.phase.completed' && e.data && e.data.phase) return `Phase ${e.data.phase} completed`;
    return TYPE_LABELS[e.type] || e.type;
  }

  function timelineEntry(e, byId, asOfMs) {
    const known = asOfMs === null || Date.parse(e.recordedAt) <= asOfMs;
    const happened = happenedBy(e, state.validAt);
    const retraction = e.retraction;
    const retractedThen = Boolean(retraction) && (asOfMs === null || Date.parse(retraction.recordedAt) <= asOfMs);

    const content = [
      h('p', { class: 'event-head' }, h('span', { class: 'event-type' }, typeLabel(e)), ' ', chip(e.confirmation)),
      h('p', { class: 'event-source' }, sourceEl(e.source)),
    ];
    if (e.type === 'report.retracted') {
      const target = byId.get(e.data.eventId);
      content.push(
        h('p', { class: 'event-retracts' }, 'Withdraws ', target ? `“${typeLabel(target)}” from ${sourceText(target.source)}, recorded ${fmtInstant(target.recordedAt)}` : e.data.eventId, `. Reason: ${e.data.reason}`),
      );
    } else {
      const entries = Object.entries(e.data || {}).filter(([k]) => !(e.type === 'exchange.phase.completed' && k === 'phase'));
      if (entries.length) content.push(h('dl', { class: 'event-data' }, entries.map(([k, v]) => [h('dt', {}, humanKey(k)), h('dd', {}, dataValue(k, v))])));
    }
    if (e.note) content.push(h('p', { class: 'event-note' }, e.note));

    const li = h(
      'li',
      {
        class: `event${retractedThen ? ' is-retracted' : ''}${known && happened ? '' : ' is-later'}${e.type === 'report.retracted' ? ' is-retraction' : ''}`,
        dataset: { eventId: e.eventId, type: e.type },
      },
      // The order's own time first, the other second.
      state.order === 'recorded'
        ? h('div', { class: 'event-when' }, stampEl(e.recordedAt), h('span', { class: 'occurred' }, e.occurredAt ? `happened ${occurredWords(e)}` : 'undated'))
        : h('div', { class: 'event-when' }, h('span', { class: 'occurred-main' }, occurredWords(e)), h('span', { class: 'recorded' }, 'recorded ', stampEl(e.recordedAt))),
      h(
        'div',
        { class: 'event-body' },
        retractedThen ? [h('span', { class: 'visually-hidden' }, 'Retracted report: '), h('del', { class: 'retracted-content' }, content)] : content,
        retractedThen
          ? h('p', { class: 'retraction-reason' }, h('strong', {}, 'Retracted'), ' ', timeEl(retraction.recordedAt), ` by ${sourceText(retraction.source)}: ${retraction.reason}`)
          : null,
        retraction && !retractedThen ? h('p', { class: 'muted' }, 'Retracted later.') : null,
        !known ? h('p', { class: 'later-note' }, 'Recorded after the moment shown.') : null,
        known && !happened ? h('p', { class: 'later-note' }, `Happened after ${state.validAt}: not counted.`) : null,
        h(
          'p',
          { class: 'event-meta' },
          `recorded by ${e.ingestor}`,
          h('button', { type: 'button', class: 'link-button', dataset: { asof: e.recordedAt } }, 'See the story as of this report'),
        ),
      ),
    );
    return li;
  }

  function renderTimeline() {
    const byId = new Map(state.history.map((e) => [e.eventId, e]));
    const asOfMs = state.asOfInstant ? Date.parse(state.asOfInstant) : null;
    el.timeline.replaceChildren(...orderTimeline(state.history, state.order).map((e) => timelineEntry(e, byId, asOfMs)));
    el.timeline.dataset.order = state.order;
    el.orderHint.textContent = state.order === 'recorded'
      ? 'In the order the reports were recorded on the log.'
      : 'By when it happened, at the precision reported (a date is the whole day); reports of the same time in the order recorded.';
    el.timelineSection.hidden = state.history.length === 0;
  }

  // ---- as-of ---------------------------------------------------------------------------------

  function renderAsOf() {
    const n = state.instants.length;
    el.asof.hidden = n === 0;
    if (n === 0) return;
    el.asofRange.max = String(n);
    el.asofRange.disabled = n < 2;
    const asOfMs = state.asOfInstant ? Date.parse(state.asOfInstant) : null;
    const count = asOfMs !== null ? state.instants.filter((t) => Date.parse(t) <= asOfMs).length : n;
    el.asofRange.value = String(Math.max(1, count));
    const reports = state.history.filter((e) => asOfMs === null || Date.parse(e.recordedAt) <= asOfMs).length;
    const happened = state.validAt ? `; only what happened by ${state.validAt} (UTC)` : '';
    // A date asked for is read by the API as that day's end; the answer's instant is the one shown.
    const asOfText = state.asOfInstant && isDate(state.asOf) ? `${fmtInstant(state.asOfInstant)}, the end of ${state.asOf}` : fmtInstant(state.asOfInstant);
    const text = state.asOf
      ? `${reports} of ${state.history.length} reports, as of ${asOfText}${happened}`
      : `All ${state.history.length} reports, now${happened || '; following live changes'}`;
    el.asofOut.textContent = text;
    el.asofRange.setAttribute('aria-valuetext', text);
    el.asofNow.disabled = !state.asOf && !state.validAt;
    el.detail.dataset.asof = state.asOf || state.validAt ? 'past' : 'now';
    el.asofOut.title = state.timeNote;
    if (document.activeElement !== el.asofAt) el.asofAt.value = state.asOf && isDate(state.asOf) ? state.asOf : fmtInstant(state.asOfInstant || state.instants[n - 1]);
    if (document.activeElement !== el.validAt) el.validAt.value = state.validAt || '';
  }

  // ---- loading -------------------------------------------------------------------------------

  async function loadDetail() {
    const subject = state.selected;
    if (!subject || !state.key) return;
    const request = ++state.detailRequest;
    const asOf = state.asOf;
    const opened = state.view === null && state.history.length === 0;
    el.detail.setAttribute('aria-busy', 'true');
    try {
      const [answer, history] = await Promise.all([
        api(viewPath(subject, asOf, state.validAt), { withHeaders: true }).catch((e) => {
          if (e instanceof ApiError && e.status === 404) return { body: null, headers: e.headers };
          throw e;
        }),
        api(historyPath(subject)).catch((e) => {
          if (e instanceof ApiError && e.status === 404) return { events: [] };
          throw e;
        }),
      ]);
      if (request !== state.detailRequest) return;
      const view = answer.body;
      // The instant the API answered as of: a date asked for is that day's end, which the API
      // alone decides (its answers, a 404 too, carry X-As-Of).
      const header = answer.headers && answer.headers.get('x-as-of');
      state.asOfInstant = !asOf ? null : header || asOf;
      state.timeNote = (answer.headers && answer.headers.get('x-time-note')) || '';
      state.view = view;
      state.history = history.events;
      state.instants = [...new Set(history.events.map((e) => e.recordedAt))].sort((a, b) => Date.parse(a) - Date.parse(b));
      renderDetail(subject);
      if (view && !asOf && !state.validAt) upsert(view);
      if (opened) showOpened();
    } catch (e) {
      if (request !== state.detailRequest) return;
      if (!(e instanceof ApiError && (e.status === 401 || e.status === 403))) showNotice(`Could not load ${subject}: ${e.message}`);
    } finally {
      if (request === state.detailRequest) el.detail.setAttribute('aria-busy', 'false');
    }
  }

  function renderDetail(subject) {
    const view = state.view;
    el.detailKind.textContent = kindOf(subject) === 'exchange' ? 'Exchange' : 'Negotiation';
    el.detailTitle.textContent = (view && view.title) || idOf(subject);
    el.detailId.textContent = view && view.title ? idOf(subject) : '';
    el.detailId.hidden = !(view && view.title);
    el.detailBadges.replaceChildren(...(view ? badgesFor(view, { why: true }) : []));
    closeWhy();
    if (!view) {
      el.detailBody.replaceChildren(
        h('p', { class: 'placeholder' }, state.asOf ? `Nothing about this story had been recorded by ${fmtMoment(state.asOf)}.` : 'Nothing has been recorded about this story.'),
      );
    } else {
      const summary = h(
        'p',
        { class: 'summary muted' },
        `${view.eventCount} report${view.eventCount === 1 ? '' : 's'}`,
        view.lastRecordedAt ? [', the latest recorded ', timeEl(view.lastRecordedAt)] : '',
        Object.keys(view.retracted || {}).length ? `; ${Object.keys(view.retracted).length} retracted` : '',
        '.',
      );
      const headline = view.summary ? h('p', { class: 'detail-summary' }, view.summary) : null;
      el.detailBody.replaceChildren(...(headline ? [headline] : []), summary, ...(view.kind === 'exchange' ? exchangeBody(view) : negotiationBody(view)));
    }
    renderAsOf();
    renderTimeline();
  }

  /**
   * A story just opened is shown from its top (on one column, below the lists, it is scrolled to).
   * Focus follows only when it was inside the story (a link to another story, now gone) or
   * nowhere: a reader walking the list keeps their place there.
   */
  function showOpened() {
    const active = document.activeElement;
    if (!active || active === document.body || el.detail.contains(active) || !active.isConnected) el.detail.focus({ preventScroll: true });
    const top = el.detail.getBoundingClientRect().top;
    if (top < 0 || top > window.innerHeight * 0.8) el.detail.scrollIntoView({ block: 'start' });
  }

  function clearDetail() {
    state.view = null;
    state.history = [];
    state.instants = [];
    el.detailKind.textContent = '';
    el.detailTitle.textContent = 'Choose a story';
    el.detailId.textContent = '';
    el.detailId.hidden = true;
    el.detailBadges.replaceChildren();
    el.detailBody.replaceChildren(h('p', { class: 'placeholder' }, state.key ? 'Pick a negotiation or an exchange.' : 'Connect with a key, then pick a negotiation or an exchange.'));
    el.asof.hidden = true;
    el.timelineSection.hidden = true;
    el.timeline.replaceChildren();
  }

  // ---- why? -----------------------------------------------------------------------------------

  const ROLE_WORDS = { supports: 'supports', denies: 'denies', disputes: 'disputes', superseded: 'superseded', retracted: 'retracted' };
  let whyRequest = 0;

  function closeWhy() {
    whyRequest += 1;
    el.why.hidden = true;
    el.why.replaceChildren();
    for (const b of el.detailBadges.querySelectorAll('[data-why]')) b.setAttribute('aria-expanded', 'false');
  }

  /** Reads GET …/:id/explain (as of the moment shown) and shows the sentence and reports behind one badge. */
  async function openWhy(button) {
    const field = button.dataset.why;
    const subject = state.selected;
    const request = ++whyRequest;
    for (const b of el.detailBadges.querySelectorAll('[data-why]')) b.setAttribute('aria-expanded', String(b === button));
    el.why.hidden = false;
    el.why.replaceChildren(h('p', { class: 'muted' }, 'Reading the explanation…'));
    const badge = el.detailBadges.querySelector(`.badge[data-field="${field}"]`);
    const path = `/v1/${COLLECTION[kindOf(subject)]}/${encodeURIComponent(idOf(subject))}/explain${timeQuery(state.asOf, state.validAt)}`;
    try {
      const explained = await api(path);
      if (request !== whyRequest) return;
      const fact = (explained.facts || []).find((f) => f.field === field);
      el.why.replaceChildren(
        h('h3', { id: 'why-title' }, `Why “${badge ? badge.textContent.trim() : field}”?`),
        fact ? h('p', { class: 'why-sentence' }, fact.sentence) : h('p', { class: 'muted' }, 'No report explains this yet.'),
        fact && fact.evidence && fact.evidence.length
          ? h(
              'ul',
              { class: 'why-evidence' },
              fact.evidence.map((e) =>
                h('li', { dataset: { eventId: e.eventId, role: e.role } }, h('span', { class: `role role-${e.role}` }, ROLE_WORDS[e.role] || e.role), ' ', TYPE_LABELS[e.type] || e.type, ' ', chip(e.confirmation), ' ', sourceEl(e.source), e.occurredAt ? ` · occurred ${fmtOccurred(e.occurredAt)}` : '', ' · recorded ', timeEl(e.recordedAt)),
              ),
            )
          : null,
        h('button', { type: 'button', class: 'secondary why-close' }, 'Close'),
      );
    } catch (e) {
      if (request !== whyRequest) return;
      el.why.replaceChildren(h('p', { class: 'muted' }, `Could not read the explanation: ${e.message}`));
    }
  }

  el.detailBadges.addEventListener('click', (ev) => {
    const button = ev.target instanceof Element ? ev.target.closest('button[data-why]') : null;
    if (!button || !state.selected) return;
    if (button.getAttribute('aria-expanded') === 'true') closeWhy();
    else void openWhy(button);
  });
  el.why.addEventListener('click', (ev) => {
    if (ev.target instanceof Element && ev.target.closest('.why-close')) {
      const field = el.detailBadges.querySelector('[aria-expanded="true"]');
      closeWhy();
      if (field) field.focus();
    }
  });

  // ---- routing: #<subject>[@<moment>][;valid=<date>], #dead-letters ------------------------

  /** `#<subject>[@<moment>][;valid=<date>]`: a shareable address of the story as shown. */
  function navigate(subject, asOf, replace, validAt = state.validAt) {
    const hash = formatHash(subject, asOf, validAt);
    if (replace) {
      history.replaceState(null, '', hash);
      route();
    } else if (location.hash !== hash) location.hash = hash;
    else route();
  }

  /** Without a key, the address still says what it opens: the prompt names the story. */
  function promptForKey() {
    const target = parseHash(location.hash);
    const what = target.view === 'story' ? idOf(target.subject) : target.view === 'dead-letters' ? 'the dead letters' : null;
    el.keyPrompt.textContent = what ? `Paste a read key to open ${what}.` : '';
    el.keyPrompt.hidden = !what;
    if (!what) return;
    el.detailTitle.textContent = what;
    el.detailBody.replaceChildren(h('p', { class: 'placeholder' }, `This link opens ${what} once a key with the read scope is pasted above.`));
  }

  function route() {
    const target = parseHash(location.hash);
    if (!state.key) {
      state.selected = target.view === 'story' ? target.subject : null;
      return promptForKey();
    }
    el.keyPrompt.hidden = true;
    const screen = target.view === 'dead-letters' ? 'dead-letters' : 'stories';
    const subject = target.view === 'story' ? target.subject : null;
    const changedSubject = subject !== state.selected;
    state.selected = subject;
    state.asOf = target.view === 'story' ? target.asOf : null;
    state.validAt = target.view === 'story' ? target.validAt : null;
    markSelected();
    // On one column an open story (or the dead letters) takes the lists' place; the back control returns to them.
    el.layout.classList.toggle('has-story', Boolean(subject) || screen === 'dead-letters');
    el.back.hidden = !subject;
    el.detail.hidden = screen === 'dead-letters';
    el.dlq.hidden = screen !== 'dead-letters';
    for (const [link, on] of [[el.storiesLink, screen === 'stories'], [el.dlqLink, screen === 'dead-letters']]) {
      if (on) link.setAttribute('aria-current', 'page');
      else link.removeAttribute('aria-current');
    }
    if (screen !== state.screen) {
      state.screen = screen;
      if (screen === 'dead-letters') {
        deadLetters.show();
        el.dlq.focus({ preventScroll: true });
      } else deadLetters.clear();
    }
    if (screen === 'dead-letters') return clearDetail();
    if (!subject) return clearDetail();
    if (changedSubject) {
      state.view = null;
      state.history = [];
      state.instants = [];
    }
    return loadDetail();
  }

  // ---- live feed -----------------------------------------------------------------------------

  function setLive(mode, text) {
    el.live.dataset.state = mode;
    el.liveText.textContent = text;
  }

  /**
   * Follows GET /v1/feed/status-changes with fetch, since EventSource cannot send the key.
   * Reconnects with Last-Event-ID, so the server sends exactly what was missed.
   */
  function follow() {
    const abort = new AbortController();
    let opened;
    const ready = new Promise((resolve) => (opened = resolve));
    (async () => {
      let lastEventId = null;
      let retryMs = 2000;
      let attempt = 0;
      let connectedBefore = false;
      while (!abort.signal.aborted) {
        try {
          const headers = { authorization: `Bearer ${state.key}`, accept: 'text/event-stream' };
          if (lastEventId !== null) headers['last-event-id'] = lastEventId;
          const res = await fetch('/v1/feed/status-changes', { headers, signal: abort.signal, cache: 'no-store' });
          if (res.status === 401 || res.status === 403) {
            refuseKey(new ApiError(res.status, await res.json().catch(() => null)));
            return;
          }
          if (!res.ok || !res.body) throw new Error(`the feed answered ${res.status}`);
          const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
          const parser = new SseParser(
            (event) => {
              // Taken at dispatch, not when the id line arrives: a stream cut between an event's id
              // and its data resumes from the event before, so that event is sent again, not lost.
              if (parser.lastEventId !== undefined) lastEventId = parser.lastEventId;
              try {
                onChange(JSON.parse(event.data));
              } catch {
                // a change the page cannot read is skipped; the next refresh shows the view anyway
              }
            },
            (comment) => {
              if (comment.trim() !== 'connected') return;
              attempt = 0;
              setLive('live', 'Live');
              opened();
              // A first stream starts "now": after a reconnect without any id, reload what may have been missed.
              if (connectedBefore && lastEventId === null) refreshAll();
              connectedBefore = true;
            },
          );
          for (;;) {
            const { value, done } = await reader.read();
            if (done) break;
            parser.push(value);
            if (parser.retryMs !== undefined) retryMs = parser.retryMs;
          }
        } catch (e) {
          if (abort.signal.aborted) return;
        }
        if (abort.signal.aborted) return;
        attempt += 1;
        const wait = Math.min(retryMs * 2 ** Math.min(attempt - 1, 4), 30000);
        setLive('reconnecting', `Reconnecting in ${Math.round(wait / 1000)} s…`);
        opened();
        await new Promise((resolve) => setTimeout(resolve, wait));
      }
    })();
    return { ready, stop: () => abort.abort() };
  }

  let announced = { causedBy: null, subject: null, text: '' };

  function onChange(change) {
    if (!change || typeof change.subject !== 'string' || !COLLECTION[kindOf(change.subject)]) return;
    const label = change.field === 'reportedStatus' ? 'reported status' : kindOf(change.subject) === 'negotiation' ? 'status' : 'confirmed status';
    // A corroboration or dispute change's from/to are levels or figures, never a status: its reason says what moved.
    const text = change.field === 'corroboration' || change.field === 'dispute'
      ? change.reason ?? `${change.field} changed.`
      : `${label} now ${change.to ?? 'none'}${change.from ? ` (was ${change.from})` : ''}.`;
    // One report's changes are read out together, the status first, rather than the last replacing the rest.
    const same = announced.causedBy === change.causedBy && announced.subject === change.subject;
    announced = { causedBy: change.causedBy, subject: change.subject, text: same ? `${announced.text} ${text}` : `${idOf(change.subject)}: ${text}` };
    announce(announced.text);
    state.pending.add(`${change.subject}\n${change.field}`);
    // Coalesces a burst (one report often moves both fields) into one read per subject.
    clearTimeout(state.pendingTimer);
    state.pendingTimer = setTimeout(flushChanges, 80);
  }

  async function flushChanges() {
    const bySubject = new Map();
    for (const key of state.pending) {
      const [subject, field] = key.split('\n');
      bySubject.set(subject, field);
    }
    state.pending.clear();
    // A flood (a bulk import, a rebuild) costs two list reads, not one read per story.
    if (bySubject.size > 50) return refreshAll();
    for (const [subject, field] of bySubject) {
      try {
        const view = await api(viewPath(subject));
        // Under a search or filter, a story is added only by reading the list again (it may not match).
        if (!filtering() || state.items.has(subject)) upsert(view, { prepend: !filtering(), changedField: field });
        if (subject === state.selected) {
          if (!state.asOf && !state.validAt) await loadDetail();
          else await refreshHistoryOnly();
        }
      } catch {
        // the next change or a reload shows it
      }
    }
  }

  /** While looking at the past, new reports extend the timeline and the slider but not the view. */
  async function refreshHistoryOnly() {
    const history = await api(historyPath(state.selected));
    state.history = history.events;
    state.instants = [...new Set(history.events.map((e) => e.recordedAt))].sort((a, b) => Date.parse(a) - Date.parse(b));
    renderAsOf();
    renderTimeline();
  }

  async function refreshAll() {
    await Promise.all([loadList('negotiation', false), loadList('exchange', false)]).catch(() => undefined);
    if (state.selected) await loadDetail();
  }

  // ---- key -----------------------------------------------------------------------------------

  function refuseKey(err) {
    disconnect();
    sessionStorage.removeItem(KEY_STORE);
    state.key = null;
    el.forget.disabled = true;
    showNotice(err.status === 403 ? `This key may not read: ${err.message}. Use a key with the "read" scope.` : `The key was refused: ${err.message}.`);
    setLive('off', 'Not connected');
    // The field says nothing about a connection it does not have.
    el.key.value = '';
    el.key.placeholder = '';
    promptForKey();
    el.key.focus();
  }

  function disconnect() {
    if (state.feed) state.feed.stop();
    state.feed = null;
    for (const item of state.items.values()) item.li.remove();
    state.items.clear();
    for (const kind of Object.keys(el.lists)) {
      el.lists[kind].replaceChildren();
      el.more[kind].hidden = true;
    }
    deadLetters.clear();
    state.screen = 'stories';
    el.dlq.hidden = true;
    el.detail.hidden = false;
    clearDetail();
  }

  async function connect() {
    disconnect();
    showNotice('');
    el.forget.disabled = false;
    el.key.placeholder = 'checking the key…';
    el.keyPrompt.hidden = true;
    setLive('connecting', 'Connecting…');
    const feed = follow();
    state.feed = feed;
    // Subscribe before reading the lists, so no change falls between the two.
    await Promise.race([feed.ready, new Promise((resolve) => setTimeout(resolve, 3000))]);
    if (state.feed !== feed) return;
    try {
      await Promise.all([loadList('negotiation', false), loadList('exchange', false)]);
    } catch (e) {
      if (!(e instanceof ApiError && (e.status === 401 || e.status === 403))) showNotice(`Could not load the lists: ${e.message}`);
      return;
    }
    // Only a key the API has just accepted is called connected.
    if (state.key) el.key.placeholder = 'connected';
    route();
  }

  // ---- wiring --------------------------------------------------------------------------------

  el.keyForm.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const key = el.key.value.trim();
    if (!key) return;
    sessionStorage.setItem(KEY_STORE, key);
    state.key = key;
    el.key.value = '';
    void connect();
  });

  el.forget.addEventListener('click', () => {
    sessionStorage.removeItem(KEY_STORE);
    state.key = null;
    disconnect();
    el.forget.disabled = true;
    el.key.placeholder = '';
    setLive('off', 'Not connected');
    showNotice('');
    el.key.focus();
  });

  for (const kind of Object.keys(el.more)) {
    el.more[kind].addEventListener('click', () => void loadList(kind, true).catch((e) => showNotice(`Could not load more: ${e.message}`)));
  }

  el.asofRange.addEventListener('input', () => {
    clearTimeout(state.sliderTimer);
    // Waits for the hand to pause, so dragging does not send a replay per step.
    state.sliderTimer = setTimeout(() => {
      const v = Number(el.asofRange.value);
      const n = state.instants.length;
      navigate(state.selected, v >= n ? null : state.instants[v - 1], true);
    }, 150);
  });

  el.asof.addEventListener('submit', (ev) => {
    ev.preventDefault();
    if (!state.selected) return;
    const typed = el.asofAt.value.trim();
    const valid = el.validAt.value.trim();
    // The moment typed, unless it is still the latest report's (then "now", following live changes).
    const latest = state.instants[state.instants.length - 1];
    const asOf = typed && typed !== fmtInstant(latest) ? parseMoment(typed) : state.asOf;
    if (typed && typed !== fmtInstant(latest) && !asOf) return showNotice(`"${typed}" is not a UTC moment: write 2025-05-23 10:00:00 UTC, or a date alone for that day's end.`);
    if (valid && !isDate(valid)) return showNotice(`"${valid}" is not a date: write 2025-05-23.`);
    showNotice('');
    navigate(state.selected, asOf, false, valid || null);
  });

  el.asofNow.addEventListener('click', () => state.selected && navigate(state.selected, null, false, null));

  el.timeline.addEventListener('click', (ev) => {
    const button = ev.target instanceof Element ? ev.target.closest('button[data-asof]') : null;
    if (!button || !state.selected) return;
    navigate(state.selected, button.dataset.asof, false);
    el.asofRange.focus();
  });

  const deadLetters = mountDeadLetters({ key: () => state.key, refuse: (r) => refuseKey(new ApiError(r.status, r.body)) });

  window.addEventListener('hashchange', () => void route());

  el.dlqBack.addEventListener('click', () => {
    history.pushState(null, '', location.pathname + location.search);
    route();
    el.findQ.focus();
  });

  el.order.addEventListener('change', (ev) => {
    if (!(ev.target instanceof HTMLInputElement) || !ev.target.checked) return;
    state.order = ev.target.value === 'recorded' ? 'recorded' : 'occurred';
    renderTimeline();
  });

  el.back.addEventListener('click', () => {
    const from = state.selected;
    if (location.hash) history.pushState(null, '', location.pathname + location.search);
    route();
    // Back where the reader left: the story they came from, else the search box.
    const item = from && state.items.get(from);
    (item ? item.link : el.findQ).focus();
  });

  async function applyFilters() {
    if (!state.key) return;
    const request = ++state.listRequest;
    el.findOut.textContent = 'Searching…';
    try {
      await Promise.all([loadList('negotiation', false, request), loadList('exchange', false, request)]);
      if (request !== state.listRequest) return;
      const n = state.items.size;
      const more = Object.values(state.cursors).some(Boolean) ? ' (more below)' : '';
      el.findOut.textContent = filtering() ? `${n} ${n === 1 ? 'story matches' : 'stories match'}${more}.` : '';
      showNotice('');
    } catch (e) {
      if (request !== state.listRequest) return;
      el.findOut.textContent = '';
      if (!(e instanceof ApiError && (e.status === 401 || e.status === 403))) showNotice(`Could not search: ${e.message}`);
    }
  }

  el.find.addEventListener('submit', (ev) => {
    ev.preventDefault();
    clearTimeout(state.findTimer);
    void applyFilters();
  });
  // Typing searches once the hand pauses; a filter changed applies at once.
  el.find.addEventListener('input', (ev) => {
    clearTimeout(state.findTimer);
    const typed = ev.target === el.findQ || ev.target === el.findParty;
    state.findTimer = setTimeout(() => void applyFilters(), typed ? 300 : 0);
  });

  el.forget.disabled = !state.key;
  if (state.key) void connect();
  else {
    clearDetail();
    promptForKey();
    el.key.focus();
  }
})();
