import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { test } from 'node:test';
import fc from 'fast-check';
import { MAX_BENCHLING_ID_LENGTH, benchlingIdSchema, isBenchlingId, quoteRefusedId } from '../../src/benchling/benchling-id.ts';
import { benchlingId } from '../../src/sandbox/ids.ts';
import { DOCUMENTED_IDS, realId, refusedId } from '../support/id-arbitraries.ts';

test('real Benchling ids pass: every documented example, the sandbox generator, UUIDs, base64 task ids', () => {
  for (const id of DOCUMENTED_IDS) assert.ok(isBenchlingId(id), id);
  for (const p of ['etr', 'cnvs', 'app', 'appdef', 'ten', 'evt', 'bfi', 'seq', 'exfl', 'lib', 'ts', 'ent', 'msg']) {
    for (let i = 0; i < 50; i++) assert.ok(isBenchlingId(benchlingId(p, 8 + (i % 20))), p);
  }
  for (let i = 0; i < 200; i++) assert.ok(isBenchlingId(randomUUID()));
  fc.assert(
    fc.property(realId, (id) => {
      fc.pre(id.length <= MAX_BENCHLING_ID_LENGTH);
      assert.ok(isBenchlingId(id), id);
      assert.ok(benchlingIdSchema.safeParse(id).success);
    }),
    { numRuns: 2_000 },
  );
});

test('anything that is not one is refused: dot segments, slashes, escapes, query, fragment, whitespace, empty, overlong', () => {
  fc.assert(
    fc.property(refusedId, (id) => {
      assert.equal(isBenchlingId(id), false, JSON.stringify(id));
      const parsed = benchlingIdSchema.safeParse(id);
      assert.equal(parsed.success, false);
      assert.ok(!parsed.success && /not a Benchling id/.test(parsed.error.issues[0]!.message));
    }),
    { numRuns: 3_000 },
  );
  for (const notText of [undefined, null, 42, ['etr_1'], { id: 'etr_1' }]) assert.equal(isBenchlingId(notText), false);
});

test('an id that passes is exactly one path segment: the URL parser keeps it, unchanged, under its collection', () => {
  fc.assert(
    fc.property(fc.oneof(realId, fc.string({ maxLength: 40 }), refusedId), (id) => {
      fc.pre(isBenchlingId(id));
      const url = new URL(`https://acme.benchling.com/api/v2/entries/${id}`);
      assert.equal(url.pathname, `/api/v2/entries/${id}`);
      assert.equal(url.pathname.split('/').length, 5);
      assert.equal(url.search + url.hash, '');
    }),
    { numRuns: 3_000 },
  );
});

test('a refused id is quoted short and escaped, so it cannot forge or flood a log line', () => {
  assert.equal(quoteRefusedId('..'), '".."');
  assert.equal(quoteRefusedId('a\nb'), '"a\\nb"');
  const long = quoteRefusedId('x'.repeat(10_000));
  assert.ok(long.length < 50, long);
});
