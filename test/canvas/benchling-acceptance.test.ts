import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { CanvasUpdateSchema } from '../../src/sandbox/canvas-schema.ts';
import { benchlingSpec } from '../support/openapi-spec.ts';
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

test("every view of any world is a canvas create and update body Benchling's published spec allows", () => {
  const spec = benchlingSpec();
  const update = spec.component('AppCanvasUpdate');
  const create = spec.component('AppCanvasCreate');
  fc.assert(
    fc.property(world, (w) => {
      for (const view of views(w)) {
        // As the worker sends them: a PATCH redraws, a POST creates the canvas an entry was given.
        assert.deepEqual(spec.violations(update, { blocks: view.blocks, data: view.data, enabled: true }), []);
        assert.deepEqual(spec.violations(create, { appId: 'app_1', featureId: 'quilt_entry', resourceId: w.entryId, blocks: view.blocks, data: view.data }), []);
      }
    }),
    { seed: 17, numRuns: 200 },
  );
});
