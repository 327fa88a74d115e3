import assert from 'node:assert/strict';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { BenchlingClient } from '../../src/benchling/benchling-client.ts';
import { RateLimiter } from '../../src/benchling/rate-limiter.ts';
import { readLatest } from '../../src/quilt/read-package.ts';
import { latestPointerKey, packageDataKey } from '../../src/quilt/registry-layout.ts';
import { SandboxTenant } from '../../src/sandbox/index.ts';
import type { ObjectStore } from '../../src/storage/object-store.ts';
import { openObjectStore } from '../../src/storage/open-store.ts';
import { packageEntry, type PackagingDeps } from '../../src/worker/package-entry.ts';
import { filesZip } from '../support/crafted-zips.ts';
import { knownSecretValues } from '../support/leak-guard.ts';
import { auditRegistry, capturingLogger, readAll } from '../support/registry-audit.ts';
import { residentMb } from '../support/attack-watch.ts';
import { S3Emulator } from '../support/s3-fauxqs.ts';
import { QUICK_EXPORT_POLLS } from '../support/quick-export-polls.ts';

/**
 * A packaging job that fails part-way (a bad ZIP, two files under one name, a failed publish)
 * takes back the files it wrote under the package's prefix, on a local registry and on S3;
 * what the current `latest`, or a revision the job itself published, names stays.
 *
 * Worker-only attacks (no HTTP service in these tests): the worker runs in this process,
 * against the sandbox over HTTP, and its RSS is sampled with residentMb.
 */

let sandbox: SandboxTenant;
let emulator: S3Emulator;
const saved = { ...process.env };
let peakRssMb = 0;
const rssTimer = setInterval(() => (peakRssMb = Math.max(peakRssMb, residentMb(process.pid))), 50);

