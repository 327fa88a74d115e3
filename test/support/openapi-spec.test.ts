import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { test } from 'node:test';
import fc from 'fast-check';
import { benchlingSpec, OpenApiSpec, readSpecDocument } from './openapi-spec.ts';
import { schemaArbitrary } from './schema-arbitrary.ts';

/** The components the contract tests generate or validate: each generator must stay inside its schema. */
const CONTRACT_COMPONENTS = [
  'TokenResponse',
  'EntryById',
  'EntriesPaginatedList',
  'AsyncTaskLink',
  'AsyncTask',
  'ExportsAsyncTask',
  'AppCanvas',
  'AppCanvasCreate',
  'AppCanvasUpdate',
  'ExportItemRequest',
  'TokenCreate',
  'BadRequestError',
  'NotFoundError',
  'ForbiddenError',
  'OAuthBadRequestError',
  'OAuthUnauthorizedError',
  'CustomEntity',
  'DnaSequence',
];

const SEED = 17;

const paths = (violations: { path: string }[]) => violations.map((v) => v.path);

test('OpenAPI 3.0 quirks read as Benchling means them: nullable beside $ref, a closed allOf, a discriminated oneOf', () => {
  const spec = new OpenApiSpec({
    paths: {},
    components: {
      schemas: {
        Summary: { type: 'object', properties: { id: { type: 'string' } } },
        Holder: { type: 'object', properties: { owner: { $ref: '#/components/schemas/Summary', nullable: true } } },
        Closed: { additionalProperties: false, allOf: [{ $ref: '#/components/schemas/Summary' }, { properties: { name: { type: 'string' } } }] },
        MemberClosed: { allOf: [{ $ref: '#/components/schemas/Summary' }, { additionalProperties: false, properties: { name: { type: 'string' } } }] },
        Note: { type: 'object', properties: { type: { type: 'string' }, text: { type: 'string' } } },
        Picked: { oneOf: [{ $ref: '#/components/schemas/Note' }, { $ref: '#/components/schemas/Summary' }], discriminator: { propertyName: 'type' } },
      },
    },
  });
  assert.deepEqual(spec.violations(spec.component('Holder'), { owner: null }), []);
  assert.deepEqual(spec.violations(spec.component('Holder'), { owner: { id: 'x' } }), []);
  assert.deepEqual(paths(spec.violations(spec.component('Holder'), { owner: { id: 5 } })), ['/owner', '/owner/id', '/owner']);
  for (const closed of ['Closed', 'MemberClosed']) {
    assert.deepEqual(spec.violations(spec.component(closed), { id: 'x', name: 'y' }), [], `${closed}: the members' properties together`);
    const extra = spec.violations(spec.component(closed), { id: 'x', colour: 'red' });
    assert.deepEqual(extra, [{ path: '/', message: 'must NOT have unevaluated properties ("colour")' }], closed);
  }
  assert.deepEqual(spec.violations(spec.component('Picked'), { id: 'x', type: 'text' }), [], 'matching two branches is no error where a discriminator picks');
  assert.deepEqual(spec.violations(spec.component('Picked'), { id: 'x' }), [{ path: '/', message: `must have required property 'type' ("type")` }], 'but it needs its property to pick by');
});

test("Benchling's spec: the canvas write is closed, an export task's answer closed with AsyncTask's fields, a null archiveRecord allowed", () => {
  const spec = benchlingSpec();
  const canvas = { appId: 'app_1', featureId: 'f', resourceId: 'etr_1', blocks: [{ type: 'MARKDOWN', id: 'm', value: '# Hi' }] };
  assert.deepEqual(spec.violations(spec.component('AppCanvasCreate'), canvas), []);
  assert.deepEqual(spec.violations(spec.component('AppCanvasCreate'), { ...canvas, colour: 1 }), [{ path: '/', message: 'must NOT have unevaluated properties ("colour")' }]);
  assert.ok(paths(spec.violations(spec.component('AppCanvasUpdate'), { blocks: [{ type: 'BUTTON', id: 'b' }] })).includes('/blocks/0'), 'a button needs its text');
  assert.deepEqual(spec.violations(spec.component('ExportsAsyncTask'), { status: 'SUCCEEDED', message: 'ok', response: { downloadURL: 'https://s3.example/x.zip' } }), []);
  assert.deepEqual(paths(spec.violations(spec.component('ExportsAsyncTask'), { status: 'DONE', response: { downloadURL: 'not a URL' } })), ['/status', '/response/downloadURL']);
  assert.deepEqual(spec.violations(spec.component('EntryById'), { entry: { id: 'etr_1', archiveRecord: null, reviewRecord: null } }), []);
});

