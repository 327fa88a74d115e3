import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { readLatest } from '../../src/quilt/read-package.ts';
import { latestPointerKey } from '../../src/quilt/registry-layout.ts';
import { SandboxTenant } from '../../src/sandbox/index.ts';
import type { ObjectStore } from '../../src/storage/object-store.ts';
import { openObjectStore } from '../../src/storage/open-store.ts';
import { knownSecretValues } from '../support/leak-guard.ts';
import { serveInProcess, type ServeInProcess } from '../support/serve-in-process.ts';

/**
 * An app subscribed to Benchling's v3 webhooks, against the real serve (service and worker in
 * one process): a signed v3.entry.created is packaged as v2.entry.created is, a v3 envelope
 * that breaks the v3 schema is refused naming the path, and a v3 type the app does not use is
 * answered `200 ignored`, logged once with what to subscribe to, and counted in /health/ready.
 */

let sandbox: SandboxTenant;
let registry: string;
let store: ObjectStore;
let running: ServeInProcess;

before(async () => {
  sandbox = await new SandboxTenant().start();
  knownSecretValues(sandbox.secret.client_id, sandbox.secret.client_secret);
  registry = await mkdtemp(join(tmpdir(), 'bw-registry-'));
  store = await openObjectStore(registry, {});
  const env = { ...process.env, XDG_CONFIG_HOME: await mkdtemp(join(tmpdir(), 'bw-cfg-')), XDG_DATA_HOME: await mkdtemp(join(tmpdir(), 'bw-data-')), ENTRY_SETTLE: '0.05s/30s' };
  const service = sandbox.serviceEnv();
  running = await serveInProcess({ benchlingSecrets: service.BENCHLING_SECRETS, benchlingApiUrl: service.BENCHLING_API_URL, benchlingJwksUrl: service.BENCHLING_JWKS_URL, registry }, env);
});
after(async () => {
  await running?.stop();
  await sandbox.stop();
  await rm(registry, { recursive: true, force: true });
});

async function waitForPackage(name: string): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (!(await store.getObject(latestPointerKey(name)))) {
    if (Date.now() > deadline) throw new Error(`no package ${name}; logs: ${JSON.stringify(running.logs.slice(-5))}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

async function ignoredEvents(): Promise<{ total: number; byType: Record<string, number> }> {
  const ready = await fetch(`${running.url}/health/ready`);
  assert.equal(ready.status, 200);
  return ((await ready.json()) as { ignoredEvents: { total: number; byType: Record<string, number> } }).ignoredEvents;
}

test('a signed v3.entry.created is accepted and the entry packaged', async () => {
  const entry = sandbox.addEntry({ attachments: { 'plate.csv': 'well,value\nA1,0.5\n' } });
  const sent = await sandbox.sendWebhook(`${running.url}/event`, sandbox.envelopes.entryCreatedV3(entry.id));
  assert.equal(sent.status, 202, JSON.stringify(sent.body));
  assert.equal((sent.body as { status: string }).status, 'accepted');
  const name = `benchling/${entry.displayId}`;
  await waitForPackage(name);
  const latest = await readLatest(store, name);
  assert.equal((latest!.manifest.meta.user_meta as { entry_id: string }).entry_id, entry.id);
  assert.ok(latest!.manifest.entries.some((e) => e.logicalKey === 'plate.csv'));
});

test('a v3 envelope that breaks the v3 schema: 400 naming each violated path, and nothing is packaged', async () => {
  const refused = sandbox.addEntry();
  const envelope = sandbox.envelopes.entryCreatedV3(refused.id) as unknown as { message: Record<string, unknown>; appDefinition: Record<string, unknown> };
  delete envelope.message.stability;
  delete envelope.appDefinition.versionNumber;
  const sent = await sandbox.sendWebhook(`${running.url}/event`, JSON.stringify(envelope));
  assert.equal(sent.status, 400);
  const body = sent.body as { error: string; message: string };
  assert.equal(body.error, 'bad_request');
  assert.match(body.message, /v3\.entry\.created/);
  assert.match(body.message, /message\.stability: /);
  assert.match(body.message, /appDefinition\.versionNumber: /);

  // The refused one was never queued: once a later good event is packaged, it still is not.
  const later = sandbox.addEntry();
  assert.equal((await sandbox.sendWebhook(`${running.url}/event`, sandbox.envelopes.entryCreatedV3(later.id))).status, 202);
  await waitForPackage(`benchling/${later.displayId}`);
  assert.equal(await store.getObject(latestPointerKey(`benchling/${refused.displayId}`)), undefined);
});

test('a v3 type the app does not use: 200 ignored, logged once with the type, counted in /health/ready', async () => {
  const before = await ignoredEvents();
  const type = 'v3.dnaSequence.created';
  for (let i = 0; i < 3; i++) {
    const sent = await sandbox.sendWebhook(`${running.url}/event`, sandbox.envelopes.v3Event(type, 'seq_Abc123'));
    assert.deepEqual([sent.status, sent.body], [200, { status: 'ignored' }]);
  }
  const updated = await sandbox.sendWebhook(`${running.url}/event`, sandbox.envelopes.v3Event('v3.entry.updated', sandbox.addEntry().id, { properties: ['name'] }));
  assert.deepEqual([updated.status, updated.body], [200, { status: 'ignored' }]);

  const lines = running.logs.filter((l) => l.msg === 'webhook type not used by the app: ignored');
  assert.deepEqual(
    lines.map((l) => [l.level, l.type]),
    [
      [30, type],
      [30, 'v3.entry.updated'],
    ],
  );
  assert.equal(lines[0]!.subscribeInstead, undefined);
  assert.deepEqual(lines[1]!.subscribeInstead, ['v2.entry.updated.fields', 'v2.entry.updated.reviewRecord']);
  const after = await ignoredEvents();
  assert.equal(after.total, before.total + 4);
  assert.equal(after.byType[type], (before.byType[type] ?? 0) + 3);
  assert.equal(after.byType['v3.entry.updated'], (before.byType['v3.entry.updated'] ?? 0) + 1);
});
