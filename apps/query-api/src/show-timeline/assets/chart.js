// Released counts per party over time, against the agreed numbers: a small SVG drawn by hand, one
// band per party sharing the time axis (the two sides often release the same numbers, so one
// chart would draw one line over the other). chartModel is pure and tested by jest; renderChart
// only turns its coordinates into SVG elements.
import { fmtNumber } from './progress.js';
import { occurrenceOf, spanOf } from './order.js';

const DAY = 86_400_000;
const WIDTH = 640;
const BAND = 96;
const GAP = 34;
const LEFT = 58;
const RIGHT = 150;
const TOP = 14;
const AXIS = 30;

/** When something happened, as a position in time and a label at the day's precision. */
function moment(value) {
  const span = value ? spanOf(value) : null;
  return span ? { t: span.start, label: value.slice(0, 10) } : null;
}

/** A round step for the y axis of a band whose top value is `max`. */
function niceTop(max) {
  if (max <= 0) return 1;
  const p = 10 ** Math.floor(Math.log10(max));
  for (const f of [1, 2, 2.5, 5, 10]) if (f * p >= max) return f * p;
  return 10 * p;
}

/**
 * The chart of an exchange, from its view and the history known at the moment shown (reports
 * recorded later are left out by the caller): per party, the released count after each confirmed
 * phase, then the completion's total when it is larger, from zero at the agreement; the agreed
 * number as a level to reach. Null when there is no change over time to draw (no side has two
 * points).
 */
export function chartModel(view, history) {
  const byId = new Map((history || []).map((e) => [e.eventId, e]));
  const whenOf = (eventId, date) => moment(date) || (byId.get(eventId) ? moment(occurrenceOf(byId.get(eventId))) : null);
  const agreedBy = view.agreed ? view.agreed.releasedBy : {};
  const phases = (view.phases || [])
    .map((p) => ({ ...p, when: whenOf(p.eventId, p.date) }))
    .filter((p) => p.when)
    .sort((a, b) => a.when.t - b.when.t || a.phase - b.phase);
  const parties = [...new Set([...Object.keys(agreedBy), ...Object.keys(view.released || {}), ...phases.flatMap((p) => Object.keys(p.releasedBy))])].sort();
  if (parties.length === 0 || (phases.length === 0 && Object.keys(view.released || {}).length === 0)) return null;

  const start = view.agreed ? whenOf(view.agreed.eventId) : null;
  // The completion's totals, when the released figures rest on them rather than on the phases.
  const completion = [...(history || [])].reverse().find((e) => e.type === 'exchange.completed' && !e.retracted && e.data && e.data.releasedBy);
  const end = completion ? moment(occurrenceOf(completion)) : null;

  const series = parties.map((party) => {
    const points = start ? [{ ...start, value: 0, what: 'at the agreement' }] : [];
    let sum = 0;
    for (const p of phases) {
      if (p.releasedBy[party] === undefined) continue;
      sum += p.releasedBy[party];
      points.push({ ...p.when, value: sum, what: `after phase ${p.phase}` });
    }
    const released = (view.released || {})[party] || 0;
    if (released > sum) {
      const at = end || (points.length ? points[points.length - 1] : null);
      if (at) points.push({ t: at.t, label: at.label, value: released, what: end ? 'at the completion' : 'in all' });
    }
    return { party, points, released, agreed: agreedBy[party] === undefined ? null : agreedBy[party] };
  });

  // One point per side is no change over time: the numbers beside the bar say it all.
  if (series.every((s) => s.points.length < 2)) return null;
  const times = series.flatMap((s) => s.points.map((p) => p.t));
  let [t0, t1] = [Math.min(...times), Math.max(...times)];
  if (t1 - t0 < DAY) [t0, t1] = [t0 - DAY, t1 + DAY];
  const plotWidth = WIDTH - LEFT - RIGHT;
  const x = (t) => Math.round((LEFT + ((t - t0) / (t1 - t0)) * plotWidth) * 10) / 10;
  const height = TOP + series.length * (BAND + GAP) - GAP + AXIS;

  const bands = series.map((s, i) => {
    const top = niceTop(Math.max(s.agreed || 0, s.released, ...s.points.map((p) => p.value)));
    const y0 = TOP + i * (BAND + GAP);
    const y = (v) => Math.round((y0 + BAND - (v / top) * BAND) * 10) / 10;
    const points = s.points.map((p) => ({ ...p, x: x(p.t), y: y(p.value) }));
    // A step line: a count holds until the next release.
    const path = points.map((p, j) => (j === 0 ? `M${p.x} ${p.y}` : `H${p.x} V${p.y}`)).join(' ');
    return {
      party: s.party,
      released: s.released,
      agreed: s.agreed,
      top: { value: top, y: y(top) },
      base: y(0),
      agreedY: s.agreed === null ? null : y(s.agreed),
      points,
      path,
      label: `${s.party} ${fmtNumber(s.released)}${s.agreed === null ? '' : ` of ${fmtNumber(s.agreed)}`}`,
    };
  });

  const ticks = [...new Map(series.flatMap((s) => s.points).map((p) => [p.label, { label: p.label, x: x(p.t) }])).values()].sort((a, b) => a.x - b.x);
  const description = series
    .map((s) => `${s.party}: ${s.points.map((p) => `${fmtNumber(p.value)} ${p.what} (${p.label})`).join(', ')}${s.agreed === null ? '; no agreed number' : `; ${fmtNumber(s.agreed)} agreed`}.`)
    .join(' ');
  return { width: WIDTH, height, left: LEFT, right: WIDTH - RIGHT, axisY: height - AXIS + 6, bands, ticks, description };
}

