#!/usr/bin/env node
// Part of `npm run build`: tsc compiles only TypeScript, so the files an app serves as they are
// (every `assets` folder under apps/*/src, e.g. the query API's timeline page) are copied beside
// the compiled modules that read them.
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');

function assetDirs(dir) {
  const found = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (!entry.isDirectory()) continue;
    const full = path.join(dir, entry.name);
    if (entry.name === 'assets') found.push(full);
    else found.push(...assetDirs(full));
  }
  return found;
}

for (const app of fs.readdirSync(path.join(root, 'apps'))) {
  const src = path.join(root, 'apps', app, 'src');
  if (!fs.existsSync(src)) continue;
  for (const from of assetDirs(src)) {
    const to = path.join(root, 'dist', path.relative(root, from));
    fs.rmSync(to, { recursive: true, force: true });
    fs.cpSync(from, to, { recursive: true });
  }
}
