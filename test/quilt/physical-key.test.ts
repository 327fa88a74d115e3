import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { filePhysicalKey, formatPhysicalKey, parsePhysicalKey, s3PhysicalKey, type PhysicalKey } from '../../src/quilt/physical-key.ts';
import { pythonQuote } from '../../src/quilt/python-quote.ts';

test("the reference example: Python's quote, not encodeURIComponent", () => {
  assert.equal(s3PhysicalKey('bucket', "a b/!'()*~.txt"), "s3://bucket/a%20b/%21%27%28%29%2A~.txt");
  assert.equal(pythonQuote("a b/!'()*~.txt"), "/a%20b/%21%27%28%29%2A~.txt".slice(1));
});

test('version ids are quote_plus encoded and parsed back', () => {
  assert.equal(s3PhysicalKey('b', 'k', 'a b+c/d'), 's3://b/k?versionId=a+b%2Bc%2Fd');
  assert.deepEqual(parsePhysicalKey('s3://b/k?versionId=a+b%2Bc%2Fd'), { scheme: 's3', bucket: 'b', key: 'k', versionId: 'a b+c/d' });
  assert.deepEqual(parsePhysicalKey('s3://b/k?versionId='), { scheme: 's3', bucket: 'b', key: 'k' }, 'a blank value is no version');
  assert.equal(s3PhysicalKey('b', 'k', ''), 's3://b/k');
});

test('non-ASCII keys are UTF-8 percent-encoded with uppercase hex', () => {
  assert.equal(s3PhysicalKey('b', 'куилт/😀 #?%.txt'), 's3://b/%D0%BA%D1%83%D0%B8%D0%BB%D1%82/%F0%9F%98%80%20%23%3F%25.txt');
  assert.equal(filePhysicalKey('/home/dima/src/t4/api/python/tmp/a.txt'), 'file:///home/dima/src/t4/api/python/tmp/a.txt');
  assert.equal(filePhysicalKey('/tmp/reg istry/é'), 'file:///tmp/reg%20istry/%C3%A9');
});

const s3Key = fc.string({ unit: 'binary', minLength: 1, maxLength: 20 }).filter((k) => !k.startsWith('/'));
const physicalKey: fc.Arbitrary<PhysicalKey> = fc.oneof(
  fc.record(
    { scheme: fc.constant('s3' as const), bucket: fc.stringMatching(/^[a-z0-9][a-z0-9.-]{2,20}$/), key: s3Key, versionId: fc.string({ unit: 'binary', minLength: 1, maxLength: 12 }) },
    { requiredKeys: ['scheme', 'bucket', 'key'] },
  ),
  fc.record({ scheme: fc.constant('file' as const), path: fc.string({ unit: 'binary', maxLength: 20 }).map((p) => `/${p}`) }),
);

test('format and parse are inverse, and the URL holds only characters quote() emits', () => {
  fc.assert(
    fc.property(physicalKey, (key) => {
      const url = formatPhysicalKey(key);
      assert.match(url, /^(s3|file):\/\/[A-Za-z0-9_.\-~/%?=+]*$/);
      // fast-check records have a null prototype; compare a plain copy.
      assert.deepEqual(parsePhysicalKey(url), { ...key });
    }),
    { numRuns: 500 },
  );
});

test('parsing follows quilt3: localhost, file:/path, encoded slashes, and clear errors', () => {
  assert.deepEqual(parsePhysicalKey('file://localhost/tmp/a'), { scheme: 'file', path: '/tmp/a' });
  assert.deepEqual(parsePhysicalKey('file:/tmp/a%2Fb'), { scheme: 'file', path: '/tmp/a/b' });
  assert.deepEqual(parsePhysicalKey('S3://b/a%2Fb%zz'), { scheme: 's3', bucket: 'b', key: 'a/b%zz' });
  const bad: Array<[string, RegExp]> = [
    ['s3:///key', /names no bucket/],
    ['s3://bucket', /no object/],
    ['s3://bucket/', /no object/],
    ['s3://b/k?other=1', /unexpected query parameter "other"/],
    ['s3://b/k#frag', /fragment/],
    ['s3://b/a b', /spaces or control characters/],
    ['file://server/share', /only local files/],
    ['file:relative', /no absolute path/],
    ['file:///a?x=1', /query/],
    ['https://example.com/x', /neither an s3:\/\/ nor a file:\/\//],
  ];
  for (const [url, message] of bad) assert.throws(() => parsePhysicalKey(url), { code: 'quilt_bad_physical_key', message });
  assert.throws(() => s3PhysicalKey('b', '/abs'), { code: 'quilt_bad_physical_key' });
  assert.throws(() => s3PhysicalKey('bad/bucket', 'k'), { code: 'quilt_bad_physical_key' });
  assert.throws(() => filePhysicalKey('relative/path'), { code: 'quilt_bad_physical_key' });
  assert.throws(() => s3PhysicalKey('b', 'lone\ud800'), { code: 'quilt_bad_physical_key' });
});
