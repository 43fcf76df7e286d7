#!/usr/bin/env node
// `npx newsledger …` from the repo: runs the compiled CLI, building it first when it is missing.
const { execSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const main = path.join(root, 'dist', 'apps', 'cli', 'src', 'main.js');
if (!fs.existsSync(main)) execSync('npm run -s build', { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
require(main);
