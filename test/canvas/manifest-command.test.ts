import assert from 'node:assert/strict';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { parse } from 'yaml';
import { CANVAS_TYPES, ENTRY_TYPES } from '../../src/benchling/webhook-envelope.ts';
import { VERSION } from '../../src/cli/version.ts';
import { runCli } from '../support/cli-harness.ts';

interface ParsedManifest {
  info: { name: string; version: string };
  features: { id: string; type: string }[];
  subscriptions: { messages: { type: string }[] };
}

test('`manifest` prints YAML listing exactly the handled message types, at the package version', async () => {
  const run = await runCli(['manifest'], {});
  assert.equal(run.code, 0, run.stderr);
  const manifest = parse(run.stdout) as ParsedManifest;
  assert.equal(manifest.info.name, 'Quilt Packages');
  assert.equal(manifest.info.version, VERSION);
  assert.deepEqual(manifest.features, [{ name: 'Quilt package', id: 'quilt_entry', type: 'CANVAS' }]);
  const types = manifest.subscriptions.messages.map((m) => m.type);
  assert.deepEqual([...types].sort(), [...CANVAS_TYPES, ...ENTRY_TYPES].sort());
});

test('`manifest --out FILE` writes the same YAML to the file', async () => {
  const out = join(await mkdtemp(join(tmpdir(), 'bw-manifest-')), 'manifest.yaml');
  const run = await runCli(['manifest', '--out', out], {});
  assert.equal(run.code, 0, run.stderr);
  assert.equal(run.stdout, '');
  assert.equal(await readFile(out, 'utf8'), (await runCli(['manifest'], {})).stdout);
});
