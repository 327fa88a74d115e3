import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';

/**
 * Which code bin/benchling-webhook.js runs, in copies laid out as a clone and as an installed
 * package, each holding both a src/ and a dist/ that say which one ran.
 */

const BIN = fileURLToPath(new URL('../../bin/benchling-webhook.js', import.meta.url));
const NODE_MODULES = fileURLToPath(new URL('../../node_modules', import.meta.url));
const made: string[] = [];
after(() => Promise.all(made.map((dir) => rm(dir, { recursive: true, force: true }))));

async function layout(root: string, options: { dist: boolean; tsx: boolean }): Promise<string> {
  await mkdir(join(root, 'bin'), { recursive: true });
  await copyFile(BIN, join(root, 'bin', 'benchling-webhook.js'));
  await writeFile(join(root, 'package.json'), '{ "type": "module" }\n');
  await mkdir(join(root, 'src', 'cli'), { recursive: true });
  // Type syntax: only tsx can run this file.
  await writeFile(join(root, 'src', 'cli', 'run.ts'), "const ran: string = 'src/ through tsx';\nprocess.stdout.write(ran);\n");
  if (options.dist) {
    await mkdir(join(root, 'dist', 'cli'), { recursive: true });
    await writeFile(join(root, 'dist', 'cli', 'run.js'), "process.stdout.write('dist/');\n");
  }
  if (options.tsx) await symlink(NODE_MODULES, join(root, 'node_modules'));
  return join(root, 'bin', 'benchling-webhook.js');
}

function run(bin: string): { status: number | null; stdout: string; stderr: string } {
  return spawnSync(process.execPath, [bin], { encoding: 'utf8', env: { PATH: process.env.PATH } });
}

async function tempRoot(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'bw-bin-'));
  made.push(dir);
  return dir;
}

test('in a clone the sources run, even beside a dist/ left by an earlier build', async () => {
  const bin = await layout(join(await tempRoot(), 'benchling-webhook'), { dist: true, tsx: true });
  const result = run(bin);
  assert.equal(result.status, 0, result.stderr);
  assert.equal(result.stdout, 'src/ through tsx');
});

test('installed (under node_modules) the compiled dist/ runs, though the package ships src/ too', async () => {
  const bin = await layout(join(await tempRoot(), 'node_modules', 'benchling-webhook'), { dist: true, tsx: false });
  const result = run(bin);
  assert.equal(result.status, 0, result.stderr);
  assert.equal(result.stdout, 'dist/');
});

test('a clone installed without its dev dependencies says how to get tsx', async () => {
  const bin = await layout(join(await tempRoot(), 'benchling-webhook'), { dist: false, tsx: false });
  const result = run(bin);
  assert.equal(result.status, 2);
  assert.match(result.stderr, /^error \[TSX_MISSING\]: this clone runs src\/ through tsx, a dev dependency: run `npm install` \(without --omit=dev\)$/m);
});
