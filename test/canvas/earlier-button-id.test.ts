import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { FILES_PER_PAGE } from '../../src/canvas/browse-view.ts';
import { decodeButtonId, MAX_BUTTON_PAGE, type ButtonAction } from '../../src/canvas/button-id.ts';
import { decodeEarlierButtonId, earlierLinkedEncoding, takeOverEarlierButton, type EarlierButton } from '../../src/canvas/earlier-button-id.ts';
import { packageName } from './arbitraries.ts';

/** Entry ids as Benchling makes them (`etr_` and base62), with the odd dashed one the id shape allows. */
const entryId = fc.oneof(
  fc.stringMatching(/^etr_[A-Za-z0-9]{6,12}$/),
  fc.uuid(),
  fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9_-]{0,30}$/).filter((id) => !id.includes('-pkg-')),
);
const dashFree = fc.stringMatching(/^etr_[A-Za-z0-9]{6,12}$/);
const page = fc.integer({ min: 0, max: 500 });
const pageSize = fc.integer({ min: 1, max: 100 });
const pagedPrefix = fc.constantFrom('browse-files-', 'next-page-', 'prev-page-');
const linkedPagedPrefix = fc.constantFrom('browse-linked-', 'next-page-linked-', 'prev-page-linked-');

const decodeAndTakeOver = (id: string, known: readonly string[]): ButtonAction | undefined => {
  const decoded = decodeEarlierButtonId(id);
  return decoded.ok ? takeOverEarlierButton(decoded.button, known) : undefined;
};

const expectedPage = (n: number, size: number) => Math.min(MAX_BUTTON_PAGE, Math.floor((n * size) / FILES_PER_PAGE));

test('browse, next and previous page ids open our browser of the entry’s package at the page showing the same files', () => {
  fc.assert(
    fc.property(pagedPrefix, entryId, page, pageSize, (prefix, eid, n, size) => {
      assert.deepEqual(decodeAndTakeOver(`${prefix}${eid}-p${n}-s${size}`, []), { action: 'browse', entryId: eid, page: expectedPage(n, size) });
    }),
    { numRuns: 2_000 },
  );
  // The earlier app's page size equals ours: its page n is our page n.
  assert.deepEqual(decodeAndTakeOver('browse-files-etr_AbC123-p2-s15', []), { action: 'browse', entryId: 'etr_AbC123', page: 2 });
});

test('update, back and metadata ids become our update, main and metadata actions', () => {
  fc.assert(
    fc.property(entryId, page, pageSize, (eid, n, size) => {
      assert.deepEqual(decodeAndTakeOver(`update-package-${eid}`, []), { action: 'update', entryId: eid });
      assert.deepEqual(decodeAndTakeOver(`back-to-package-${eid}`, []), { action: 'back', entryId: eid });
      assert.deepEqual(decodeAndTakeOver(`view-metadata-${eid}-p${n}-s${size}`, []), { action: 'metadata', entryId: eid });
    }),
    { numRuns: 1_000 },
  );
});

test('linked ids open the linked package when it is one we know, even with `--`, `-p` or `-pkg-` in its name', () => {
  fc.assert(
    fc.property(linkedPagedPrefix, entryId, packageName, fc.array(packageName, { maxLength: 4 }), page, pageSize, (prefix, eid, name, others, n, size) => {
      const known = [...others.filter((o) => earlierLinkedEncoding(o) !== earlierLinkedEncoding(name)), name];
      const enc = earlierLinkedEncoding(name);
      assert.deepEqual(decodeAndTakeOver(`${prefix}${eid}-pkg-${enc}-p${n}-s${size}`, known), {
        action: 'browse',
        entryId: eid,
        packageName: name,
        page: expectedPage(n, size),
      });
      assert.deepEqual(decodeAndTakeOver(`view-metadata-linked-${eid}-pkg-${enc}-p${n}-s${size}`, known), { action: 'metadata', entryId: eid, packageName: name });
    }),
    { numRuns: 2_000 },
  );
});

