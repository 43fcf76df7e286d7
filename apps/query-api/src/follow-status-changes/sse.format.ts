/** Server-Sent Events framing of the status-change feed. */

/** One change: its feed position as the event id (what `Last-Event-ID` resumes from), the change as data. */
export function sseFrame(seq: number, json: string): string {
  return `id: ${seq}\ndata: ${json}\n\n`;
}

/** A comment line: ignored by clients, keeps proxies from closing an idle stream. */
export const SSE_HEARTBEAT = ': keep-alive\n\n';

/** Sent once the stream is subscribed, so a client knows it will miss nothing from here on. */
export const SSE_OPENED = 'retry: 2000\n: connected\n\n';

/**
 * Reads a resume position (`Last-Event-ID` header or `lastEventId` parameter).
 * @returns the position, undefined when absent, or null when it is not one this feed issued
 */
export function parseFeedCursor(value: unknown): number | undefined | null {
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string' || !/^\d{1,15}$/.test(value.trim())) return null;
  return Number(value.trim());
}
