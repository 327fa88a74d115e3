import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { compareWalkOrder } from '../../src/quilt/logical-key.ts';
import { entryMeta, packageMeta, type Manifest, type ManifestEntry } from '../../src/quilt/manifest.ts';
import { readManifest } from '../../src/quilt/manifest-reader.ts';
import { writeManifest } from '../../src/quilt/manifest-writer.ts';
import { topHash } from '../../src/quilt/top-hash.ts';
import { logicalKey, manifestArbitrary } from './package-arbitraries.ts';
import { treeWalkOrder } from './tree-walk.ts';

const HASH = { type: 'sha2-256-chunked', value: 'JvRxeMunq4eK7c1I8s4YNg2ajaE9BtNEg/0pdpEGv58=' };

function entry(key: string, extra: Partial<ManifestEntry> = {}): ManifestEntry {
  return { logicalKey: key, physicalKey: `s3://bucket/pkg/${encodeURIComponent(key)}`, size: 25, hash: HASH, meta: {}, ...extra };
}

function manifestOf(keys: readonly string[]): Manifest {
  return { meta: packageMeta({ userMeta: null, message: null }), entries: keys.map((key) => entry(key)) };
}

function lines(manifest: Manifest): string[] {
  return writeManifest(manifest).toString('utf8').split('\n');
}

test('write → read → write is byte-identical and keeps the top hash, for generated packages', () => {
  fc.assert(
    fc.property(manifestArbitrary(), (manifest) => {
      const bytes = writeManifest(manifest);
      const read = readManifest(bytes);
      assert.ok(writeManifest(read).equals(bytes));
      assert.equal(topHash(read), topHash(manifest));
      assert.ok(bytes.toString('utf8').endsWith('\n'));
      assert.ok(!bytes.toString('utf8').includes('\n\n'));
    }),
    { numRuns: 300 },
  );
});

test("entries come out in quilt3's walk order, computed here by walking a tree", () => {
  fc.assert(
    fc.property(manifestArbitrary({ directories: false }), (manifest) => {
      const read = readManifest(writeManifest(manifest));
      const expected = treeWalkOrder(manifest.entries.map((e) => e.logicalKey));
      assert.deepEqual(read.entries.map((e) => e.logicalKey), expected);
    }),
    { numRuns: 300 },
  );
});

test('the top hash does not depend on the order entries are given in, nor on physical keys', () => {
  fc.assert(
    fc.property(manifestArbitrary({ maxEntries: 8 }), fc.nat(), (manifest, seed) => {
      const shuffled = [...manifest.entries].sort((a, b) => ((a.size ^ seed) % 7) - ((b.size ^ seed) % 7));
      const moved = shuffled.map((e) => ({ ...e, physicalKey: `file:///elsewhere/${e.size}` }));
      assert.equal(topHash({ ...manifest, entries: moved }), topHash(manifest));
      assert.ok(writeManifest({ ...manifest, entries: shuffled }).equals(writeManifest(manifest)));
    }),
  );
});

test('walk order edge cases: a/b before a-c, a/ before a.txt, astral after U+FFFF', () => {
  const keys = ['a-c', 'a.txt', 'a/b', 'a b', '\uffff', '😀', 'b', 'a/a/z', 'a/a-b'];
  const order = lines(manifestOf(keys))
    .slice(1, -1)
    .map((line) => (JSON.parse(line) as { logical_key: string }).logical_key);
  assert.deepEqual(order, ['a', 'a b', 'a-c', 'a.txt', 'b', '\uffff', '😀'].flatMap((top) => (top === 'a' ? ['a/a/z', 'a/a-b', 'a/b'] : [top])));
  assert.deepEqual(order, treeWalkOrder(keys));
  fc.assert(
    fc.property(fc.array(logicalKey, { maxLength: 10 }), (generated) => {
      const unique = [...new Set(generated)].filter((k, _, all) => !all.some((o) => o.startsWith(`${k}/`)));
      assert.deepEqual([...unique].sort(compareWalkOrder), treeWalkOrder(unique));
    }),
  );
});

