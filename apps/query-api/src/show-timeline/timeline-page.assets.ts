import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';

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
export const ASSET_NAMES = ['timeline.js', 'wording.js', 'timeline.css', 'favicon.svg'] as const;

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
  return { body, contentType: TYPES[path.extname(name)], etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"` };
}

/** Reads the page shell and its assets once. */
export function loadPageAssets(): { page: PageAsset; assets: ReadonlyMap<string, PageAsset> } {
  return { page: load('index.html'), assets: new Map(ASSET_NAMES.map((n) => [n, load(n)])) };
}
