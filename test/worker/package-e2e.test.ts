import assert from 'node:assert/strict';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { chunkedSha256 } from '../../src/quilt/chunked-sha256.ts';
import { readLatest } from '../../src/quilt/read-package.ts';
import { topHash } from '../../src/quilt/top-hash.ts';
import { latestPointerKey, packageDataKey } from '../../src/quilt/registry-layout.ts';
import { SandboxTenant } from '../../src/sandbox/index.ts';
import type { ObjectStore } from '../../src/storage/object-store.ts';
import { openObjectStore } from '../../src/storage/open-store.ts';
import { knownSecretValues } from '../support/leak-guard.ts';
import { S3Emulator } from '../support/s3-fauxqs.ts';
import { serveInProcess, type ServeInProcess } from '../support/serve-in-process.ts';

const USER_META_FIELDS = ['entry_id', 'display_id', 'name', 'web_url', 'creator', 'authors', 'created_at', 'modified_at'];

async function waitForLatest(store: ObjectStore, name: string, previous?: string): Promise<string> {
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    const pointer = (await store.getObject(latestPointerKey(name)))?.toString();
    if (pointer && pointer !== previous) return pointer;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`no package ${name} within 15 s`);
}

async function bytesOf(store: ObjectStore, key: string): Promise<Buffer> {
  const stream = await store.getStream(key);
  assert.ok(stream, `${key} is missing`);
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

for (const registryKind of ['local directory', 'S3 emulator'] as const) {
  describe(`a signed v2.entry.created becomes a package (${registryKind})`, () => {
    let sandbox: SandboxTenant;
    let emulator: S3Emulator | undefined;
    let registry: string;
    let store: ObjectStore;
    let running: ServeInProcess;
    const saved = { ...process.env };

    before(async () => {
      // Exports finish at the first poll, and edits settle for 50 ms instead of ENTRY_SETTLE's
      // default second: what is tested here is the package, not the waiting.
      sandbox = await new SandboxTenant({ exportTiming: { polls: 0 } }).start();
      knownSecretValues(sandbox.secret.client_id, sandbox.secret.client_secret);
      if (registryKind === 'S3 emulator') {
        emulator = await S3Emulator.start();
        registry = `s3://${await emulator.bucket()}`;
        Object.assign(process.env, { AWS_ENDPOINT_URL_S3: emulator.endpoint, AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test' });
      } else {
        registry = await mkdtemp(join(tmpdir(), 'bw-registry-'));
      }
      store = await openObjectStore(registry, { s3Endpoint: process.env.AWS_ENDPOINT_URL_S3 });
      const env = { ...process.env, XDG_CONFIG_HOME: await mkdtemp(join(tmpdir(), 'bw-cfg-')), XDG_DATA_HOME: await mkdtemp(join(tmpdir(), 'bw-data-')) };
      running = await serveInProcess({ ...sandboxFlags(sandbox), registry, entrySettle: '0.05s/30s' }, env);
    });
    after(async () => {
      await running?.stop();
      await sandbox.stop();
      await emulator?.stop();
      process.env = saved;
    });

    test('the manifest hash recomputes, every entry matches its bytes, user_meta has the documented fields', async () => {
      const entry = sandbox.addEntry({ attachments: { 'data/plate.csv': 'well,value\nA1,0.5\n', 'big.bin': 9 * 1024 * 1024 } });
      const sent = await sandbox.sendWebhook(`${running.url}/event`, sandbox.envelopes.entryCreated(entry.id));
      assert.equal(sent.status, 202);
      const name = `benchling/${entry.displayId}`;
      const pointer = await waitForLatest(store, name);
      const latest = await readLatest(store, name);
      assert.ok(latest);
      assert.equal(topHash(latest.manifest), pointer);
      const keys = latest.manifest.entries.map((e) => e.logicalKey).sort();
      for (const expected of ['README.md', 'big.bin', 'data/plate.csv', 'entry.json', 'links.json']) assert.ok(keys.includes(expected), `${expected} in ${keys}`);
      for (const e of latest.manifest.entries) {
        const bytes = await bytesOf(store, packageDataKey(name, e.logicalKey));
        assert.equal(bytes.length, e.size, e.logicalKey);
        assert.equal(e.hash.value, chunkedSha256(bytes), e.logicalKey);
      }
      const userMeta = latest.manifest.meta.user_meta as Record<string, unknown>;
      for (const field of USER_META_FIELDS) assert.ok(field in userMeta, `user_meta.${field}`);
      assert.equal(userMeta.display_id, entry.displayId);
      assert.equal(userMeta.entry_id, entry.id);
      const links = JSON.parse((await bytesOf(store, packageDataKey(name, 'links.json'))).toString());
      assert.ok(Array.isArray(links.links));
    });

    test('re-packaging an unchanged entry gives the same top hash and no new revision', async () => {
      const entry = sandbox.addEntry();
      const name = `benchling/${entry.displayId}`;
      await sandbox.sendWebhook(`${running.url}/event`, sandbox.envelopes.entryCreated(entry.id));
      const first = await waitForLatest(store, name);
      const revisions = async () => {
        const keys: string[] = [];
        for await (const key of store.listKeys(`.quilt/named_packages/${name}/`)) keys.push(key);
        return keys.length;
      };
      const before = await revisions();
      await sandbox.sendWebhook(`${running.url}/event`, sandbox.envelopes.entryUpdatedReviewRecord(entry.id));
      const deadline = Date.now() + 10_000;
      while (running.logs.filter((l) => l.msg === 'package written' && l.package === name).length < 2 && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      const written = running.logs.filter((l) => l.msg === 'package written' && l.package === name);
      assert.equal(written.length, 2);
      assert.equal(written[1]!.topHash, first);
      assert.equal(written[1]!.changed, false);
      assert.equal(await revisions(), before);
      sandbox.updateEntry(entry.id, { name: 'Renamed entry' });
      await sandbox.sendWebhook(`${running.url}/event`, sandbox.envelopes.entryUpdatedFields(entry.id, ['name']));
      assert.notEqual(await waitForLatest(store, name, first), first);
    });
  });
}

function sandboxFlags(sandbox: SandboxTenant) {
  const env = sandbox.serviceEnv();
  return { benchlingSecrets: env.BENCHLING_SECRETS, benchlingApiUrl: env.BENCHLING_API_URL, benchlingJwksUrl: env.BENCHLING_JWKS_URL };
}
