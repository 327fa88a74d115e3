import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import {
  decodeButtonId,
  encodeButtonId,
  fitsButtonField,
  MAX_BUTTON_PAGE,
  tryEncodeButtonId,
  type ButtonAction,
} from '../../src/canvas/button-id.ts';
import { buttonAction, entryId, packageName } from './arbitraries.ts';

test('every action round-trips through its id, for any entry id and package name', () => {
  fc.assert(
    fc.property(buttonAction, (button) => {
      const id = encodeButtonId(button);
      // fast-check records have a null prototype; the decoder returns plain objects.
      assert.deepEqual(decodeButtonId(id), { ok: true, button: { ...button } });
    }),
    { numRuns: 3_000 },
  );
});

test('different actions never share an id', () => {
  fc.assert(
    fc.property(buttonAction, buttonAction, (a, b) => {
      if (encodeButtonId(a) === encodeButtonId(b)) assert.deepEqual({ ...a }, { ...b });
    }),
    { numRuns: 3_000 },
  );
});

test('names that broke upstream decoding stay exact: `--`, `-p`, `/`, `.`, unicode', () => {
  const names = ['a--b/c--d', 'team/x-p0-s15', 'benchling/EXP-1--p2', 'ünï/cödé', 'a.b/c.d', '测试/数据_1', 'x/y'.repeat(40)];
  for (const name of names) {
    for (const button of [
      { action: 'browse', entryId: 'etr_1--p0', packageName: name, page: 3 },
      { action: 'metadata', entryId: 'etr_1', packageName: name },
    ] satisfies ButtonAction[]) {
      assert.deepEqual(decodeButtonId(encodeButtonId(button)), { ok: true, button });
    }
  }
});

test('ids are short: a typical linked-package browse id is under 64 characters', () => {
  const id = encodeButtonId({ action: 'browse', entryId: 'etr_Ab12Cd34', packageName: 'benchling/EXP00001234', page: 12 });
  assert.ok(id.length < 64, id);
  assert.match(id, /^q1\.b\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.12$/);
  assert.equal(encodeButtonId({ action: 'update', entryId: 'etr_Ab12Cd34' }), 'q1.u.ZXRyX0FiMTJDZDM0');
});

test('anything that decodes is exactly what the encoder makes of the decoded action', () => {
  const segment = fc.oneof(
    fc.stringMatching(/^[A-Za-z0-9_=+/-]{0,12}$/),
    fc.string({ unit: 'binary', maxLength: 8 }).map((text) => Buffer.from(text).toString('base64url')),
    fc.uint8Array({ maxLength: 8 }).map((bytes) => Buffer.from(bytes).toString('base64url')),
    fc.constantFrom('0', '1', '01', '-1', '99999', '100000', ''),
  );
  const near = fc
    .tuple(fc.constantFrom('q1', 'q2', 'Q1', 'q1 ', ''), fc.constantFrom('b', 'm', 'h', 'u', 'x', 'B', ''), fc.array(segment, { maxLength: 4 }))
    .map(([version, letter, rest]) => [version, letter, ...rest].join('.'));
  let decoded = 0;
  fc.assert(
    fc.property(fc.oneof(near, fc.string({ unit: 'binary', maxLength: 80 })), (id) => {
      const result = decodeButtonId(id);
      if (result.ok) {
        decoded += 1;
        assert.equal(encodeButtonId(result.button), id);
      }
    }),
    { numRuns: 10_000 },
  );
  assert.ok(decoded > 0, 'the generator should reach some valid ids');
});

test('garbage never decodes to an action, and decoding never throws', () => {
  fc.assert(
    fc.property(fc.string({ unit: 'binary', maxLength: 120 }), (id) => {
      fc.pre(!id.startsWith('q1.'));
      assert.equal(decodeButtonId(id).ok, false);
    }),
    { numRuns: 5_000 },
  );
  for (const value of [undefined, null, 42, {}, ['q1.u.ZXRy']]) assert.deepEqual(decodeButtonId(value), { ok: false, error: 'malformed' });
});

test('each kind of bad id has its own error', () => {
  const e = Buffer.from('etr_1').toString('base64url');
  const cases: [string, string][] = [
    ['browse-files-etr_1-p0-s15', 'not-ours'],
    ['update-package-etr_1', 'not-ours'],
    ['', 'not-ours'],
    [`q2.u.${e}`, 'unknown-version'],
    [`q1.x.${e}`, 'unknown-action'],
    ['q1', 'malformed'],
    ['q1.u', 'malformed'],
    [`q1.u.${e}.0`, 'malformed'],
    [`q1.h.${e}.${e}`, 'malformed'],
    [`q1.b.${e}`, 'malformed'],
    [`q1.b.${e}.01`, 'malformed'],
    [`q1.b.${e}.-1`, 'malformed'],
    [`q1.b.${e}.${MAX_BUTTON_PAGE + 1}`, 'malformed'],
    [`q1.b.${e}.${e}.${e}.0`, 'malformed'],
    [`q1.m.${e}.${e}.${e}`, 'malformed'],
    [`q1.u.${e}=`, 'malformed'],
    ['q1.u.ZXRyX2', 'malformed'],
    ['q1.u._w', 'malformed'],
    [`q1.u.${e}.`, 'malformed'],
    [`q1..${e}`, 'unknown-action'],
    [`q1.u.${'QUFB'.repeat(100)}`, 'malformed'],
  ];
  for (const [id, error] of cases) assert.deepEqual(decodeButtonId(id), { ok: false, error }, id);
});

test('the encoder refuses what the decoder would refuse', () => {
  assert.equal(tryEncodeButtonId({ action: 'update', entryId: '' }), undefined);
  assert.equal(tryEncodeButtonId({ action: 'update', entryId: 'x'.repeat(257) }), undefined);
  assert.equal(tryEncodeButtonId({ action: 'update', entryId: 'a\ud800' }), undefined);
  assert.equal(tryEncodeButtonId({ action: 'browse', entryId: 'e', page: -1 }), undefined);
  assert.equal(tryEncodeButtonId({ action: 'browse', entryId: 'e', page: 1.5 }), undefined);
  assert.equal(tryEncodeButtonId({ action: 'metadata', entryId: 'e', packageName: '' }), undefined);
  assert.throws(() => encodeButtonId({ action: 'back', entryId: '' }), RangeError);
  fc.assert(
    fc.property(fc.oneof(entryId, packageName, fc.string({ unit: 'binary', maxLength: 300 })), (text) => {
      const id = tryEncodeButtonId({ action: 'back', entryId: text });
      assert.equal(id !== undefined, fitsButtonField(text));
    }),
  );
});
