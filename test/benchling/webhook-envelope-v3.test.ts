import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { isBenchlingId } from '../../src/benchling/benchling-id.ts';
import { MessageType, parseEnvelope } from '../../src/benchling/webhook-envelope.ts';
import { SandboxTenant } from '../../src/sandbox/index.ts';
import { realId } from '../support/id-arbitraries.ts';
import type { JsonSchema } from '../support/openapi-schema.ts';
import { benchlingV3Spec } from '../support/openapi-spec.ts';
import { schemaArbitrary } from '../support/schema-arbitrary.ts';

/**
 * The v3 envelope the service parses is the one Benchling's v3 spec declares in its
 * `webhooks:` block: whatever the spec allows for v3.entry.created is accepted (given ids of
 * Benchling's shape, which the app asks of every id it acts on), what it refuses is refused
 * with the violated path named, and the other v3 types are accepted to be ignored.
 */

const SEED = 17;
const spec = benchlingV3Spec();
const resolve = (schema: JsonSchema) => spec.resolve(schema);
const ENTRY_CREATED = spec.webhooks.get(MessageType.entryCreatedV3)!;
const bytes = (value: unknown) => Buffer.from(JSON.stringify(value));

type Json = Record<string, unknown> & { app: Record<string, unknown>; message: Record<string, unknown> };

/** Spec instances with the two ids the app acts on made Benchling-shaped. */
const withRealIds = fc
  .tuple(schemaArbitrary(ENTRY_CREATED, { resolve }), realId, realId)
  .map(([instance, entryId, appId]) => {
    const envelope = instance as Json;
    return { ...envelope, app: { ...envelope.app, id: appId }, message: { ...envelope.message, resourceId: entryId } };
  });

/** Every required property of a schema and of the objects it requires, as dotted paths. */
function requiredPaths(schema: JsonSchema, prefix = ''): string[] {
  const members = [resolve(schema), ...((resolve(schema).allOf as JsonSchema[] | undefined) ?? []).map(resolve)];
  const paths: string[] = [];
  for (const member of members) {
    if (member.allOf !== undefined && member !== resolve(schema)) paths.push(...requiredPaths(member, prefix));
    const properties = (member.properties ?? {}) as Record<string, JsonSchema>;
    for (const name of (member.required ?? []) as string[]) {
      const path = `${prefix}${name}`;
      paths.push(path);
      if (properties[name] !== undefined) paths.push(...requiredPaths(properties[name], `${path}.`));
    }
  }
  return [...new Set(paths)];
}

function without(value: Json, path: string): Json {
  const copy = structuredClone(value) as Record<string, unknown>;
  const parts = path.split('.');
  let holder = copy;
  for (const part of parts.slice(0, -1)) holder = holder[part] as Record<string, unknown>;
  delete holder[parts.at(-1)!];
  return copy as Json;
}

test('every v3.entry.created the spec allows, with Benchling-shaped ids, is an entry message to package', () => {
  fc.assert(
    fc.property(withRealIds, (envelope) => {
      assert.deepEqual(spec.violations(ENTRY_CREATED, envelope), [], 'the generator stays inside the spec');
      const parsed = parseEnvelope(bytes(envelope));
      assert.ok(parsed.ok, !parsed.ok ? parsed.message : '');
      assert.equal(parsed.envelope.webhookVersion, 'v3');
      assert.equal(parsed.envelope.message.category, 'entry');
      assert.equal(parsed.envelope.message.type, MessageType.entryCreatedV3);
      assert.equal((parsed.envelope.message as { resourceId: string }).resourceId, envelope.message.resourceId);
    }),
    { numRuns: 300, seed: SEED },
  );
});

test('a spec instance whose entry or app id is not Benchling-shaped is refused, naming that id', () => {
  fc.assert(
    fc.property(schemaArbitrary(ENTRY_CREATED, { resolve }), (instance) => {
      const envelope = instance as Json;
      const parsed = parseEnvelope(bytes(envelope));
      const badPaths = [
        ...(isBenchlingId(envelope.app.id) ? [] : ['app.id']),
        ...(isBenchlingId(envelope.message.resourceId) ? [] : ['message.resourceId']),
      ];
      if (badPaths.length === 0) return assert.ok(parsed.ok, !parsed.ok ? parsed.message : '');
      assert.ok(!parsed.ok);
      for (const path of badPaths) assert.ok(parsed.message.includes(`${path}: not a Benchling id`), parsed.message);
    }),
    { numRuns: 200, seed: SEED },
  );
});

