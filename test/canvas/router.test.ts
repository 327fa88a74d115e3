import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { decodeButtonId, encodeButtonId, type ButtonAction } from '../../src/canvas/button-id.ts';
import { mainView, updatingView } from '../../src/canvas/entry-view.ts';
import { errorView, type CanvasProblem } from '../../src/canvas/error-view.ts';
import { viewForButton, type ButtonRoute, type CanvasSnapshot } from '../../src/canvas/router.ts';
import { encodeCanvasState } from '../../src/canvas/state.ts';
import { ctx, ENTRY_ID, PACKAGE, state, unpackaged } from './fixtures.ts';

const canvas: CanvasSnapshot = { resourceId: ENTRY_ID, data: encodeCanvasState(state) };
const click = (button: ButtonAction, snapshot: CanvasSnapshot = canvas) => viewForButton(decodeButtonId(encodeButtonId(button)), snapshot, ctx);
const parsedState = { ...state, linkedOmitted: 0 };
const shows = (problem: CanvasProblem, withState = true): ButtonRoute => ({
  kind: 'render',
  view: errorView(withState ? { entryId: ENTRY_ID, state: parsedState, problem } : { entryId: ENTRY_ID, problem }),
});

test('browse and metadata name the package to read; back renders the main view from the state', () => {
  assert.deepEqual(click({ action: 'browse', entryId: ENTRY_ID, page: 2 }), { kind: 'browse', state: parsedState, packageName: PACKAGE, page: 2 });
  assert.deepEqual(click({ action: 'metadata', entryId: ENTRY_ID }), { kind: 'metadata', state: parsedState, packageName: PACKAGE });
  assert.deepEqual(click({ action: 'browse', entryId: ENTRY_ID, packageName: 'team/assay-7', page: 0 }), {
    kind: 'browse',
    state: parsedState,
    packageName: 'team/assay-7',
    page: 0,
  });
  assert.deepEqual(click({ action: 'back', entryId: ENTRY_ID }), { kind: 'render', view: mainView(ctx, parsedState) });
});

test('update re-queues the entry and shows the Updating view at once, even without state', () => {
  assert.deepEqual(click({ action: 'update', entryId: ENTRY_ID }), { kind: 'requeue', entryId: ENTRY_ID, view: updatingView(ctx, parsedState) });
  const bare = click({ action: 'update', entryId: ENTRY_ID }, { resourceId: ENTRY_ID, data: null });
  assert.equal(bare.kind, 'requeue');
  assert.ok(bare.kind === 'requeue' && bare.view.blocks[0]?.type === 'MARKDOWN' && bare.view.blocks[0].value.startsWith('## etr\\_Ab12Cd34'));
  assert.ok(bare.kind === 'requeue' && bare.view.data === null);
});

test('unknown and malformed ids show the error view and never re-queue', () => {
  for (const id of ['update-package-etr_Ab12Cd34', 'browse-files-etr_Ab12Cd34-p0-s15', 'q2.u.ZXRy', 'q1.u', '']) {
    assert.deepEqual(viewForButton(decodeButtonId(id), canvas, ctx), shows('button-unknown'), id);
  }
  fc.assert(
    fc.property(fc.string({ unit: 'binary', maxLength: 60 }), (id) => {
      fc.pre(!id.startsWith('q1.'));
      assert.equal(viewForButton(decodeButtonId(id), canvas, ctx).kind, 'render');
    }),
  );
});

test('a button of another entry, a linked package the state does not list, a missing package or state', () => {
  assert.deepEqual(click({ action: 'update', entryId: 'etr_other' }), shows('button-other-entry'));
  assert.deepEqual(click({ action: 'browse', entryId: ENTRY_ID, packageName: 'someone/else', page: 0 }), shows('button-unknown'));
  const fresh = { resourceId: ENTRY_ID, data: encodeCanvasState(unpackaged) };
  const missing = click({ action: 'metadata', entryId: ENTRY_ID }, fresh);
  assert.deepEqual(missing, { kind: 'render', view: errorView({ entryId: ENTRY_ID, state: { ...unpackaged, linkedOmitted: 0 }, problem: 'package-missing' }) });
  for (const data of [null, '{"garbage":true}', encodeCanvasState({ ...state, entry: { ...state.entry, id: 'etr_other' } })]) {
    assert.deepEqual(click({ action: 'back', entryId: ENTRY_ID }, { resourceId: ENTRY_ID, data }), shows('state-missing', false));
  }
});
