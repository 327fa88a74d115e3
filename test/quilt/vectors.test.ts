import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { checksumChunkSize, chunkedSha256 } from '../../src/quilt/chunked-sha256.ts';
import { readManifest } from '../../src/quilt/manifest-reader.ts';
import { topHash } from '../../src/quilt/top-hash.ts';

const VECTOR = new URL('./vectors/top_hash_test_manifest.jsonl', import.meta.url);
const MiB = 1024 * 1024;

test("quilt's test manifest has quilt's top hash", () => {
  const manifest = readManifest(readFileSync(VECTOR));
  assert.equal(topHash(manifest), '3426a3f721e41a1d83174c691432a39ff13720426267fc799dccf3583153e850');
  assert.deepEqual(manifest.meta, { version: 'v0' }, 'the legacy top_hash key is dropped');
  assert.deepEqual(
    manifest.entries.map((e) => e.logicalKey),
    ['куилт.txt', 'b/x.json'],
    'entries keep file order; the top hash puts b/x.json first itself',
  );
});

test('sha2-256-chunked of the empty file and of the 25-byte text', () => {
  assert.equal(chunkedSha256(Buffer.alloc(0)), '47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=');
  assert.equal(chunkedSha256(Buffer.from('# This is a test package\n')), 'JvRxeMunq4eK7c1I8s4YNg2ajaE9BtNEg/0pdpEGv58=');
});

test('sha2-256-chunked of 17 MiB is the hash of three chunk hashes (8 + 8 + 1 MiB)', () => {
  const bytes = Buffer.alloc(17 * MiB);
  for (let i = 0; i < bytes.length; i += 4096) bytes.writeUInt32BE(i, i);
  const sha = (part: Buffer) => createHash('sha256').update(part).digest();
  const chunks = [bytes.subarray(0, 8 * MiB), bytes.subarray(8 * MiB, 16 * MiB), bytes.subarray(16 * MiB)];
  const expected = createHash('sha256').update(Buffer.concat(chunks.map(sha))).digest('base64');
  assert.equal(chunkedSha256(bytes), expected);
  const exactlyOneChunk = bytes.subarray(0, 8 * MiB);
  assert.equal(chunkedSha256(exactlyOneChunk), createHash('sha256').update(sha(exactlyOneChunk)).digest('base64'));
});

test('the chunk size doubles only past 10,000 chunks of the current size', () => {
  assert.equal(checksumChunkSize(0), 8 * MiB);
  assert.equal(checksumChunkSize(10_000 * 8 * MiB), 8 * MiB);
  assert.equal(checksumChunkSize(10_000 * 8 * MiB + 1), 16 * MiB);
  assert.equal(checksumChunkSize(10_000 * 16 * MiB), 16 * MiB);
  assert.equal(checksumChunkSize(10_000 * 16 * MiB + 1), 32 * MiB);
  assert.throws(() => checksumChunkSize(-1), { code: 'quilt_bad_size' });
  assert.throws(() => checksumChunkSize(1.5), { code: 'quilt_bad_size' });
});