const SVG = 'http://www.w3.org/2000/svg';

/** The model as an SVG element (`doc` is the page's document); every label is text, never markup. */
export function renderChart(model, doc, titleId) {
  const el = (tag, attrs, text) => {
    const node = doc.createElementNS(SVG, tag);
    for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, String(v));
    if (text !== undefined) node.textContent = text;
    return node;
  };
  const svg = el('svg', { class: 'chart', viewBox: `0 0 ${model.width} ${model.height}`, role: 'img', 'aria-labelledby': `${titleId} ${titleId}-desc` });
  svg.append(el('title', { id: titleId }, 'Released per party over time, against the agreed numbers'), el('desc', { id: `${titleId}-desc` }, model.description));
  for (const [i, b] of model.bands.entries()) {
    const g = el('g', { class: `chart-band party-${i % 4}`, 'data-party': b.party });
    g.append(
      el('line', { class: 'chart-axis', x1: model.left, x2: model.right, y1: b.base, y2: b.base }),
      el('text', { class: 'chart-tick', x: model.left - 6, y: b.base + 4, 'text-anchor': 'end' }, '0'),
      el('text', { class: 'chart-tick', x: model.left - 6, y: b.top.y + 4, 'text-anchor': 'end' }, fmtNumber(b.top.value)),
      el('line', { class: 'chart-grid', x1: model.left, x2: model.right, y1: b.top.y, y2: b.top.y }),
    );
    if (b.agreedY !== null) {
      g.append(
        el('line', { class: 'chart-agreed', x1: model.left, x2: model.right, y1: b.agreedY, y2: b.agreedY }),
        el('text', { class: 'chart-agreed-label', x: model.right + 6, y: b.agreedY + 4 }, `agreed ${fmtNumber(b.agreed)}`),
      );
    }
    g.append(el('path', { class: 'chart-line', d: b.path }));
    for (const p of b.points) g.append(el('circle', { class: 'chart-point', cx: p.x, cy: p.y, r: 3.5 }, undefined));
    const last = b.points[b.points.length - 1];
    const labelY = b.agreedY !== null && Math.abs(last.y - b.agreedY) < 14 ? b.agreedY + 18 : last.y + 4;
    g.append(el('text', { class: 'chart-label', x: model.right + 6, y: Math.min(labelY, b.base + 4) }, b.label));
    svg.append(g);
  }
  for (const t of model.ticks) {
    svg.append(el('line', { class: 'chart-axis', x1: t.x, x2: t.x, y1: model.axisY - 8, y2: model.axisY - 4 }), el('text', { class: 'chart-tick', x: t.x, y: model.axisY + 10, 'text-anchor': 'middle' }, t.label));
  }
  return svg;
}
