import assert from 'node:assert/strict';
import { test } from 'node:test';
import { partSizeFor } from '../../src/storage/part-size.ts';

// Physical keys are Quilt's (src/quilt/physical-key.ts, tested in test/quilt); the stores only use them.
test("multipart parts follow Quilt's chunk size: 8 MiB, doubled while there would be over 10,000 parts", () => {
  const MiB = 1024 * 1024;
  assert.equal(partSizeFor(), 8 * MiB);
  assert.equal(partSizeFor(0), 8 * MiB);
  assert.equal(partSizeFor(10_000 * 8 * MiB), 8 * MiB);
  assert.equal(partSizeFor(10_000 * 8 * MiB + 1), 16 * MiB);
  assert.equal(partSizeFor(10_000 * 32 * MiB + 1), 64 * MiB);
});