test('lines look exactly like quilt3 output', () => {
  const manifest: Manifest = {
    meta: packageMeta({ userMeta: { entry_id: 'etr_1', n: 1e-5, big: 1e21, list: [1, 'é'] }, message: 'Ünïcode "quoted"\n' }),
    entries: [entry('dir/файл 1.txt', { meta: entryMeta({ x: 'y' }), physicalKey: 's3://bucket/pkg/dir/%D1%84%D0%B0%D0%B9%D0%BB%201.txt?versionId=v1' })],
  };
  assert.deepEqual(lines(manifest), [
    '{"version": "v0", "user_meta": {"entry_id": "etr_1", "n": 1e-05, "big": 1e+21, "list": [1, "é"]}, "message": "Ünïcode \\"quoted\\"\\n"}',
    '{"logical_key": "dir/файл 1.txt", "physical_keys": ["s3://bucket/pkg/dir/%D1%84%D0%B0%D0%B9%D0%BB%201.txt?versionId=v1"], "size": 25, "hash": {"type": "sha2-256-chunked", "value": "JvRxeMunq4eK7c1I8s4YNg2ajaE9BtNEg/0pdpEGv58="}, "meta": {"user_meta": {"x": "y"}}}',
    '',
  ]);
});

test('package metadata keeps quilt3 key order, with the workflow between user_meta and message', () => {
  const meta = packageMeta({ userMeta: {}, message: 'm', workflow: { id: 'alpha', config: 's3://b/.quilt/workflows/config.yml?versionId=1' } });
  assert.deepEqual(Object.keys(meta), ['version', 'user_meta', 'workflow', 'message']);
  assert.deepEqual(Object.keys(packageMeta({ userMeta: null, message: null })), ['version', 'user_meta', 'message']);
});

test('the writer refuses what quilt3 cannot hold', () => {
  const meta = packageMeta({ userMeta: null, message: null });
  const write = (manifest: Manifest) => () => writeManifest(manifest);
  assert.throws(write(manifestOf(['a', 'a'])), { code: 'quilt_bad_manifest', message: /"a" appears twice/ });
  assert.throws(write(manifestOf(['a', 'a/b'])), { code: 'quilt_bad_manifest', message: /"a" is both a file and a directory/ });
  assert.throws(write(manifestOf(['a/', 'x'])), { code: 'quilt_bad_logical_key' });
  assert.throws(write(manifestOf(['a//b'])), { code: 'quilt_bad_logical_key' });
  assert.throws(write(manifestOf(['./a'])), { code: 'quilt_bad_logical_key' });
  assert.throws(write({ meta: { ...meta, top_hash: 'x' }, entries: [] }), { code: 'quilt_bad_manifest', message: /top_hash/ });
  assert.throws(write({ meta: { message: null }, entries: [] }), { code: 'quilt_bad_manifest', message: /v0/ });
  assert.throws(write({ meta, entries: [entry('a', { size: -1 })] }), { code: 'quilt_bad_manifest', message: /size/ });
  assert.throws(write({ meta, entries: [entry('a', { meta: entryMeta({ x: Number.NaN }) })] }), {
    code: 'quilt_bad_metadata',
    message: /entry "a"\.meta\.user_meta\.x is NaN/,
  });
  assert.throws(write({ meta: { ...meta, user_meta: { when: new Map() } as never }, entries: [] }), { code: 'quilt_bad_metadata', message: /Map/ });
  assert.throws(write({ meta, entries: [entry('a', { meta: entryMeta({ big: 'x'.repeat(1_000_000) }) })] }), { code: 'quilt_record_too_large' });
  assert.throws(write({ meta, entries: [], directories: [{ logicalKey: 'a', meta: { x: 1 } }] }), { code: 'quilt_bad_manifest' });
});

test('metadata is taken as JSON.stringify takes it: toJSON, dropped undefined members', () => {
  const when = new Date(Date.UTC(2024, 0, 2, 3, 4, 5));
  const userMeta = { created_at: when, gone: undefined, list: [undefined, 1] } as never;
  const [first] = lines({ meta: packageMeta({ userMeta, message: null }), entries: [] });
  assert.equal(first, '{"version": "v0", "user_meta": {"created_at": "2024-01-02T03:04:05.000Z", "list": [null, 1]}, "message": null}');
});

