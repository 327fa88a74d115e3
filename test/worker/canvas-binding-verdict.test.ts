import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { isBenchlingId } from '../../src/benchling/benchling-id.ts';
import { bindingOf, thisAppId } from '../../src/worker/canvas-binding.ts';
import { realId, refusedId } from '../support/id-arbitraries.ts';

const id = realId.filter((value) => value.length <= 200);
const maybeId = fc.oneof(id, refusedId, fc.constant(undefined));

test('a canvas binds only when its record names this app and an entry, by ids; the binding is what the record says', () => {
  fc.assert(
    fc.property(maybeId, maybeId, maybeId, fc.option(id, { nil: undefined }), (canvasId, owner, resourceId, appId) => {
      // The owner is often this app, so that the other conditions are reached.
      const app = owner === undefined ? undefined : { id: owner.length % 2 === 0 && appId !== undefined ? appId : owner };
      const record = { id: canvasId ?? '', app, resourceId };
      const verdict = bindingOf(record, appId);
      const expected = appId !== undefined && app?.id === appId && isBenchlingId(canvasId) && isBenchlingId(resourceId);
      assert.equal(verdict.ok, expected, JSON.stringify({ record, appId }));
      if (verdict.ok) assert.deepEqual(verdict.binding, { canvasId, entryId: resourceId, appId });
      // Only "this app's id is not known yet" is worth another look later: every other refusal is final.
      else assert.equal(verdict.final, !(appId === undefined && isBenchlingId(canvasId)));
    }),
    { numRuns: 3_000 },
  );
});

test("this app's id: the first candidate that is an id", () => {
  assert.equal(thisAppId(undefined, 'app_1', 'app_2'), 'app_1');
  assert.equal(thisAppId('..', 'app_2'), 'app_2');
  assert.equal(thisAppId(undefined, undefined), undefined);
});