test('removing any field the spec requires refuses the envelope, naming its path, as the spec does', () => {
  const paths = requiredPaths(ENTRY_CREATED);
  for (const expected of ['version', 'baseURL', 'tenantId', 'app.id', 'appDefinition.id', 'appDefinition.versionNumber', 'message.stability', 'message.createdAt']) {
    assert.ok(paths.includes(expected), `${expected} in ${paths.join(', ')}`);
  }
  const [valid] = fc.sample(withRealIds, { numRuns: 1, seed: SEED });
  for (const path of paths) {
    const broken = without(valid!, path);
    assert.notDeepEqual(spec.violations(ENTRY_CREATED, broken), [], `the spec requires ${path}`);
    const parsed = parseEnvelope(bytes(broken));
    assert.ok(!parsed.ok, `without ${path}`);
    assert.ok(parsed.message.includes(`${path}: `), `${path}: ${parsed.message}`);
  }
});

test('values the spec does not allow are refused, each path named, the body never quoted', () => {
  const [valid] = fc.sample(withRealIds, { numRuns: 1, seed: SEED });
  const secret = 'S3CRET-IN-BODY';
  const cases: [string, (e: Json) => void][] = [
    ['version', (e) => (e.version = '1')],
    ['message.stability', (e) => (e.message.stability = secret)],
    ['message.createdAt', (e) => (e.message.createdAt = `yesterday ${secret}`)],
    ['message.deprecated', (e) => (e.message.deprecated = 'no')],
    ['appDefinition.versionNumber', (e) => ((e.appDefinition as Record<string, unknown>).versionNumber = 4)],
    ['message.id', (e) => (e.message.id = null)],
  ];
  for (const [path, breakIt] of cases) {
    const broken = structuredClone(valid!) as Json;
    breakIt(broken);
    assert.notDeepEqual(spec.violations(ENTRY_CREATED, broken), [], `the spec refuses ${path} too`);
    const parsed = parseEnvelope(bytes(broken));
    assert.ok(!parsed.ok, path);
    assert.ok(parsed.message.includes(`${path}: `), `${path}: ${parsed.message}`);
    assert.ok(!parsed.message.includes(secret));
  }
  const nullDefinition = structuredClone(valid!) as Json;
  (nullDefinition.appDefinition as Record<string, unknown>).id = null;
  assert.ok(parseEnvelope(bytes(nullDefinition)).ok, 'the spec allows a null app definition id');
  const twoWrong = structuredClone(valid!) as Json;
  twoWrong.version = '2';
  twoWrong.message.stability = 'alpha';
  const parsed = parseEnvelope(bytes(twoWrong));
  assert.ok(!parsed.ok && parsed.message.includes('version: ') && parsed.message.includes('message.stability: '), 'every violated path, not the first');
});

test('every other v3 webhook the spec declares is accepted as a type the app ignores', () => {
  const others = [...spec.webhooks.keys()].filter((type) => type !== MessageType.entryCreatedV3);
  assert.ok(others.length >= 10, others.join(', '));
  const arbitrary = fc.oneof(...others.map((type) => schemaArbitrary(spec.webhooks.get(type)!, { resolve }).map((instance) => ({ type, instance }))));
  fc.assert(
    fc.property(arbitrary, realId, ({ type, instance }, appId) => {
      const envelope = { ...(instance as Json), app: { ...(instance as Json).app, id: appId } };
      assert.deepEqual(spec.violations(spec.webhooks.get(type)!, envelope), []);
      const parsed = parseEnvelope(bytes(envelope));
      assert.ok(parsed.ok, !parsed.ok ? parsed.message : '');
      assert.equal(parsed.envelope.message.category, 'unknown');
      assert.equal(parsed.envelope.message.type, type);
    }),
    { numRuns: 200, seed: SEED },
  );
});

test('a v3 envelope has no channel, and v2 envelopes still need theirs', () => {
  const [valid] = fc.sample(withRealIds, { numRuns: 1, seed: SEED });
  assert.ok(!('channel' in valid!));
  assert.ok(parseEnvelope(bytes(valid)).ok);
  const v2 = { ...valid!, message: { type: MessageType.entryCreated, resourceId: 'etr_1', deprecated: false } };
  const parsed = parseEnvelope(bytes(v2));
  assert.ok(!parsed.ok && parsed.message.includes('channel'), !parsed.ok ? parsed.message : 'a v2 message without channel parsed');
});

test("the sandbox's v3 envelopes are what the spec declares, and parse", async () => {
  const sandbox = await new SandboxTenant({ rateLimit: false }).start();
  try {
    const entry = sandbox.addEntry();
    const created = sandbox.envelopes.entryCreatedV3(entry.id);
    assert.deepEqual(spec.violations(ENTRY_CREATED, created), []);
    const parsed = parseEnvelope(bytes(created));
    assert.ok(parsed.ok && parsed.envelope.message.category === 'entry');
    const updated = sandbox.envelopes.v3Event('v3.dnaSequence.updated', 'seq_abc123', { properties: ['name'] });
    assert.deepEqual(spec.violations(spec.webhooks.get('v3.dnaSequence.updated')!, updated), []);
    assert.ok(parseEnvelope(bytes(updated)).ok);
  } finally {
    await sandbox.stop();
  }
});
