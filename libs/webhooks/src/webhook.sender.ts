import * as http from 'node:http';
import * as https from 'node:https';
import { publicOnlyLookup } from './webhook-target';

/** How one attempt went: `status` when the receiver answered, `error` when it did not (or not 2xx). */
export interface AttemptResult {
  ok: boolean;
  status?: number;
  error?: string;
}

const agents = {
  'http:': new http.Agent({ keepAlive: true, maxSockets: 64 }),
  'https:': new https.Agent({ keepAlive: true, maxSockets: 64 }),
};

/** POSTs one delivery; never follows redirects; any 2xx is success. */
export function postWebhook(url: URL, body: string, headers: Record<string, string>, o: { timeoutMs: number; allowPrivate: boolean }): Promise<AttemptResult> {
  return new Promise((resolve) => {
    const request = url.protocol === 'https:' ? https.request : http.request;
    const req = request(
      url,
      {
        method: 'POST',
        agent: agents[url.protocol as 'http:' | 'https:'],
        headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
        signal: AbortSignal.timeout(o.timeoutMs),
        ...(o.allowPrivate ? {} : { lookup: publicOnlyLookup }),
      },
      (res) => {
        const status = res.statusCode ?? 0;
        // Drained, not read: only the status counts.
        res.resume();
        res.on('end', () =>
          resolve(status >= 200 && status < 300 ? { ok: true, status } : { ok: false, status, error: `answered ${status}` }),
        );
        res.on('error', (e) => resolve({ ok: false, status, error: e.message }));
      },
    );
    req.on('error', (e: NodeJS.ErrnoException) =>
      resolve({ ok: false, error: e.name === 'AbortError' || e.name === 'TimeoutError' ? `no answer within ${o.timeoutMs} ms` : `${e.code ?? e.name}: ${e.message}` }),
    );
    req.end(body);
  });
}