test('directory lines come before entries, in tree order, and are not hashed', () => {
  const base = manifestOf(['d/x', 'c']);
  const withDirs: Manifest = { ...base, directories: [{ logicalKey: 'd/e/', meta: { b: 2 } }, { logicalKey: 'd/', meta: { a: 1 } }] };
  assert.deepEqual(lines(withDirs).slice(1, 3), ['{"logical_key": "d/", "meta": {"a": 1}}', '{"logical_key": "d/e/", "meta": {"b": 2}}']);
  assert.equal(topHash(withDirs), topHash(base));
  assert.deepEqual(readManifest(writeManifest(withDirs)).directories, [{ logicalKey: 'd/', meta: { a: 1 } }, { logicalKey: 'd/e/', meta: { b: 2 } }]);
});

test('the reader tolerates unknown keys, null meta and a missing final newline', () => {
  const text = [
    '{"version": "v0", "extra": [1], "top_hash": {"alg": "v0", "value": "x"}, "message": null}',
    '{"logical_key": "a", "physical_keys": ["s3://b/a", "s3://b/copy"], "size": 1, "hash": {"type": "SHA256", "value": "ab", "note": 1}, "meta": null, "unknown": true}',
  ].join('\n');
  const manifest = readManifest(text);
  assert.deepEqual(manifest.meta, { version: 'v0', extra: [1], message: null });
  assert.deepEqual(manifest.entries, [{ logicalKey: 'a', physicalKey: 's3://b/a', size: 1, hash: { type: 'SHA256', value: 'ab', note: 1 }, meta: {} }]);
  assert.match(writeManifest(manifest).toString(), /"hash": \{"type": "SHA256", "value": "ab", "note": 1\}/);
});

test('the reader names the line of malformed input', () => {
  const head = '{"version": "v0"}\n';
  const good = '{"logical_key": "a", "physical_keys": ["s3://b/a"], "size": 1, "hash": {"type": "SHA256", "value": "ab"}, "meta": {}}\n';
  const cases: Array<[string | Buffer, RegExp]> = [
    ['', /line 1: the manifest is empty/],
    ['[1]\n', /line 1: not a JSON object/],
    ['{"version": "v1"}\n', /line 1: manifest version "v1"/],
    [`${head}${good}{"logical_key": "b", "physical_keys": ["s3://b/b"], "size": 1}\n`, /line 3: entry "b" needs "hash"/],
    [`${head}${good}{"logical_key": "a", "physical_keys": ["s3://b/a"], "size": 1, "hash": {"type": "SHA256", "value": "ab"}}\n`, /line 3: logical key "a" already appeared on line 2/],
    [`${head}\n${good}`, /line 2: blank/],
    [`${head}{"logical_key": "a", "physical_keys": ["s3://b/a"], "size": 1.5, "hash": {"type": "SHA256", "value": "ab"}}\n`, /line 2: entry "a" needs "size"/],
    [`${head}{"logical_key": "a/../b", "physical_keys": ["s3://b/a"], "size": 1, "hash": {"type": "SHA256", "value": "ab"}}\n`, /line 2: logical key "a\/..\/b" is not allowed/],
    [`${head}{"logical_key": "a", "size": 1}\n`, /line 2: entry "a" has no "physical_keys"/],
    [`${head}{"logical_key": 1}\n`, /line 2: no string "logical_key"/],
    [`${head}{not json\n`, /line 2: not valid JSON/],
    [Buffer.concat([Buffer.from(head), Buffer.from([0x7b, 0xff, 0x7d, 0x0a])]), /line 2: not valid UTF-8/],
  ];
  for (const [input, message] of cases) {
    assert.throws(() => readManifest(input), (error: unknown) => {
      assert.equal((error as { code?: string }).code === 'quilt_bad_manifest' || (error as { code?: string }).code === 'quilt_bad_logical_key', true);
      assert.match((error as Error).message, message);
      return true;
    });
  }
});