test('a linked package we do not know, or one two known names both fit, gives the entry’s main view', () => {
  fc.assert(
    fc.property(entryId, packageName, fc.array(packageName, { maxLength: 4 }), page, (eid, name, others, n) => {
      const enc = earlierLinkedEncoding(name);
      const unknown = others.filter((o) => earlierLinkedEncoding(o) !== enc);
      assert.deepEqual(decodeAndTakeOver(`browse-linked-${eid}-pkg-${enc}-p${n}-s15`, unknown), { action: 'back', entryId: eid });
    }),
    { numRuns: 1_000 },
  );
  // `a/b--c` and `a/b/c` (were that a name) are written alike: the earlier encoding cannot tell them apart.
  assert.deepEqual(decodeAndTakeOver('browse-linked-etr_1-pkg-a--b--c-p0-s15', ['a/b--c', 'a--b/c']), { action: 'back', entryId: 'etr_1' });
  assert.deepEqual(decodeAndTakeOver('browse-linked-etr_1-pkg-a--b--c-p0-s15', ['a/b--c', 'x/y']), { action: 'browse', entryId: 'etr_1', packageName: 'a/b--c', page: 0 });
});

test('an earlier id whose rest cannot be read still names its entry: the main view of it', () => {
  const broken = fc.constantFrom('', '-p', '-pX-s15', '-p1', '-p1-s', '-garbage', '-pkg-', '-p1-sx');
  const prefix = fc.constantFrom('browse-files-', 'next-page-', 'prev-page-', 'view-metadata-', 'browse-linked-', 'next-page-linked-', 'prev-page-linked-', 'view-metadata-linked-');
  fc.assert(
    fc.property(prefix, dashFree, broken, (p, eid, tail) => {
      assert.deepEqual(decodeAndTakeOver(`${p}${eid}${tail}`, ['a/b']), { action: 'back', entryId: eid });
    }),
    { numRuns: 500 },
  );
});

test('ids with no entry id to read, or no earlier prefix, are not earlier ids; ours never are', () => {
  for (const id of ['update-package-', 'back-to-package-', 'browse-files-', 'browse-files--p0-s15', 'q1.u.ZXRyXzE', 'launch-etr_1', 'Browse-files-etr_1-p0-s15', '', 42, null, undefined]) {
    assert.deepEqual(decodeEarlierButtonId(id), { ok: false }, String(id));
  }
});

test('random strings and prefixed noise never throw, and what decodes has a non-empty entry id', () => {
  const prefixed = fc.tuple(fc.constantFrom('browse-files-', 'browse-linked-', 'next-page-linked-', 'update-package-', 'view-metadata-', 'x'), fc.string({ unit: 'binary', maxLength: 80 }));
  fc.assert(
    fc.property(fc.oneof(fc.string({ unit: 'binary', maxLength: 120 }), prefixed.map(([p, s]) => p + s)), fc.array(packageName, { maxLength: 3 }), (id, known) => {
      const decoded = decodeEarlierButtonId(id);
      if (!decoded.ok) return;
      assert.ok(decoded.button.entryId.length > 0);
      const action = takeOverEarlierButton(decoded.button, known);
      assert.equal(action.entryId, decoded.button.entryId);
      if (action.action === 'browse') assert.ok(Number.isInteger(action.page) && action.page >= 0 && action.page <= MAX_BUTTON_PAGE);
      assert.equal(decodeButtonId(id).ok, false, 'an earlier id is never one of ours');
    }),
    { numRuns: 3_000 },
  );
});

test('the decoded button keeps the earlier page and size as written', () => {
  const expected: EarlierButton = { action: 'browse', entryId: 'etr_1', page: 7, pageSize: 10, linked: 'lab--x-p3-s4' };
  assert.deepEqual(decodeEarlierButtonId('next-page-linked-etr_1-pkg-lab--x-p3-s4-p7-s10'), { ok: true, button: expected });
});
