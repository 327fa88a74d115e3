import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { parse } from 'yaml';
import { CANVAS_TYPES, ENTRY_TYPES, MessageType, classifyMessage } from '../../src/benchling/webhook-envelope.ts';
import { appManifest, CANVAS_FEATURE_ID, type WebhookVersion } from '../../src/canvas/manifest.ts';

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

const subscriptions = (version?: WebhookVersion) =>
  (parse(appManifest(info, version)) as { subscriptions: { messages: { type: string }[] } }).subscriptions.messages.map((m) => m.type);

test('subscriptions are exactly the canvas and entry types the service handles', () => {
  const types = subscriptions();
  assert.deepEqual(types, subscriptions('v2'), 'v2 is the default');
  assert.deepEqual(new Set(types), new Set([...CANVAS_TYPES, ...ENTRY_TYPES]));
  assert.equal(types.length, new Set(types).size);
  const handled = Object.values(MessageType).filter((type) => ['canvas', 'entry'].includes(classifyMessage(type)));
  assert.deepEqual(new Set([...types, ...subscriptions('v3')]), new Set(handled), 'every handled type is in one of the two manifests');
});

test('with v3 webhooks the app takes v3.entry.created in place of v2.entry.created, never both, and keeps the rest', () => {
  const v3 = subscriptions('v3');
  assert.ok(v3.includes(MessageType.entryCreatedV3));
  assert.ok(!v3.includes(MessageType.entryCreated), 'both would announce, and package, every new entry twice');
  assert.deepEqual(v3.filter((type) => type !== MessageType.entryCreatedV3), subscriptions('v2').filter((type) => type !== MessageType.entryCreated));
  for (const type of v3) assert.notEqual(classifyMessage(type), 'unknown', type);
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
