import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { readLatest } from '../../src/quilt/read-package.ts';
import { latestPointerKey, packageDataKey } from '../../src/quilt/registry-layout.ts';
import { SandboxTenant } from '../../src/sandbox/index.ts';
import type { ObjectStore } from '../../src/storage/object-store.ts';
import { openObjectStore } from '../../src/storage/open-store.ts';
import { knownSecretValues } from '../support/leak-guard.ts';
import { benchlingSpec } from '../support/openapi-spec.ts';
import { serveInProcess, type ServeInProcess } from '../support/serve-in-process.ts';

/**
 * Benchling's contract does not promise an entry's displayId, name or webURL. The real serve
 * packages an entry whose answer has no displayId, a null name and webURL, and a hyperlink
 * (which has no id) in a note: the package is named by the entry id, as the earlier app named
 * such packages, and what is missing is absent, not invented.
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
  const env = { ...process.env, XDG_CONFIG_HOME: await mkdtemp(join(tmpdir(), 'bw-cfg-')), XDG_DATA_HOME: await mkdtemp(join(tmpdir(), 'bw-data-')) };
  const service = sandbox.serviceEnv();
  running = await serveInProcess({ benchlingSecrets: service.BENCHLING_SECRETS, benchlingApiUrl: service.BENCHLING_API_URL, benchlingJwksUrl: service.BENCHLING_JWKS_URL, registry }, env);
});
after(async () => {
  await running?.stop();
  await sandbox.stop();
  await rm(registry, { recursive: true, force: true });
});

async function bytesOf(key: string): Promise<string> {
  const stream = await store.getStream(key);
  assert.ok(stream, `${key} is missing`);
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

test('an entry without displayId is packaged under its entry id; a null name and webURL, and a hyperlink without id, are shown as absent', async () => {
  const entry = sandbox.addEntry({ attachments: { 'plate.csv': 'well,value\nA1,0.5\n' } });
  const { displayId: _displayId, ...answer } = entry;
  const hyperlink = { type: 'link', webURL: 'https://protocols.example.org/pcr' };
  const days = [{ date: '2026-01-05', title: null, notes: [{ type: 'text', text: 'See the protocol.', links: [hyperlink] }] }];
  const served = { entry: { ...answer, name: null, webURL: null, days } };
  assert.deepEqual(benchlingSpec().violations(benchlingSpec().component('EntryById'), { entry: { ...served.entry, name: undefined, webURL: undefined } }), [], 'an answer the spec allows');
  sandbox.failNext(`GET /api/v2/entries/${entry.id}`, { status: 200, body: served, times: Infinity });

  const sent = await sandbox.sendWebhook(`${running.url}/event`, sandbox.envelopes.entryCreated(entry.id));
  assert.equal(sent.status, 202);
  const name = `benchling/${entry.id}`;
  const deadline = Date.now() + 15_000;
  while (!(await store.getObject(latestPointerKey(name)))) {
    if (Date.now() > deadline) throw new Error(`no package ${name}; logs: ${JSON.stringify(running.logs.slice(-5))}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }

  const latest = await readLatest(store, name);
  assert.ok(latest);
  const userMeta = latest.manifest.meta.user_meta as Record<string, unknown>;
  assert.equal(userMeta.entry_id, entry.id);
  assert.equal(userMeta.display_id, null);
  assert.equal(userMeta.name, null);
  assert.equal(userMeta.web_url, null);
  assert.equal(latest.manifest.meta.message, `Benchling v2.entry.created at ${entry.modifiedAt}`);
  const keys = latest.manifest.entries.map((e) => e.logicalKey);
  for (const key of ['README.md', 'entry.json', 'links.json', 'plate.csv']) assert.ok(keys.includes(key), `${key} in ${keys.join(', ')}`);
  const readme = await bytesOf(packageDataKey(name, 'README.md'));
  assert.ok(readme.startsWith(`# ${entry.id.replace(/_/g, '\\_')}\n`), readme);
  assert.ok(!readme.includes('- Entry:'), 'no entry link to show');
  const links = JSON.parse(await bytesOf(packageDataKey(name, 'links.json'))) as { links: Record<string, unknown>[] };
  assert.deepEqual(links.links, [{ id: null, type: 'link', name: null, web_url: null, web_url_text: hyperlink.webURL }]);
  assert.equal(userMeta.package_name, name, 'the earlier layout names the package in entry.json too');
  assert.ok(running.logs.some((l) => l.msg === 'package written' && l.package === name));
  assert.ok(!(await store.getObject(latestPointerKey(`benchling/${entry.displayId}`))), 'nothing under the display id the app was not told');
});
