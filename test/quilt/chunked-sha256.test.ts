import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { test } from 'node:test';
import fc from 'fast-check';
import { ChunkedSha256, chunkedSha256 } from '../../src/quilt/chunked-sha256.ts';
import { ChunkedSha256Stream } from '../../src/quilt/hashing-stream.ts';

const MiB = 1024 * 1024;

/** Cuts bytes at the given offsets (sorted, deduplicated), as a stream might deliver them. */
function cut(bytes: Buffer, offsets: readonly number[]): Buffer[] {
  const points = [...new Set([0, ...offsets.map((o) => o % (bytes.length + 1)), bytes.length])].sort((a, b) => a - b);
  return points.slice(1).map((end, i) => bytes.subarray(points[i], end));
}

/** Chunk hashes done by hand, slicing the whole buffer: the reference the streaming class must match. */
function byHand(bytes: Buffer, chunkSize = 8 * MiB): string {
  const outer = createHash('sha256');
  for (let start = 0; start < bytes.length; start += chunkSize) {
    outer.update(createHash('sha256').update(bytes.subarray(start, start + chunkSize)).digest());
  }
  return outer.digest('base64');
}

test('streaming equals one-shot for random chunkings of small inputs', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 2000 }), fc.array(fc.nat(), { maxLength: 12 }), (array, offsets) => {
      const bytes = Buffer.from(array);
      const hasher = new ChunkedSha256(bytes.length);
      for (const part of cut(bytes, offsets)) hasher.update(part);
      assert.equal(hasher.digest(), chunkedSha256(bytes));
      assert.equal(hasher.digest(), byHand(bytes));
    }),
  );
});

test('streaming equals one-shot for random chunkings across 8 MiB chunk boundaries', () => {
  const bytes = randomBytes(16 * MiB + 12345);
  const expected = byHand(bytes);
  const boundary = fc.constantFrom(8 * MiB - 1, 8 * MiB, 8 * MiB + 1, 16 * MiB, 16 * MiB + 1);
  fc.assert(
    fc.property(fc.array(fc.oneof(boundary, fc.nat({ max: bytes.length })), { maxLength: 8 }), (offsets) => {
      const hasher = new ChunkedSha256(bytes.length);
      for (const part of cut(bytes, offsets)) hasher.update(part);
      assert.equal(hasher.digest(), expected);
    }),
    { numRuns: 25 },
  );
});

test('a stream shorter or longer than declared is an error, not a wrong hash', () => {
  const short = new ChunkedSha256(10).update(Buffer.alloc(9));
  assert.throws(() => short.digest(), { code: 'quilt_size_mismatch', message: /expected 10 bytes but the stream held 9/ });
  const long = new ChunkedSha256(10).update(Buffer.alloc(6));
  assert.throws(() => long.update(Buffer.alloc(5)), { code: 'quilt_size_mismatch', message: /at least 11/ });
  const done = new ChunkedSha256(0);
  assert.equal(done.digest(), done.digest(), 'digest() may be asked twice');
  assert.throws(() => done.update(Buffer.alloc(0)), { code: 'quilt_hash_finished' });
});

test('the pass-through stream forwards every byte and reports size and hash at the end', async () => {
  const bytes = randomBytes(9 * MiB + 7);
  const received: Buffer[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      received.push(chunk);
      callback();
    },
  });
  const hasher = new ChunkedSha256Stream(bytes.length);
  assert.throws(() => hasher.result(), { code: 'quilt_hash_unfinished' });
  await pipeline(Readable.from(cut(bytes, [1, 5 * MiB, 8 * MiB + 3])), hasher, sink);
  assert.ok(Buffer.concat(received).equals(bytes));
  assert.deepEqual(hasher.result(), { size: bytes.length, hash: { type: 'sha2-256-chunked', value: byHand(bytes) } });
});

test('the pass-through stream fails the pipeline when the size is wrong', async () => {
  const sink = new Writable({ write: (_chunk, _encoding, callback) => callback() });
  await assert.rejects(pipeline(Readable.from([Buffer.alloc(5)]), new ChunkedSha256Stream(6), sink), { code: 'quilt_size_mismatch' });
  const sink2 = new Writable({ write: (_chunk, _encoding, callback) => callback() });
  await assert.rejects(pipeline(Readable.from([Buffer.alloc(7)]), new ChunkedSha256Stream(6), sink2), { code: 'quilt_size_mismatch' });
});
