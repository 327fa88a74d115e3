import assert from 'node:assert/strict';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { BenchlingClient } from '../../src/benchling/benchling-client.ts';
import { RateLimiter } from '../../src/benchling/rate-limiter.ts';
import { entryMeta, packageMeta } from '../../src/quilt/manifest.ts';
import { publishPackage } from '../../src/quilt/publish-package.ts';
import { readLatest } from '../../src/quilt/read-package.ts';
import { chunkedSha256 } from '../../src/quilt/chunked-sha256.ts';
import { SandboxTenant } from '../../src/sandbox/index.ts';
import type { CanvasWrite } from '../../src/sandbox/canvas-store.ts';
import { openObjectStore } from '../../src/storage/open-store.ts';
import { packageEntry } from '../../src/worker/package-entry.ts';
import { watchAttack, withinAttackBounds } from '../support/attack-watch.ts';
import { knownSecretValues } from '../support/leak-guard.ts';
import { capturingLogger, eventually } from '../support/registry-audit.ts';
import { serveInProcess, type ServeInProcess } from '../support/serve-in-process.ts';

/**
 * One package name, one entry: a package is `{prefix}/{displayId}`, and two entries can share a
 * display id. The second is refused (package_owned_by_other_entry) on its canvas and in the
 * log, and the first one's package stays as it was. Through `serve` in this process.
 */

let sandbox: SandboxTenant;
let running: ServeInProcess;
let registry: string;

before(async () => {
  sandbox = await new SandboxTenant({ rateLimit: false }).start();
  knownSecretValues(sandbox.secret.client_id, sandbox.secret.client_secret);
  registry = await mkdtemp(join(tmpdir(), 'bw-owner-reg-'));
  const env = { ...process.env, XDG_CONFIG_HOME: await mkdtemp(join(tmpdir(), 'bw-cfg-')), XDG_DATA_HOME: await mkdtemp(join(tmpdir(), 'bw-data-')) };
  const flags = sandbox.serviceEnv();
  running = await serveInProcess({ benchlingSecrets: flags.BENCHLING_SECRETS, benchlingApiUrl: flags.BENCHLING_API_URL, benchlingJwksUrl: flags.BENCHLING_JWKS_URL, registry }, env);
});

after(async () => {
  await running?.stop();
  await sandbox?.stop();
});

const markdownOf = (write: CanvasWrite) => ((write.body as { blocks?: { value?: string }[] }).blocks ?? []).map((b) => b.value ?? '').join('\n');

test('a second entry with the same display id is refused (package_owned_by_other_entry) and never replaces the first one’s package', async (t) => {
  const store = await openObjectStore(registry);
  const first = sandbox.addEntry({ displayId: 'EXP-TWIN', attachments: { 'data.csv': 'first,1\n' } });
  const name = 'benchling/EXP-TWIN';
  await sandbox.sendWebhook(`${running.url}/event`, sandbox.envelopes.entryCreated(first.id));
  await eventually(async () => (await readLatest(store, name)) !== undefined, 'the first entry’s package');
  const owned = (await readLatest(store, name))!;

  const watch = await watchAttack({ pid: process.pid, url: running.url });
  const second = sandbox.addEntry({ displayId: 'EXP-TWIN', attachments: { 'data.csv': 'second,2\n' } });
  const canvas = sandbox.insertCanvas(second.id);
  const sent = await sandbox.sendWebhook(`${running.url}/canvas`, sandbox.envelopes.canvasCreated({ canvasId: canvas.id, resourceId: second.id }));
  const job = (sent.body as { job: string }).job;
  await eventually(() => running.logs.some((l) => l.job === job && l.reason === 'package_owned_by_other_entry'), 'the refusal');
  const shown = () => sandbox.canvasWrites.filter((w) => w.canvasId === canvas.id && markdownOf(w).includes('*Reason: `package_owned_by_other_entry`*'));
  await eventually(() => shown().length > 0, 'the refusal on the canvas');
  const bounds = withinAttackBounds(await watch.stop());
  t.diagnostic(bounds.summary);
  assert.ok(bounds.ok, bounds.summary);

  const line = running.logs.find((l) => l.job === job && l.reason === 'package_owned_by_other_entry')!;
  assert.equal(line.msg, 'job refused (package_owned_by_other_entry); it will not be retried');
  const message = String((line.err as { message: string }).message);
  assert.ok(message.includes(`belongs to Benchling entry ${first.id}, not to entry ${second.id}`), message);
  assert.match(message, /PACKAGE_PREFIX/);
  assert.match(markdownOf(shown()[0]!), /## ⚠️ Another entry already has this package/);
  const latest = (await readLatest(store, name))!;
  assert.equal(latest.topHash, owned.topHash, 'the first entry’s package is untouched');
  assert.equal((latest.manifest.meta.user_meta as { entry_id: string }).entry_id, first.id);

  // The owner itself still updates its package.
  sandbox.updateEntry(first.id, { name: 'First, edited' });
  await sandbox.sendWebhook(`${running.url}/event`, sandbox.envelopes.entryUpdatedFields(first.id, ['name']));
  await eventually(async () => (await readLatest(store, name))?.topHash !== owned.topHash, 'the owner’s new revision');
  assert.equal(((await readLatest(store, name))!.manifest.meta.user_meta as { entry_id: string }).entry_id, first.id);
});

test('a package this app did not write (no entry_id in its user_meta) belongs to no entry: the entry packages over it', async () => {
  const store = await openObjectStore(await mkdtemp(join(tmpdir(), 'bw-owner-hand-')));
  const entry = sandbox.addEntry({ displayId: 'EXP-HAND' });
  const bytes = Buffer.from('made by hand\n');
  await store.putObject('benchling/EXP-HAND/notes.txt', bytes);
  const manifest = {
    meta: packageMeta({ userMeta: { note: 'pushed with quilt3' }, message: null }),
    entries: [{ logicalKey: 'notes.txt', physicalKey: store.physicalKey('benchling/EXP-HAND/notes.txt'), size: bytes.length, hash: { type: 'sha2-256-chunked', value: chunkedSha256(bytes) }, meta: entryMeta() }],
  };
  await publishPackage(store, { name: 'benchling/EXP-HAND', manifest });
  const { log } = capturingLogger();
  const client = new BenchlingClient({ apiBase: sandbox.url, clientId: sandbox.secret.client_id, clientSecret: sandbox.secret.client_secret, rateLimiter: new RateLimiter({ limit: 1000, windowMs: 1000 }) });
  const packaged = await packageEntry(entry.id, { client, store, prefix: 'benchling', log });
  assert.equal(((await readLatest(store, packaged.name))!.manifest.meta.user_meta as { entry_id: string }).entry_id, entry.id);
});
