import assert from 'node:assert/strict';
import { test } from 'node:test';
import { entryMeta, packageMeta, type Manifest } from '../../src/quilt/manifest.ts';
import { writeManifest } from '../../src/quilt/manifest-writer.ts';
import type { ObjectStore } from '../../src/quilt/object-store.ts';
import { validatePackageName } from '../../src/quilt/package-name.ts';
import { s3PhysicalKey } from '../../src/quilt/physical-key.ts';
import { publishPackage } from '../../src/quilt/publish-package.ts';
import { listRevisionTimestamps, readLatest } from '../../src/quilt/read-package.ts';
import {
  latestPointerKey,
  manifestKey,
  packageDataKey,
  packageDataPrefix,
  revisionOfPointerKey,
  revisionPointerKey,
} from '../../src/quilt/registry-layout.ts';
import { topHash } from '../../src/quilt/top-hash.ts';

/** An in-memory store that records every write, in order. */
class MapStore implements ObjectStore {
  readonly objects = new Map<string, Buffer>();
  readonly writes: string[] = [];

  async putObject(key: string, body: Buffer | string): Promise<void> {
    this.writes.push(key);
    this.objects.set(key, Buffer.from(body));
  }

  async getObject(key: string): Promise<Buffer | undefined> {
    return this.objects.get(key);
  }

  async *listKeys(prefix: string): AsyncIterable<string> {
    for (const key of [...this.objects.keys()].sort()) if (key.startsWith(prefix)) yield key;
  }
}

const NAME = 'benchling/EXP24000001';

function manifest(text: string): Manifest {
  return {
    meta: packageMeta({ userMeta: { entry_id: 'etr_1', display_id: 'EXP24000001' }, message: 'Benchling entry' }),
    entries: [
      {
        logicalKey: 'entry.json',
        physicalKey: s3PhysicalKey('bucket', `${NAME}/entry.json`, 'v1'),
        size: text.length,
        hash: { type: 'sha2-256-chunked', value: Buffer.from(text).toString('base64') },
        meta: entryMeta(),
      },
    ],
  };
}

const clock = (seconds: number[]) => () => seconds.shift() ?? 0;

test('publish writes the manifest, then the timestamp pointer, then latest', async () => {
  const store = new MapStore();
  const first = manifest('one');
  const result = await publishPackage(store, { name: NAME, manifest: first, unixSeconds: clock([1700000000]) });
  const hash = topHash(first);
  assert.deepEqual(result, { changed: true, topHash: hash, revision: 1700000000 });
  assert.deepEqual(store.writes, [
    `.quilt/packages/${hash}`,
    `.quilt/named_packages/${NAME}/1700000000`,
    `.quilt/named_packages/${NAME}/latest`,
  ]);
  assert.ok(store.objects.get(manifestKey(hash))?.equals(writeManifest(first)));
  assert.equal(store.objects.get(latestPointerKey(NAME))?.toString('latin1'), hash, 'the bare hash, no trailing newline');
  assert.equal(store.objects.get(revisionPointerKey(NAME, 1700000000))?.toString('latin1'), hash);
});

test('publishing the same content again writes nothing; new content adds a revision', async () => {
  const store = new MapStore();
  const times = clock([100, 200, 300]);
  await publishPackage(store, { name: NAME, manifest: manifest('one'), unixSeconds: times });
  const again = await publishPackage(store, { name: NAME, manifest: manifest('one'), unixSeconds: times });
  assert.deepEqual(again, { changed: false, topHash: topHash(manifest('one')) });
  assert.equal(store.writes.length, 3);
  const moved = { ...manifest('one'), entries: manifest('one').entries.map((e) => ({ ...e, physicalKey: 's3://elsewhere/x' })) };
  assert.equal((await publishPackage(store, { name: NAME, manifest: moved, unixSeconds: times })).changed, false, 'physical keys are not content');
  const next = await publishPackage(store, { name: NAME, manifest: manifest('two'), unixSeconds: times });
  assert.equal(next.changed, true);
  assert.deepEqual(await listRevisionTimestamps(store, NAME), [100, 200]);
  const latest = await readLatest(store, NAME);
  assert.equal(latest?.topHash, topHash(manifest('two')));
  assert.deepEqual(latest?.manifest.entries, manifest('two').entries);
});

test('two revisions in the same second both keep a pointer', async () => {
  const store = new MapStore();
  await publishPackage(store, { name: NAME, manifest: manifest('one'), unixSeconds: () => 500 });
  const second = await publishPackage(store, { name: NAME, manifest: manifest('two'), unixSeconds: () => 500 });
  assert.equal(second.changed && second.revision, 501);
  assert.deepEqual(await listRevisionTimestamps(store, NAME), [500, 501]);
  assert.equal(store.objects.get(revisionPointerKey(NAME, 500))?.toString(), topHash(manifest('one')));
});

test('readLatest: none for an unknown package, errors for a bad pointer or a missing manifest', async () => {
  const store = new MapStore();
  assert.equal(await readLatest(store, NAME), undefined);
  await store.putObject(latestPointerKey(NAME), 'not a hash');
  await assert.rejects(readLatest(store, NAME), { code: 'quilt_bad_pointer' });
  await store.putObject(latestPointerKey(NAME), `${'a'.repeat(64)}\n`);
  await assert.rejects(readLatest(store, NAME), { code: 'quilt_manifest_missing' });
  await store.putObject(manifestKey('a'.repeat(64)), writeManifest(manifest('x')));
  assert.equal((await readLatest(store, NAME))?.topHash, 'a'.repeat(64), 'a pointer ending in a newline is forgiven');
});

test('layout keys and package names', () => {
  assert.equal(packageDataPrefix(NAME), `${NAME}/`);
  assert.equal(packageDataKey(NAME, 'files/a b.csv'), `${NAME}/files/a b.csv`);
  assert.equal(revisionOfPointerKey(NAME, revisionPointerKey(NAME, 42)), 42);
  assert.equal(revisionOfPointerKey(NAME, latestPointerKey(NAME)), undefined);
  assert.throws(() => manifestKey('A'.repeat(64)), { code: 'quilt_bad_top_hash' });
  assert.throws(() => revisionPointerKey(NAME, 1.5), { code: 'quilt_bad_timestamp' });
  assert.throws(() => packageDataKey(NAME, 'a/'), { code: 'quilt_bad_logical_key' });
  for (const good of ['user/pkg', 'ünï/cødé_1-2', 'данные/пакет', 'a/٣']) validatePackageName(good);
  for (const bad of ['user', 'a/b/c', 'a b/c', '/pkg', 'user/', 'a/b\n', 'a.b/c', 'a/b\u0301']) {
    assert.throws(() => validatePackageName(bad), { code: 'quilt_bad_package_name' }, bad);
  }
  assert.throws(() => latestPointerKey('../x'), { code: 'quilt_bad_package_name' });
});
