import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { test } from 'node:test';
import { runBin } from '../support/cli-harness.ts';

test('demo: the sandbox, serve and one signed event produce a package whose manifest exists; exit 0', async () => {
  const run = await runBin(['demo'], {});
  assert.equal(run.code, 0, run.stderr);
  const topHash = /top hash +([0-9a-f]{64})/.exec(run.stdout)?.[1];
  assert.ok(topHash, run.stdout);
  assert.match(run.stdout, /package +benchling\/EXP\d+/);
  assert.match(run.stdout, /entry\.json/);
  const manifest = /manifest +(\S+)/.exec(run.stdout)?.[1];
  assert.ok(manifest?.endsWith(topHash) && existsSync(manifest), 'the printed manifest is on disk under its top hash');
  assert.ok(run.ms < 15_000, `took ${run.ms} ms`);
});