test("operations carry their declared statuses, each answer's schema, and the request body's", () => {
  const spec = benchlingSpec();
  const exports = spec.operation('post', '/exports');
  assert.ok(exports);
  assert.deepEqual([...exports.responses.keys()].sort(), [202, 400]);
  assert.deepEqual(spec.violations(exports.request!, { id: 'etr_1', format: 'html' }), []);
  assert.deepEqual(paths(spec.violations(exports.request!, { id: 'etr_1', format: 'docx' })), ['/format']);
  const token = spec.operation('post', '/token');
  assert.deepEqual([...token!.responses.keys()].sort(), [200, 400, 401]);
  assert.deepEqual(spec.violations(token!.request!, { grant_type: 'client_credentials' }), [], 'the form body has a schema too');
  assert.deepEqual(spec.violations(token!.responses.get(401)!, { error: { type: 'invalid_client', message: 'no' } }), []);
  assert.deepEqual(paths(spec.violations(token!.responses.get(400)!, { error: { type: 'invalid_request_error' } })), ['/error/type']);
  assert.equal(spec.operation('get', '/no-such-thing'), undefined);
});

test('every generated instance conforms to its schema (seeded, 150 per contract component)', () => {
  const spec = benchlingSpec();
  for (const name of CONTRACT_COMPONENTS) {
    const schema = spec.component(name);
    fc.assert(
      fc.property(schemaArbitrary(schema, { resolve: (s) => spec.resolve(s) }), (instance) => {
        assert.deepEqual(spec.violations(schema, instance), [], `${name}: ${JSON.stringify(instance).slice(0, 400)}`);
      }),
      { seed: SEED, numRuns: 150 },
    );
  }
});

test('the generator exercises what the spec leaves open: absent and null properties, links without ids, unknown fields', () => {
  const spec = benchlingSpec();
  const schema = spec.component('EntryById');
  const samples = fc.sample(schemaArbitrary(schema, { resolve: (s) => spec.resolve(s) }), { seed: SEED, numRuns: 300 }) as { entry?: Record<string, unknown> }[];
  const entries = samples.map((s) => s.entry).filter((e) => e !== undefined);
  const links = entries.flatMap((e) => ((e.days ?? []) as { notes?: { links?: Record<string, unknown>[] }[] }[]).flatMap((d) => (d.notes ?? []).flatMap((n) => n.links ?? [])));
  assert.ok(samples.some((s) => s.entry === undefined), 'an answer without its entry');
  assert.ok(entries.some((e) => e.displayId === undefined) && entries.some((e) => typeof e.displayId === 'string'), 'displayId present and absent');
  assert.ok(entries.some((e) => e.archiveRecord === null), 'a nullable property null');
  assert.ok(links.some((l) => l.id === undefined) && links.some((l) => typeof l.id === 'string'), 'links with and without id');
  assert.ok(links.some((l) => l.webURL === null), 'a null webURL');
  const declared = new Set(Object.keys((spec.resolve(spec.component('Entry')) as { properties: object }).properties));
  assert.ok(entries.some((e) => Object.keys(e).some((k) => !declared.has(k))), 'a property the spec does not name');
});

test('the parsed document is cached under the YAML text it came from', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'bw-spec-'));
  try {
    const file = join(dir, 'spec.yaml');
    await writeFile(file, 'openapi: 3.0.1\npaths: {}\ncomponents: {schemas: {A: {type: string}}}\n');
    assert.deepEqual(readSpecDocument(pathToFileURL(file)), { openapi: '3.0.1', paths: {}, components: { schemas: { A: { type: 'string' } } } });
    assert.deepEqual(readSpecDocument(pathToFileURL(file)), { openapi: '3.0.1', paths: {}, components: { schemas: { A: { type: 'string' } } } }, 'read back from the cache');
    await writeFile(file, 'openapi: 3.0.1\npaths: {}\ncomponents: {schemas: {A: {type: integer}}}\n');
    assert.deepEqual(readSpecDocument(pathToFileURL(file)), { openapi: '3.0.1', paths: {}, components: { schemas: { A: { type: 'integer' } } } }, 'a changed file is parsed again');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('OpenAPI 3.1: a webhooks block gives each event its request schema, and a type list is generated as each of its types', () => {
  const spec = new OpenApiSpec({
    paths: {},
    components: { schemas: { Event: { type: 'object', required: ['id'], properties: { id: { type: ['null', 'string'] } } } } },
    webhooks: { 'v3.thing.created': { post: { requestBody: { content: { 'application/json': { schema: { $ref: '#/components/schemas/Event' } } } } } } },
  });
  const schema = spec.webhooks.get('v3.thing.created');
  assert.ok(schema);
  assert.deepEqual(spec.violations(schema, { id: null }), []);
  assert.deepEqual(paths(spec.violations(schema, { id: 5 })), ['/id']);
  const ids = fc.sample(schemaArbitrary(schema, { resolve: (s) => spec.resolve(s) }), { numRuns: 100, seed: SEED }).map((v) => (v as { id: unknown }).id);
  assert.ok(ids.includes(null) && ids.some((id) => typeof id === 'string'), 'both listed types come up');
  for (const id of ids) assert.ok(id === null || typeof id === 'string');
});
