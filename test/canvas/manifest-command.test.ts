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

test('`manifest --webhook-version v3` subscribes to v3.entry.created instead of v2.entry.created', async () => {
  const run = await runCli(['manifest', '--webhook-version', 'v3'], {});
  assert.equal(run.code, 0, run.stderr);
  const types = (parse(run.stdout) as ParsedManifest).subscriptions.messages.map((m) => m.type);
  assert.ok(types.includes('v3.entry.created') && !types.includes('v2.entry.created'), types.join(', '));
  assert.ok(types.includes('v2.entry.updated.fields') && types.includes('v2.canvas.userInteracted'), types.join(', '));
  assert.equal((await runCli(['manifest', '--webhook-version', 'v2'], {})).stdout, (await runCli(['manifest'], {})).stdout, 'v2 is the default');
});

test('`manifest --webhook-version` of anything else is a usage error naming the choices', async () => {
  const run = await runCli(['manifest', '--webhook-version', 'v4'], {});
  assert.equal(run.code, 2);
  assert.equal(run.stdout, '');
  assert.match(run.stderr, /WEBHOOK_VERSION_INVALID/);
  assert.match(run.stderr, /--webhook-version must be v2 or v3, not "v4"/);
});
