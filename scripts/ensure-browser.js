#!/usr/bin/env node
// The timeline page's end-to-end test drives Debian's Chromium through playwright-core (which
// ships no browser of its own). Installs the `chromium` package when /usr/bin/chromium is absent,
// so a fresh machine needs no manual step; needs root and apt-get (Debian or Ubuntu).
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');

const CHROMIUM = '/usr/bin/chromium';

/**
 * Makes sure Chromium is installed.
 * @param {(msg: string) => void} log
 * @returns {boolean} true when Chromium is there (already, or installed now)
 */
function ensureBrowser(log = (msg) => console.log(`[browser] ${msg}`)) {
  if (fs.existsSync(CHROMIUM)) return true;
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (!isRoot || spawnSync('apt-get', ['--version'], { stdio: 'ignore' }).status !== 0) {
    log(`${CHROMIUM} is missing and cannot be installed here (needs root and apt-get): install Debian's "chromium" package`);
    return false;
  }
  log(`${CHROMIUM} is missing: installing Debian's "chromium" package (apt-get update && apt-get install -y chromium)…`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  for (const args of [['update'], ['install', '-y', 'chromium']]) {
    const r = spawnSync('apt-get', args, { stdio: 'inherit', env });
    if (r.status !== 0) {
      log(`apt-get ${args.join(' ')} failed (exit ${r.status ?? r.signal})`);
      return false;
    }
  }
  log(`installed ${CHROMIUM}`);
  return fs.existsSync(CHROMIUM);
}

module.exports = { ensureBrowser, CHROMIUM };

if (require.main === module) process.exit(ensureBrowser() ? 0 : 1);
