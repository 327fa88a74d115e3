import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';

/**
 * The sandbox plays Benchling to the app, so it must not share the app's idea of Benchling: a
 * bug in the app's client, envelope or canvas code copied into the fake would pass every test.
 * Its page renders canvases with its own renderer for the same reason.
 */

const SRC = fileURLToPath(new URL('../../src/', import.meta.url));
const FORBIDDEN = ['benchling', 'canvas', 'worker', 'service', 'queue', 'quilt'];

async function sourceFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const nested = await Promise.all(entries.map((e) => (e.isDirectory() ? sourceFiles(join(dir, e.name)) : Promise.resolve(e.name.endsWith('.ts') ? [join(dir, e.name)] : []))));
  return nested.flat();
}

test('nothing under src/sandbox/ imports the app\'s Benchling client, canvas views, worker, service, queue or Quilt code', async () => {
  const files = await sourceFiles(join(SRC, 'sandbox'));
  assert.ok(files.some((f) => f.endsWith(join('console', 'canvas-html.ts'))), 'the walk sees the canvas page');
  const crossings: string[] = [];
  for (const file of files) {
    for (const [, specifier] of (await readFile(file, 'utf8')).matchAll(/\bfrom\s+'(\.[^']+)'/g)) {
      const target = relative(SRC, resolve(dirname(file), specifier!));
      if (FORBIDDEN.includes(target.split(/[\\/]/)[0]!)) crossings.push(`${relative(SRC, file)} → ${target}`);
    }
  }
  assert.deepEqual(crossings, []);
});
