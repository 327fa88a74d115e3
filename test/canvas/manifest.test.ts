import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { parse } from 'yaml';
import { CANVAS_TYPES, ENTRY_TYPES, MessageType, classifyMessage } from '../../src/benchling/webhook-envelope.ts';
import { appManifest, CANVAS_FEATURE_ID } from '../../src/canvas/manifest.ts';

const info = { name: 'Quilt Packager', version: '0.1.0', description: 'Packages notebook entries as Quilt packages.' };

test('the manifest parses back to the documented shape', () => {
  assert.deepEqual(parse(appManifest(info)), {
    manifestVersion: 1,
    info,
    features: [{ name: 'Quilt package', id: 'quilt_entry', type: 'CANVAS' }],
    subscriptions: {
      deliveryMethod: 'WEBHOOK',
      messages: [
        { type: 'v2.canvas.initialized' },
        { type: 'v2.canvas.created' },
        { type: 'v2.canvas.userInteracted' },
        { type: 'v2.entry.created' },
        { type: 'v2.entry.updated.fields' },
        { type: 'v2.entry.updated.reviewRecord' },
      ],
    },
  });
  assert.equal(CANVAS_FEATURE_ID, 'quilt_entry');
});

test('subscriptions are exactly the canvas and entry types the service handles', () => {
  const types = (parse(appManifest(info)) as { subscriptions: { messages: { type: string }[] } }).subscriptions.messages.map((m) => m.type);
  assert.deepEqual(new Set(types), new Set([...CANVAS_TYPES, ...ENTRY_TYPES]));
  assert.equal(types.length, new Set(types).size);
  const handled = Object.values(MessageType).filter((type) => ['canvas', 'entry'].includes(classifyMessage(type)));
  assert.deepEqual(new Set(types), new Set(handled));
});

test('no settings Benchling rejects or ignores, and any info text survives YAML quoting', () => {
  const text = appManifest(info);
  assert.ok(!/lifecycleManagement|webhookUrl|settings/.test(text));
  fc.assert(
    fc.property(fc.record({ name: fc.string(), version: fc.oneof(fc.constantFrom('1.0', '1.10', '0.1.0', 'yes', 'null'), fc.string()), description: fc.string() }), (any) => {
      assert.deepEqual((parse(appManifest(any)) as { info: unknown }).info, { ...any });
    }),
    { numRuns: 200 },
  );
});
