import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { MessageType, classifyMessage, normaliseMessageType, parseEnvelope } from '../../src/benchling/webhook-envelope.ts';
import { realId, refusedId } from '../support/id-arbitraries.ts';

const envelope = (message: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  version: '0',
  baseURL: 'https://acme.benchling.com',
  tenantId: 'ten_abc',
  app: { id: 'app_123' },
  appDefinition: { id: 'appdef_456', versionNumber: '0.4.0' },
  channel: 'events',
  message: { deprecated: false, ...message },
  ...extra,
});
const bytes = (value: unknown) => Buffer.from(JSON.stringify(value));

const ENTRY = { type: MessageType.entryCreated, id: 'evt_1', createdAt: '2025-01-01T00:00:00Z', resourceId: 'etr_1', schema: null };
const REQUIRED_TOP = ['version', 'baseURL', 'tenantId', 'app', 'appDefinition', 'channel', 'message'] as const;

test('arbitrary bytes never throw, and what parses is a full envelope', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 400 }), (raw) => {
      const result = parseEnvelope(Buffer.from(raw));
      if (result.ok) for (const key of REQUIRED_TOP) assert.ok(key in result.envelope);
    }),
    { numRuns: 3_000 },
  );
});

test('JSON that is not an envelope gives ok:false and a message that does not quote the body', () => {
  const secret = 'S3CRET-VALUE-123';
  fc.assert(
    fc.property(fc.jsonValue(), (value) => {
      const result = parseEnvelope(bytes(value));
      assert.equal(result.ok, false);
      if (!result.ok) assert.ok(!result.message.includes(secret));
    }),
    { numRuns: 2_000 },
  );
  const withSecret = { ...envelope(ENTRY), baseURL: 42, tenantId: secret };
  const result = parseEnvelope(bytes(withSecret));
  assert.equal(result.ok, false);
  assert.ok(!result.ok && !result.message.includes(secret) && /baseURL/.test(result.message), JSON.stringify(result));
});

test('removing any required field from a valid envelope refuses it', () => {
  const valid = envelope(ENTRY);
  assert.equal(parseEnvelope(bytes(valid)).ok, true);
  for (const key of REQUIRED_TOP) {
    const { [key]: _removed, ...rest } = valid;
    assert.equal(parseEnvelope(bytes(rest)).ok, false, key);
  }
  const noType = envelope({});
  assert.equal(parseEnvelope(bytes({ ...noType, message: { deprecated: false } })).ok, false);
});

test('unknown fields are kept everywhere', () => {
  fc.assert(
    fc.property(fc.dictionary(fc.stringMatching(/^x[a-zA-Z]{0,8}$/), fc.jsonValue()), (extra) => {
      const result = parseEnvelope(bytes(envelope({ ...ENTRY, ...extra }, { targetPath: '/event', ...extra })));
      assert.ok(result.ok);
      assert.equal(result.envelope.message.category, 'entry');
      assert.equal((result.envelope as Record<string, unknown>).targetPath, '/event');
    }),
    { numRuns: 300 },
  );
});

test('beta spellings normalise to the stable type', () => {
  assert.equal(normaliseMessageType('v2-beta.canvas.created'), MessageType.canvasCreated);
  assert.equal(normaliseMessageType('v2.canvas.created'), MessageType.canvasCreated);
  assert.equal(normaliseMessageType('v0-beta.lifecycle.activateRequested'), 'v0-beta.lifecycle.activateRequested');
  const parsed = parseEnvelope(bytes(envelope({ type: 'v2-beta.canvas.created', canvasId: 'cnvs_1', featureId: 'f', userId: 'u' })));
  assert.ok(parsed.ok);
  assert.equal(parsed.envelope.message.type, MessageType.canvasCreated);
  assert.equal(parsed.envelope.message.category, 'canvas');
  const config = parseEnvelope(bytes(envelope({ type: 'v2-beta.app.configuration.updated' })));
  assert.ok(config.ok && config.envelope.message.type === MessageType.appConfigurationUpdated);
});

test('classifyMessage sorts every handled type and leaves the rest unknown', () => {
  const expected: Record<string, string> = {
    'v2.app.installed': 'lifecycle',
    'v2.app.activateRequested': 'lifecycle',
    'v2.app.deactivated': 'lifecycle',
    'v2-beta.app.configuration.updated': 'lifecycle',
    'v2.canvas.initialized': 'canvas',
    'v2.canvas.created': 'canvas',
    'v2-beta.canvas.created': 'canvas',
    'v2.canvas.userInteracted': 'canvas',
    'v2-beta.canvas.userInteracted': 'canvas',
    'v2.entry.created': 'entry',
    'v2.entry.updated.fields': 'entry',
    'v2.entry.updated.reviewRecord': 'entry',
    'v2.entry.updated.assignees': 'unknown',
    'v0.app.activateRequested': 'unknown',
    'v3.entry.created': 'entry',
    'v3.entry.updated': 'unknown',
    'v3.dnaSequence.created': 'unknown',
    'v2.request.created': 'unknown',
    '': 'unknown',
  };
  for (const [type, category] of Object.entries(expected)) assert.equal(classifyMessage(type), category, type);
});

