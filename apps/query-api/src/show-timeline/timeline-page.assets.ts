import { HOW_SURE_EXPORTS, howSureWording, SseParser } from '@newsledger/client';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { runInNewContext } from 'node:vm';

/** One file of the page, held in memory: the whole page is a few kilobytes. */
export interface PageAsset {
  body: Buffer;
  contentType: string;
  etag: string;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
};

/** The files served under `/assets/`; nothing else in the folder is reachable. */
export const ASSET_NAMES = [
  'timeline.js',
  'time.js',
  'order.js',
  'progress.js',
  'chart.js',
  'dead-letters.js',
  'dead-letters-view.js',
  'dom.js',
  'timeline.css',
  'favicon.svg',
] as const;

/** Made from code, not read from the folder: libs/client's SSE parser as an ES module. */
export const SSE_MODULE = 'sse.js';

/** Made from code too: libs/client's how-sure wording, the CLI's own, as an ES module. */
export const WORDING_MODULE = 'wording.js';

/** Where the page's files are: beside this module, in the sources and in `dist` (the build copies them). */
export const ASSETS_DIR = path.join(__dirname, 'assets');

function load(name: string): PageAsset {
  const file = path.join(ASSETS_DIR, name);
  let body: Buffer;
  try {
    body = readFileSync(file);
  } catch (e) {
    // Fail at start-up, not on the first visit: a build that forgot the assets is a broken build.
    throw new Error(`the timeline page's ${name} is missing at ${file} (npm run build copies it): ${(e as Error).message}`);
  }
  return asset(name, body);
}

function asset(name: string, body: Buffer): PageAsset {
  return { body, contentType: TYPES[path.extname(name)], etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"` };
}

/**
 * An ES module made from code, tried once in an empty context first (`probe` must give `expected`):
 * a compiler that made it lean on a helper outside it stops the start-up here, instead of silently
 * breaking the page.
 */
function selfContainedModule(source: string, probe: string, expected: string, failure: (got: string) => string): string {
  const got = runInNewContext(`${source.replace(/^export /gm, '')}\n${probe}`, {}) as string;
  if (got !== expected) throw new Error(failure(got));
  return source;
}

/** The page reads the feed with the client's own parser: its class source, exported. */
export function sseModuleSource(): string {
  return selfContainedModule(
    `export ${SseParser.toString()}\n`,
    `const seen = []; const p = new SseParser((e) => seen.push(e.data)); p.push('id: 1\\ndata: ok\\n\\n'); JSON.stringify([seen, p.lastEventId]);`,
    JSON.stringify([['ok'], '1']),
    (got) => `libs/client's SseParser does not run on its own (got ${got}); the timeline page could not read the feed`,
  );
}

/**
 * The page says how sure a view is with the CLI's rule: libs/client's `howSureWording`, whose
 * source is self-contained, called once and its functions exported.
 */
export function wordingModuleSource(): string {
  return selfContainedModule(
    `const wording = (${howSureWording.toString()})();\nexport const { ${HOW_SURE_EXPORTS.join(', ')} } = wording;\n`,
    `badgeWords('underway', 'confirmed', { level: 'all-parties', officialParties: ['RU', 'UA'] }, ['UA', 'RU']);`,
    'Under way, confirmed by both parties',
    (got) => `libs/client's howSureWording does not run on its own (got ${got}); the timeline page could not word its views`,
  );
}

/** Reads the page shell and its assets once. */
export function loadPageAssets(): { page: PageAsset; assets: ReadonlyMap<string, PageAsset> } {
  const assets = new Map<string, PageAsset>(ASSET_NAMES.map((n) => [n, load(n)]));
  assets.set(SSE_MODULE, asset(SSE_MODULE, Buffer.from(sseModuleSource())));
  assets.set(WORDING_MODULE, asset(WORDING_MODULE, Buffer.from(wordingModuleSource())));
  return { page: load('index.html'), assets };
}
