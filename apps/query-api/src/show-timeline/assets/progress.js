// Released against agreed, in numbers: pure functions of an exchange view, tested by jest.

const numberFormat = new Intl.NumberFormat('en-GB');
export const fmtNumber = (n) => numberFormat.format(n);

/** The sum of every party's figure. */
export const total = (releasedBy) => Object.values(releasedBy || {}).reduce((a, b) => a + b, 0);

/** "RU 390 · UA 390", parties in alphabetical order. */
export const fmtReleasedBy = (releasedBy) =>
  Object.entries(releasedBy || {})
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([party, n]) => `${party} ${fmtNumber(n)}`)
    .join(' · ');

/**
 * Released against agreed: `{ agreed, released, max, pct, text }`, agreed null when no numbers
 * were agreed or proposed; null when neither is known. The bar's end is the larger of the two,
 * so more released than agreed fills it rather than running past it.
 */
export function progressOf(view) {
  const agreed = view.agreed ? total(view.agreed.releasedBy) : null;
  const released = total(view.released);
  if (agreed === null && released === 0) return null;
  const max = Math.max(agreed || 0, released);
  const pct = max === 0 ? 0 : Math.round((released / max) * 100);
  const text = agreed === null ? `${fmtNumber(released)} released` : `${fmtNumber(released)} of ${fmtNumber(agreed)} released`;
  return { agreed, released, max, pct, text };
}

/** Each party named in the agreement or the releases, with its figures: `[{ party, released, agreed }]`. */
export function perParty(view) {
  const agreedBy = view.agreed ? view.agreed.releasedBy : {};
  const released = view.released || {};
  return [...new Set([...Object.keys(agreedBy), ...Object.keys(released)])]
    .sort()
    .map((party) => ({ party, released: released[party] || 0, agreed: agreedBy[party] === undefined ? null : agreedBy[party] }));
}
