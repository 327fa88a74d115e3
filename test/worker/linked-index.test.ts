import assert from 'node:assert/strict';
import { test } from 'node:test';
import { entryMeta, packageMeta, type Manifest } from '../../src/quilt/manifest.ts';
import { writeManifest } from '../../src/quilt/manifest-writer.ts';
import type { ObjectStore } from '../../src/quilt/object-store.ts';
import { latestPointerKey, manifestKey, MANIFESTS_PREFIX, revisionPointerKey } from '../../src/quilt/registry-layout.ts';
import { topHash } from '../../src/quilt/top-hash.ts';
import { LinkedPackageIndex } from '../../src/worker/linked-index.ts';

/** A registry in memory that counts manifest reads, as a wrapped S3 store would. */
class CountingStore implements ObjectStore {
  readonly objects = new Map<string, Buffer>();
  manifestReads = 0;

  async putObject(key: string, body: Buffer | string): Promise<void> {
    this.objects.set(key, Buffer.from(body));
  }

  async getObject(key: string): Promise<Buffer | undefined> {
    if (key.startsWith(MANIFESTS_PREFIX)) this.manifestReads += 1;
    return this.objects.get(key);
  }

  async *listKeys(prefix: string): AsyncIterable<string> {
    for (const key of [...this.objects.keys()].sort()) if (key.startsWith(prefix)) yield key;
  }
}

/** What another tool (quilt3, a script) leaves in the registry: manifest, timestamp pointer, latest. */
function writeForeignPackage(store: CountingStore, name: string, userMeta: Record<string, string>, seconds = 1_700_000_000): string {
  const manifest: Manifest = {
    meta: packageMeta({ userMeta, message: `written by another tool: ${name}` }),
    entries: [{ logicalKey: 'data.csv', physicalKey: `s3://other-bucket/${name}/data.csv`, size: 3, hash: { type: 'SHA256', value: '0'.repeat(64) }, meta: entryMeta() }],
  };
  const hash = topHash(manifest);
  store.objects.set(manifestKey(hash), writeManifest(manifest));
  store.objects.set(revisionPointerKey(name, seconds), Buffer.from(hash));
  store.objects.set(latestPointerKey(name), Buffer.from(`${hash}\n`));
  return hash;
}

test('a refresh over 1,000 unchanged packages reads no manifest; a changed or new one is read once', async () => {
  const store = new CountingStore();
  for (let i = 0; i < 1000; i++) writeForeignPackage(store, `team/pkg-${i}`, { experiment_id: i % 100 === 0 ? 'EXP1' : `OTHER${i}` });
  const index = new LinkedPackageIndex(store, { linkKey: 'experiment_id' });
  await index.refresh();
  assert.equal(store.manifestReads, 1000);
  assert.equal(index.size, 1000);
  assert.equal(index.linkedTo('EXP1').length, 10);

  store.manifestReads = 0;
  const started = Date.now();
  await index.refresh();
  assert.equal(store.manifestReads, 0, 'unchanged packages are not re-read');
  assert.ok(Date.now() - started < 2000);

  writeForeignPackage(store, 'elsewhere/new-run', { experiment_id: 'EXP1' });
  writeForeignPackage(store, 'team/pkg-1', { experiment_id: 'EXP1' }, 1_700_000_100);
  await index.refresh();
  assert.equal(store.manifestReads, 2, 'only the new package and the moved pointer');
  assert.deepEqual(index.linkedTo('EXP1'), [...index.linkedTo('EXP1')].sort());
  assert.ok(index.linkedTo('EXP1').includes('elsewhere/new-run'));
  assert.ok(index.linkedTo('EXP1').includes('team/pkg-1'));
  assert.equal(index.linkedTo('EXP1').length, 12);
});

test('unlinking, deletion, exclusion and broken packages', async () => {
  const store = new CountingStore();
  writeForeignPackage(store, 'a/linked', { experiment_id: 'EXP9' });
  writeForeignPackage(store, 'benchling/EXP9', { experiment_id: 'EXP9' });
  writeForeignPackage(store, 'a/other-key', { display_id: 'EXP9' });
  // A pointer that names no manifest must not hide the rest.
  store.objects.set(latestPointerKey('a/broken'), Buffer.from('f'.repeat(64)));
  store.objects.set(latestPointerKey('a/garbage'), Buffer.from('not a hash'));
  const index = new LinkedPackageIndex(store, { linkKey: 'experiment_id' });
  await index.refresh();
  assert.deepEqual(index.linkedTo('EXP9', 'benchling/EXP9'), ['a/linked']);
  assert.deepEqual(index.linkedTo(''), []);

  writeForeignPackage(store, 'a/linked', { experiment_id: 'EXP10' }, 1_700_000_500);
  await index.refresh();
  assert.deepEqual(index.linkedTo('EXP9', 'benchling/EXP9'), []);
  assert.deepEqual(index.linkedTo('EXP10'), ['a/linked']);

  store.objects.delete(latestPointerKey('a/linked'));
  await index.refresh();
  assert.deepEqual(index.linkedTo('EXP10'), []);

  const custom = new LinkedPackageIndex(store, { linkKey: 'display_id' });
  await custom.refresh();
  assert.deepEqual(custom.linkedTo('EXP9'), ['a/other-key']);
});

test('concurrent refreshes share one pass', async () => {
  const store = new CountingStore();
  for (let i = 0; i < 20; i++) writeForeignPackage(store, `p/${i}`, { experiment_id: 'X' });
  const index = new LinkedPackageIndex(store, { linkKey: 'experiment_id' });
  await Promise.all([index.refresh(), index.refresh(), index.refresh()]);
  assert.equal(store.manifestReads, 20);
});
