#!/usr/bin/env node
// Which code runs:
// - an installed package (from npm or `npm pack`) runs the JavaScript that `npm run build`
//   compiled into dist/;
// - a clone runs the TypeScript in src/ through tsx (a dev dependency), so working on it
//   needs no build step.
// A clone is a copy that has src/ and does not sit under node_modules (the package ships
// src/ too, as the container image's build input). In a clone the sources always win, even
// when a dist/ exists: an earlier `npm pack` leaves one behind that may be older than src/,
// and the tests, which spawn this file from the clone, must only run the code they test.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = new URL('../', import.meta.url);
const installed = fileURLToPath(root).split(/[\\/]/).includes('node_modules');

async function runFromSources() {
  try {
    const { register } = await import('tsx/esm/api');
    register();
  } catch (error) {
    if (error?.code !== 'ERR_MODULE_NOT_FOUND') throw error;
    process.stderr.write('error [TSX_MISSING]: this clone runs src/ through tsx, a dev dependency: run `npm install` (without --omit=dev)\n');
    process.exit(2);
  }
  await import('../src/cli/run.ts');
}

if (!installed && existsSync(new URL('src/cli/run.ts', root))) await runFromSources();
else await import('../dist/cli/run.js');