before(async () => {
  sandbox = await new SandboxTenant({ rateLimit: false }).start();
  knownSecretValues(sandbox.secret.client_id, sandbox.secret.client_secret);
  emulator = await S3Emulator.start();
  Object.assign(process.env, { AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test', AWS_ENDPOINT_URL_S3: emulator.endpoint });
});
after(async () => {
  clearInterval(rssTimer);
  await sandbox.stop();
  await emulator.stop();
  process.env = saved;
  assert.ok(peakRssMb < 300, `peak RSS ${peakRssMb.toFixed(0)} MB`);
});

function client(): BenchlingClient {
  return new BenchlingClient({
    apiBase: sandbox.url,
    clientId: sandbox.secret.client_id,
    clientSecret: sandbox.secret.client_secret,
    rateLimiter: new RateLimiter({ limit: 1000, windowMs: 1000 }),
    retry: { baseDelayMs: 20, maxDelayMs: 100 },
    taskWait: QUICK_EXPORT_POLLS,
  });
}

async function freshRegistry(kind: 'local' | 's3'): Promise<ObjectStore> {
  const registry = kind === 's3' ? `s3://${await emulator.bucket()}` : await mkdtemp(join(tmpdir(), 'bw-cleanup-reg-'));
  return openObjectStore(registry, { s3Endpoint: emulator.endpoint });
}

async function keysUnder(store: ObjectStore, prefix: string): Promise<string[]> {
  const keys: string[] = [];
  for await (const key of store.listKeys(prefix)) keys.push(key);
  return keys;
}

/** A store whose putObject fails for the keys `fails` picks, after the ones before it went through. */
function failingPuts(inner: ObjectStore, fails: (key: string) => boolean): ObjectStore {
  return new Proxy(inner, {
    get(target, property, receiver) {
      if (property === 'putObject') {
        return async (key: string, ...rest: unknown[]) => {
          if (fails(key)) throw new Error(`injected: PutObject ${key} failed`);
          return (target.putObject as (...args: unknown[]) => unknown)(key, ...rest);
        };
      }
      const value = Reflect.get(target, property, receiver) as unknown;
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}

for (const kind of ['local', 's3'] as const) {
  describe(`a failed packaging job leaves nothing behind (${kind} registry)`, () => {
    test('a new package whose second file fails its CRC: the first file is removed, no pointer, no staging', async () => {
      const store = await freshRegistry(kind);
      const { log, lines } = capturingLogger();
      const entry = sandbox.addEntry();
      sandbox.craftExport(entry.id, filesZip([{ name: 'a.txt', data: 'alpha\n' }, { name: 'b.txt', data: 'bravo\n', badCrc: true }]));
      await assert.rejects(packageEntry(entry.id, { client: client(), store, prefix: 'benchling', log }), { code: 'EXPORT_ZIP_CORRUPT' });
      assert.deepEqual(await keysUnder(store, ''), []);
      const removed = lines.find((l) => l.msg === 'packaging failed; removed the files it had started to write');
      // a.txt, and b.txt whose write the bad CRC cut short.
      assert.equal(removed?.removed, 2);
    });

    test('two files under one name: the job fails before the second overwrites the first, and the first is removed', async () => {
      const store = await freshRegistry(kind);
      const { log } = capturingLogger();
      const entry = sandbox.addEntry();
      sandbox.craftExport(entry.id, filesZip([{ name: 'a.txt', data: 'one\n' }, { name: 'b.txt', data: 'two\n' }, { name: 'a.txt', data: 'three\n' }]));
      await assert.rejects(packageEntry(entry.id, { client: client(), store, prefix: 'benchling', log }), { code: 'EXPORT_ZIP_DUPLICATE_NAME', message: /two files that would both be "a\.txt"/ });
      assert.deepEqual(await keysUnder(store, ''), []);
    });

    test('an update that fails part-way: `latest` and the files it names stay as they were; the new file and the staged copy go', async () => {
      const store = await freshRegistry(kind);
      const { log } = capturingLogger();
      const entry = sandbox.addEntry({ attachments: { 'a.txt': 'first a\n', 'b.txt': 'first b\n' } });
      const name = `benchling/${entry.displayId}`;
      const deps: PackagingDeps = { client: client(), store, prefix: 'benchling', log };
      const first = await packageEntry(entry.id, deps);
      const before = (await keysUnder(store, `${name}/`)).sort();
      // a.txt changes (staged), c.txt is new (written in place), d.txt is corrupt.
      sandbox.craftExport(entry.id, filesZip([{ name: 'a.txt', data: 'second a\n' }, { name: 'c.txt', data: 'new c\n' }, { name: 'd.txt', data: 'bad d\n', badCrc: true }]));
      await assert.rejects(packageEntry(entry.id, deps), { code: 'EXPORT_ZIP_CORRUPT' });
      assert.equal((await readLatest(store, name))?.topHash, first.topHash);
      assert.deepEqual((await keysUnder(store, `${name}/`)).sort(), before);
      assert.equal((await readAll(store, packageDataKey(name, 'a.txt')))?.toString(), 'first a\n');
      assert.deepEqual(await keysUnder(store, '.benchling-webhook/staging/'), []);
      assert.deepEqual((await auditRegistry(store)).problems, []);
    });

    test('a publish that fails after its revision pointer: that revision names the files, so they stay, whole', async () => {
      const inner = await freshRegistry(kind);
      const { log } = capturingLogger();
      const entry = sandbox.addEntry({ attachments: { 'a.txt': 'kept a\n' } });
      const name = `benchling/${entry.displayId}`;
      const store = failingPuts(inner, (key) => key === latestPointerKey(name));
      await assert.rejects(packageEntry(entry.id, { client: client(), store, prefix: 'benchling', log }), /injected: PutObject/);
      assert.equal(await inner.getObject(latestPointerKey(name)), undefined);
      const revisions = (await keysUnder(inner, `.quilt/named_packages/${name}/`)).length;
      assert.equal(revisions, 1, 'the revision pointer was written');
      assert.ok((await keysUnder(inner, `${name}/`)).includes(packageDataKey(name, 'a.txt')));
      // Every pointer names a manifest whose files are all there.
      assert.deepEqual((await auditRegistry(inner)).problems, []);
    });
  });
}