test('each handled message keeps the fields the service acts on, and needs them', () => {
  const cases = [
    { type: MessageType.canvasInitialized, featureId: 'feat', resourceId: 'etr_1', userId: 'ent_1' },
    { type: MessageType.canvasCreated, canvasId: 'cnvs_1', featureId: 'feat', resourceId: 'etr_1', userId: 'ent_1' },
    { type: MessageType.canvasUserInteracted, buttonId: 'update-package-etr_1', canvasId: 'cnvs_1', featureId: 'f', userId: 'u' },
    { ...ENTRY, type: MessageType.entryUpdatedFields, updates: ['fields.Cost Center'], excludedProperties: [] },
    { ...ENTRY, type: MessageType.entryUpdatedReviewRecord, schema: { id: 'ts_1', name: 'Exp' } },
  ];
  const required: Record<string, string[]> = {
    [MessageType.canvasInitialized]: ['featureId', 'resourceId'],
    [MessageType.canvasCreated]: ['canvasId'],
    [MessageType.canvasUserInteracted]: ['buttonId', 'canvasId'],
    [MessageType.entryUpdatedFields]: ['resourceId'],
    [MessageType.entryUpdatedReviewRecord]: ['resourceId'],
  };
  for (const message of cases) {
    const parsed = parseEnvelope(bytes(envelope(message)));
    assert.ok(parsed.ok, message.type);
    assert.deepEqual({ ...parsed.envelope.message, category: undefined }, { deprecated: false, ...message, category: undefined });
    for (const field of required[message.type] ?? []) {
      const { [field as keyof typeof message]: _gone, ...rest } = message;
      const refused = parseEnvelope(bytes(envelope(rest)));
      assert.ok(!refused.ok && refused.message.includes(field), `${message.type} without ${field}`);
    }
  }
});

test('informational fields of the wrong shape are dropped, not fatal', () => {
  const parsed = parseEnvelope(bytes(envelope({ ...ENTRY, createdAt: 17, updates: 'fields.X', schema: 'weird', deprecated: 'no' })));
  assert.ok(parsed.ok);
  const message = parsed.envelope.message;
  assert.ok(message.category === 'entry');
  assert.equal(message.resourceId, 'etr_1');
  assert.equal(message.createdAt, undefined);
  assert.equal(message.updates, undefined);
});

test('narrowing on category then type gives typed fields', () => {
  const parsed = parseEnvelope(bytes(envelope({ type: MessageType.canvasUserInteracted, buttonId: 'b', canvasId: 'c' })));
  assert.ok(parsed.ok);
  const message = parsed.envelope.message;
  if (message.category === 'canvas' && message.type === MessageType.canvasUserInteracted) {
    const buttonId: string = message.buttonId;
    assert.equal(buttonId, 'b');
  } else {
    assert.fail('expected a canvas interaction');
  }
});

/** Every id a handled message carries that the worker would name in a call, and where it sits. */
const ID_FIELDS: { message: Record<string, unknown>; field: string; where: 'message' | 'app' }[] = [
  { message: ENTRY, field: 'resourceId', where: 'message' },
  { message: { ...ENTRY, type: MessageType.entryUpdatedFields }, field: 'resourceId', where: 'message' },
  { message: { type: MessageType.canvasInitialized, featureId: 'quilt_entry', resourceId: 'etr_1' }, field: 'resourceId', where: 'message' },
  { message: { type: MessageType.canvasCreated, canvasId: 'cnvs_1', resourceId: 'etr_1' }, field: 'canvasId', where: 'message' },
  { message: { type: MessageType.canvasCreated, canvasId: 'cnvs_1', resourceId: 'etr_1' }, field: 'resourceId', where: 'message' },
  { message: { type: MessageType.canvasUserInteracted, canvasId: 'cnvs_1', buttonId: 'b' }, field: 'canvasId', where: 'message' },
  { message: ENTRY, field: 'id', where: 'app' },
  { message: { type: MessageType.appInstalled }, field: 'id', where: 'app' },
];

function withId(c: (typeof ID_FIELDS)[number], id: string) {
  return c.where === 'app' ? envelope(c.message, { app: { id } }) : envelope({ ...c.message, [c.field]: id });
}

test('an id that is not Benchling\'s id shape refuses the message, naming the field and never quoting the value', () => {
  fc.assert(
    fc.property(fc.constantFrom(...ID_FIELDS), refusedId, (c, id) => {
      const result = parseEnvelope(bytes(withId(c, id)));
      assert.equal(result.ok, false, `${c.where}.${c.field} = ${JSON.stringify(id)}`);
      assert.ok(!result.ok && result.message.includes(`${c.field}: not a Benchling id`), !result.ok ? result.message : '');
      if (!result.ok && id.length > 3) assert.ok(!result.message.includes(id));
    }),
    { numRuns: 2_000 },
  );
});

test('real ids pass in every id field', () => {
  fc.assert(
    fc.property(fc.constantFrom(...ID_FIELDS), realId, (c, id) => {
      fc.pre(id.length <= 200);
      const result = parseEnvelope(bytes(withId(c, id)));
      assert.ok(result.ok, !result.ok ? result.message : '');
    }),
    { numRuns: 1_000 },
  );
});

test('a canvas.created resourceId is optional: absent or not text reads as absent', () => {
  for (const resourceId of [undefined, null, 42, { id: 'etr_1' }]) {
    const parsed = parseEnvelope(bytes(envelope({ type: MessageType.canvasCreated, canvasId: 'cnvs_1', resourceId })));
    assert.ok(parsed.ok && parsed.envelope.message.category === 'canvas', String(resourceId));
    assert.equal((parsed.envelope.message as { resourceId?: unknown }).resourceId, undefined);
  }
});
