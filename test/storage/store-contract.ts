import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { ObjectStore } from '../../src/storage/object-store.ts';
import { BodyFailure, collect, generatedStream, MiB, sha256Of } from './generated-streams.ts';

/**
 * What every object store promises, run against each implementation: a test file per store
 * supplies a harness that opens a fresh, empty store.
 */
export interface StoreHarness {
  name: string;
  open(options?: { listPageSize?: number }): Promise<ObjectStore>;
  /** How far a stream's maker may run ahead of what the store has taken (a few parts on S3). */
  maxLeadBytes: number;
  /** A body large enough that holding all of it would exceed maxLeadBytes. */
  leadTestBytes: number;
}

const HOSTILE_KEYS = ['', '/abs', 'a/../b', '..', 'a/./b', 'a//b', 'a/', 'a\\b', 'a\0b', 'a\nb', '.~tmp-x', 'a/.~tmp-1/b', '\ud800x'];

export function storeContract(harness: StoreHarness): void {
  describe(`object store contract: ${harness.name}`, () => {
    test('put, get, head and delete small objects; absent keys read as undefined', async () => {
      const store = await harness.open();
      assert.equal(await store.getObject('nothing/here'), undefined);
      assert.equal(await store.getStream('nothing/here'), undefined);
      assert.equal(await store.head('nothing/here'), undefined);
      await store.delete('nothing/here');

      const put = await store.putObject('.quilt/named_packages/benchling/EXP1/latest', 'a'.repeat(64));
      assert.equal(put.physicalKey, store.physicalKey('.quilt/named_packages/benchling/EXP1/latest', put.versionId));
      await store.putObject('bin/data.bin', Buffer.from([0, 1, 2, 255]), { contentType: 'application/octet-stream' });
      await store.putObject('empty', '');

      assert.equal((await store.getObject('.quilt/named_packages/benchling/EXP1/latest'))?.toString(), 'a'.repeat(64));
      assert.deepEqual(await store.getObject('bin/data.bin'), Buffer.from([0, 1, 2, 255]));
      assert.deepEqual(await store.getObject('empty'), Buffer.alloc(0));
      assert.deepEqual(await store.head('bin/data.bin'), { size: 4 });
      assert.deepEqual(await store.head('empty'), { size: 0 });
      assert.equal(await store.head('bin'), undefined, 'a "folder" is not an object');

      await store.putObject('bin/data.bin', 'replaced');
      assert.equal((await store.getObject('bin/data.bin'))?.toString(), 'replaced');
      await store.delete('bin/data.bin');
      assert.equal(await store.getObject('bin/data.bin'), undefined);
      assert.deepEqual(await store.check(), { ok: true });
    });

    test('unicode, spaces and punctuation in keys round-trip and list', async () => {
      const store = await harness.open();
      const keys = ['a b/!\'()*~.txt', 'ünï cödé/日本語 ファイル.md', 'emoji 🎉/x+y&z=1?q#h%20.json', 'tab-less/semi;colon,comma@at$'];
      for (const key of keys) await store.putObject(key, `body of ${key}`);
      for (const key of keys) assert.equal((await store.getObject(key))?.toString(), `body of ${key}`);
      assert.deepEqual((await collect(store.listKeys(''))).sort(), [...keys].sort());
      const stream = await store.getStream(keys[1]!);
      assert.ok(stream);
      assert.equal((await sha256Of(stream)).bytes, Buffer.byteLength(`body of ${keys[1]}`));
    });

    test('listKeys is a string prefix, in S3 order, paged', async () => {
      const store = await harness.open({ listPageSize: 4 });
      const inside = Array.from({ length: 23 }, (_, i) => `page/k${String(i).padStart(2, '0')}`);
      for (const key of ['pagf', 'pag/x', 'pagez', ...inside.reverse()]) await store.putObject(key, key);
      assert.deepEqual(await collect(store.listKeys('page/')), [...inside].sort());
      assert.deepEqual(await collect(store.listKeys('page')), [...[...inside].sort(), 'pagez']);
      assert.deepEqual(await collect(store.listKeys('pag/')), ['pag/x']);
      assert.deepEqual(await collect(store.listKeys('none/')), []);

      // '-' < '/' < '0' in UTF-8: a tree walk that sorted names alone would get this wrong.
      const tricky = ['o/a-c', 'o/a/b', 'o/a0', 'o/b'];
      for (const key of [...tricky].reverse()) await store.putObject(key, key);
      assert.deepEqual(await collect(store.listKeys('o/')), tricky);
      assert.deepEqual(await collect(store.listKeys('o/a')), tricky.slice(0, 3));
    });

    test('a 20 MiB stream is stored and read back identical', async () => {
      const store = await harness.open();
      const size = 20 * MiB;
      const body = generatedStream(size);
      const progress: number[] = [];
      const put = await store.putStream('big/blob.bin', body.stream, { size, onProgress: (bytes) => progress.push(bytes) });
      assert.equal(put.physicalKey, store.physicalKey('big/blob.bin', put.versionId));
      assert.equal(progress.at(-1), size, 'progress ends at the full size');
      assert.deepEqual(await store.head('big/blob.bin'), { size });
      const back = await store.getStream('big/blob.bin');
      assert.ok(back);
      assert.deepEqual(await sha256Of(back), { sha256: body.sha256(), bytes: size });
    });

    test('putStream never holds the whole body', async () => {
      const store = await harness.open();
      let stored = 0;
      let lead = 0;
      const body = generatedStream(harness.leadTestBytes, { onChunk: (produced) => void (lead = Math.max(lead, produced - stored)) });
      await store.putStream('lead/blob.bin', body.stream, { onProgress: (bytes) => (stored = bytes) });
      assert.equal(stored, harness.leadTestBytes);
      assert.ok(lead <= harness.maxLeadBytes, `the body's maker ran ${(lead / MiB).toFixed(1)} MiB ahead of the store (allowed ${harness.maxLeadBytes / MiB} MiB)`);
    });

    test('an object being streamed is invisible until it is complete', async () => {
      const store = await harness.open();
      let release!: () => void;
      let halfway!: () => void;
      const reached = new Promise<void>((resolve) => (halfway = resolve));
      const gate = new Promise<void>((resolve) => (release = resolve));
      const size = 12 * MiB;
      const body = generatedStream(size, {
        onChunk: async (produced) => {
          if (produced === 10 * MiB) {
            halfway();
            await gate;
          }
        },
      });
      const writing = store.putStream('slow/blob.bin', body.stream, { size });
      await reached;
      assert.equal(await store.head('slow/blob.bin'), undefined);
      assert.deepEqual(await collect(store.listKeys('slow/')), []);
      release();
      await writing;
      assert.deepEqual(await store.head('slow/blob.bin'), { size });
    });

    test('a body that fails midway, or has the wrong size, stores nothing and keeps the old object', async () => {
      const store = await harness.open();
      await store.putObject('kept/object', 'old');
      const failing = generatedStream(20 * MiB, { failAfter: 10 * MiB });
      await assert.rejects(store.putStream('kept/object', failing.stream), BodyFailure);
      await assert.rejects(store.putStream('fresh/object', generatedStream(20 * MiB, { failAfter: 10 * MiB }).stream), BodyFailure);
      await assert.rejects(store.putStream('short/object', generatedStream(1000).stream, { size: 1001 }), { code: 'storage_size_mismatch' });
      await assert.rejects(store.putStream('long/object', generatedStream(1002).stream, { size: 1001 }), { code: 'storage_size_mismatch' });
      assert.equal((await store.getObject('kept/object'))?.toString(), 'old');
      for (const key of ['fresh/object', 'short/object', 'long/object']) assert.equal(await store.head(key), undefined, key);
      assert.deepEqual(await collect(store.listKeys('')), ['kept/object']);
    });

    test('an empty stream makes an empty object', async () => {
      const store = await harness.open();
      await store.putStream('zero', generatedStream(0).stream, { size: 0 });
      assert.deepEqual(await store.head('zero'), { size: 0 });
      assert.deepEqual(await store.getObject('zero'), Buffer.alloc(0));
    });

    test('keys that are not plain relative paths are refused by every operation', async () => {
      const store = await harness.open();
      for (const key of HOSTILE_KEYS) {
        const refused = { code: 'storage_key_invalid' };
        await assert.rejects(store.putObject(key, 'x'), refused, JSON.stringify(key));
        await assert.rejects(store.putStream(key, generatedStream(1).stream), refused, JSON.stringify(key));
        await assert.rejects(store.getObject(key), refused, JSON.stringify(key));
        await assert.rejects(store.head(key), refused, JSON.stringify(key));
        await assert.rejects(store.delete(key), refused, JSON.stringify(key));
        assert.throws(() => store.physicalKey(key), refused, JSON.stringify(key));
      }
      assert.throws(() => store.listKeys('../'), { code: 'storage_key_invalid' });
      assert.throws(() => store.listKeys('/abs'), { code: 'storage_key_invalid' });
      assert.deepEqual(await collect(store.listKeys('')), []);
    });
  });
}
