import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { CanvasUpdateSchema } from '../../src/sandbox/canvas-schema.ts';
import { buttonsOf } from './fixtures.ts';
import { views, world } from './worlds.ts';

test('every view of any world is a canvas PATCH the sandbox tenant accepts, with unique block ids', () => {
  fc.assert(
    fc.property(world, (w) => {
      for (const view of views(w)) {
        const body = { blocks: view.blocks, data: view.data, enabled: true };
        const parsed = CanvasUpdateSchema.safeParse(body);
        assert.ok(parsed.success, JSON.stringify(parsed.error?.issues[0]));
        const ids = [...view.blocks.map((b) => b.id), ...buttonsOf(view).map((b) => b.id)];
        assert.equal(new Set(ids).size, ids.length, ids.join(' '));
      }
    }),
    { numRuns: 200 },
  );
});
