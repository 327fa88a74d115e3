import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import type { CanvasState } from '../../src/canvas/inputs.ts';
import { MAX_LINKED_SHOWN } from '../../src/canvas/limits.ts';
import { CANVAS_DATA_LIMIT_BYTES, encodeCanvasState, parseCanvasState, visibleLinked } from '../../src/canvas/state.ts';
import { hostileString } from './arbitraries.ts';
import { state } from './fixtures.ts';

test('a normal state round-trips through the data field', () => {
  assert.deepEqual(parseCanvasState(encodeCanvasState(state)), { ...state, linkedOmitted: 0 });
  const bare: CanvasState = { entry: { id: 'etr_1', displayId: '', name: '' }, linked: [] };
  assert.deepEqual(parseCanvasState(encodeCanvasState(bare)), { ...bare, linkedOmitted: 0 });
});

const longText = (max: number) => fc.oneof(hostileString, fc.string({ unit: 'grapheme', maxLength: max }), fc.string({ unit: 'binary', maxLength: max }));

const bigState: fc.Arbitrary<CanvasState> = fc.record({
  entry: fc.record({ id: fc.stringMatching(/^etr_[A-Za-z0-9]{4,40}$/), displayId: longText(3_000), name: longText(20_000) }),
  package: fc.option(fc.record({ name: longText(400), topHash: fc.stringMatching(/^[0-9a-f]{64}$/), updatedAt: fc.constant('2025-01-01T00:00:00Z') }), { nil: undefined }),
  linked: fc.array(fc.oneof(longText(300), fc.stringMatching(/^[a-z]{1,20}\/[a-z0-9-]{1,40}$/)), { maxLength: 400 }),
  linkedOmitted: fc.option(fc.nat(1_000_000), { nil: undefined }),
});

test('data stays under 5 KB for very long names and many linked packages, and still parses', () => {
  fc.assert(
    fc.property(bigState, (input) => {
      const data = encodeCanvasState(input);
      assert.ok(Buffer.byteLength(data) < CANVAS_DATA_LIMIT_BYTES, `${Buffer.byteLength(data)} bytes`);
      const parsed = parseCanvasState(data);
      assert.ok(parsed !== undefined);
      assert.equal(parsed.entry.id, input.entry.id);
      // Linked names are kept whole, in order, and every dropped one is counted.
      const visible = visibleLinked(input.linked);
      assert.deepEqual(parsed.linked, visible.slice(0, parsed.linked.length));
      assert.ok(parsed.linked.length <= MAX_LINKED_SHOWN);
      assert.equal(parsed.linked.length + parsed.linkedOmitted!, visible.length + (input.linkedOmitted ?? 0));
      // A package is kept whole or not at all.
      if (parsed.package !== undefined) assert.deepEqual(parsed.package, { ...input.package });
    }),
    { numRuns: 300 },
  );
});

test('the worst case: many 1 KB linked names, a 1 MB entry name', () => {
  const linked = Array.from({ length: 200 }, (_, i) => `team/${String(i).padStart(3, '0')}-${'x'.repeat(1_000)}`);
  const huge: CanvasState = { ...state, entry: { ...state.entry, name: 'n'.repeat(1_000_000) }, linked };
  const data = encodeCanvasState(huge);
  assert.ok(Buffer.byteLength(data) < CANVAS_DATA_LIMIT_BYTES);
  const parsed = parseCanvasState(data);
  assert.equal(parsed?.package?.name, state.package?.name);
  assert.equal(parsed!.linked.length + parsed!.linkedOmitted!, 200);
  assert.ok(parsed!.entry.name.endsWith('…'));
});

test('ids too long to keep degrade to "no state" instead of failing', () => {
  const absurd: CanvasState = { ...state, package: { ...state.package!, name: 'p'.repeat(6_000) } };
  const withoutPackage = parseCanvasState(encodeCanvasState(absurd));
  assert.equal(withoutPackage?.package, undefined);
  assert.equal(withoutPackage?.entry.id, state.entry.id);
  const noEntry: CanvasState = { ...state, entry: { ...state.entry, id: 'e'.repeat(6_000) } };
  const data = encodeCanvasState(noEntry);
  assert.ok(Buffer.byteLength(data) < CANVAS_DATA_LIMIT_BYTES);
  assert.equal(parseCanvasState(data), undefined);
});

test('foreign, corrupt or missing data parses as no state, never throws', () => {
  for (const data of [null, undefined, '', 'null', '{', '[]', '{"v":2}', '{"v":1}', JSON.stringify({ v: 1, entry: { id: '' }, linked: [] })]) {
    assert.equal(parseCanvasState(data), undefined, String(data));
  }
  fc.assert(
    fc.property(fc.oneof(fc.string({ unit: 'binary' }), fc.jsonValue().map((v) => JSON.stringify(v))), (data) => {
      parseCanvasState(data);
    }),
    { numRuns: 2_000 },
  );
});
