import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeButtonId } from '../../src/canvas/button-id.ts';
import { CANVAS_PROBLEMS, errorView } from '../../src/canvas/error-view.ts';
import { parseCanvasState } from '../../src/canvas/state.ts';
import { buttonsOf, ENTRY_ID, layout, markdownOf, state } from './fixtures.ts';

test('every problem says what failed and what to do, with Update and Back', () => {
  for (const problem of CANVAS_PROBLEMS) {
    const view = errorView({ entryId: ENTRY_ID, state, problem });
    assert.deepEqual(layout(view), ['MARKDOWN:error', 'SECTION:error-buttons']);
    const md = markdownOf(view);
    assert.match(md, /^## ⚠️ \S.*\n\nEntry EXP00001234\n\n\S.*\n\n\*\*What to do:\*\* \S/, problem);
    assert.deepEqual(
      buttonsOf(view).map((b) => [b.text, b.enabled, decodeButtonId(b.id)]),
      [
        ['Update package', true, { ok: true, button: { action: 'update', entryId: ENTRY_ID } }],
        ['Back to entry', true, { ok: true, button: { action: 'back', entryId: ENTRY_ID } }],
      ],
    );
    assert.deepEqual(parseCanvasState(view.data), { ...state, linkedOmitted: 0 });
  }
});

test('without a known state: Update only, and the data field is cleared', () => {
  const view = errorView({ entryId: ENTRY_ID, problem: 'state-missing' });
  assert.deepEqual(buttonsOf(view).map((b) => b.text), ['Update package']);
  assert.equal(view.data, null);
  assert.ok(!markdownOf(view).includes('Entry '));
});

test('a reference is shown only when it looks like an id; configuration advice names the check command', () => {
  assert.ok(markdownOf(errorView({ entryId: ENTRY_ID, problem: 'internal', reference: 'job_42-a' })).endsWith('*Reference: job\\_42\\-a*'));
  const leaky = markdownOf(errorView({ entryId: ENTRY_ID, problem: 'internal', reference: 'Error: secret=hunter2 at /app/x.ts:1' }));
  assert.ok(!leaky.includes('hunter2') && !leaky.includes('Reference'));
  assert.ok(markdownOf(errorView({ entryId: ENTRY_ID, problem: 'configuration' })).includes('`benchling-webhook validate`'));
});
