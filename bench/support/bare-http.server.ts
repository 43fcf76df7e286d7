/**
 * The floor of any HTTP ingest, for the bench's CPU comparison: a bare `node:http` server that
 * reads a report's body, parses its JSON and answers 202 with the id, and does nothing else.
 * Run as its own process (PORT); GET answers 200 once it listens.
 */
import * as http from 'node:http';

const server = http.createServer((req, res) => {
  if (req.method !== 'POST') {
    res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
    return;
  }
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c)).on('end', () => {
    let id: unknown;
    try {
      id = (JSON.parse(Buffer.concat(chunks).toString('utf8')) as { id?: unknown }).id;
    } catch {
      res.writeHead(400).end();
      return;
    }
    const body = JSON.stringify({ eventId: id });
    res.writeHead(202, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }).end(body);
  });
});
server.keepAliveTimeout = 60_000;
server.listen(Number(process.env.PORT), '127.0.0.1');
process.once('SIGTERM', () => server.close(() => process.exit(0)));
