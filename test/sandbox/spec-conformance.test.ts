import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { BenchlingErrorCode } from '../../src/benchling/api-errors.ts';
import type { BenchlingClient } from '../../src/benchling/benchling-client.ts';
import { SandboxTenant } from '../../src/sandbox/index.ts';
import { compilePattern, matchCompiled } from '../../src/sandbox/route-pattern.ts';
import { ALL_ROUTES } from '../../src/sandbox/routes/all-routes.ts';
import { appError, clientFor } from '../benchling/client-fixtures.ts';
import { knownSecretValues } from '../support/leak-guard.ts';
import { benchlingSpec, type SpecOperation, type HttpMethod } from '../support/openapi-spec.ts';
import type { JsonSchema } from '../support/openapi-schema.ts';
import { recordingFetch, type Exchange } from '../support/recording-fetch.ts';
import { basic } from './sandbox-client.ts';

/**
 * The sandbox answers only what Benchling's spec allows. Every route is an operation of the
 * spec or named below as lying outside it; a scenario then drives every route to its success
 * and to each refusal the sandbox can give, and every JSON answer is checked against the
 * spec's schema for that operation and status. A route added to the sandbox (the entries list
 * of a backfill, say) fails the first test until it is mapped, and is checked the same way.
 */

const spec = benchlingSpec();

/** Routes that play something other than the v2 API, and what. */
const OUTSIDE_THE_SPEC: Record<string, string> = {
  'GET /api/v1/apps/{appDefinitionId}/jwks': "apps.benchling.com's JWKS of the app definition, not part of the v2 API",
  'GET /downloads/{token}.zip': 'the presigned S3 URL an export task names: a ZIP, not an API answer',
};

const shapeOf = (path: string) => path.replace(/\{[^}]+\}/g, '{}');

/** The spec operation a sandbox route plays: same method, same path with its parameters. */
function operationOf(template: string): SpecOperation | undefined {
  const [method, path] = template.split(' ') as [string, string];
  if (!path.startsWith('/api/v2/')) return undefined;
  return spec.operations.find((o) => o.method === (method.toLowerCase() as HttpMethod) && shapeOf(o.path) === shapeOf(path.slice('/api/v2'.length)));
}

/**
 * The spec lists, per operation, the statuses its writers thought of. Benchling answers any
 * call with 401 (a bad token), 429 (its rate limit) and 5xx too, and the brief's sandbox
 * answers an invalid canvas update 400 as Benchling does, all with its common error body:
 * a 400 not listed is held to BadRequestError, any other status to `{error: BaseError}`.
 */
function answerSchema(template: string, operation: SpecOperation, status: number): JsonSchema {
  // The task call's answer is one of 31 task kinds, which overlap; the sandbox's tasks are exports.
  if (template === 'GET /api/v2/tasks/{id}' && status === 200) return spec.component('ExportsAsyncTask');
  if (operation.responses.has(status)) return operation.responses.get(status) ?? {};
  if (status === 400) return spec.component('BadRequestError');
  return { type: 'object', required: ['error'], properties: { error: spec.component('BaseError') } };
}

const compiled = ALL_ROUTES.map((route) => ({ route, pattern: compilePattern(route.template) }));
const routeOf = (e: Exchange) => compiled.find((c) => matchCompiled(c.pattern, e.method, e.path))?.route.template;

test('every sandbox route is an operation of the spec, or named as outside it and why', () => {
  const unmapped = ALL_ROUTES.map((r) => r.template).filter((t) => operationOf(t) === undefined && OUTSIDE_THE_SPEC[t] === undefined);
  assert.deepEqual(unmapped, [], "map each to the spec's operation (same path shape), or add it to OUTSIDE_THE_SPEC with the reason");
  const stale = Object.keys(OUTSIDE_THE_SPEC).filter((t) => !ALL_ROUTES.some((r) => r.template === t) || operationOf(t) !== undefined);
  assert.deepEqual(stale, []);
  assert.equal(operationOf('GET /api/v2/entries/{id}')?.path, '/entries/{entry_id}');
  assert.equal(operationOf('PATCH /api/v2/app-canvases/{id}')?.path, '/app-canvases/{canvas_id}');
});

describe('every answer the sandbox gives conforms to the spec, success and refusal alike', () => {
  let tenant: SandboxTenant;
  let client: BenchlingClient;
  let dir: string;
  const exchanges: Exchange[] = [];
  const record = recordingFetch(exchanges);

  async function raw(method: string, path: string, body?: string, headers: Record<string, string> = {}): Promise<number> {
    return (await record(`${tenant.apiUrl}${path}`, { method, headers, ...(body === undefined ? {} : { body }) })).status;
  }

  before(async () => {
    tenant = await new SandboxTenant({ rateLimit: false }).start();
    knownSecretValues(tenant.secret.client_id, tenant.secret.client_secret);
    client = clientFor(tenant, { fetch: record, retry: { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 1 } });
    dir = await mkdtemp(join(tmpdir(), 'bw-spec-'));
  });
  after(async () => {
    await tenant.stop();
    await rm(dir, { recursive: true, force: true });
  });

  test('a scenario drives every route to its answers', async () => {
    const json = { 'content-type': 'application/json' };
    const form = { 'content-type': 'application/x-www-form-urlencoded', authorization: basic(tenant.secret.client_id, tenant.secret.client_secret) };
    await client.authenticate();
    assert.equal(await raw('POST', '/token', 'grant_type=password', form), 400);
    assert.equal(await raw('POST', '/token', 'scope=x', form), 400);
    assert.equal(await raw('POST', '/token', '{}', { ...form, 'content-type': 'application/json' }), 400);
    assert.equal(await raw('POST', '/token', 'grant_type=client_credentials', { ...form, authorization: basic(tenant.secret.client_id, 'wrong-secret') }), 401);

    const entry = tenant.demoEntry;
    await client.getEntry(entry.id);
    await assert.rejects(client.getEntry('etr_nothere'), appError('BENCHLING_NOT_FOUND'));
    assert.equal(await raw('GET', `/entries/${entry.id}`), 401);
    const listed = await client.listEntries({ pageSize: 1, sort: 'modifiedAt:asc' });
    await client.listEntries({ pageSize: 1, nextToken: listed.nextToken, modifiedAt: '> 2000-01-01', schemaId: entry.schema!.id });
    assert.equal(await raw('GET', `/entries/${entry.id}`, undefined, { authorization: 'Bearer made-up' }), 401);
    for (const kind of ['custom_entity', 'dna_sequence'] as const) {
      assert.equal(await client.getLinkedName(kind, tenant.addLinkedObject(kind, `A ${kind}`).id), `A ${kind}`);
      assert.equal(await client.getLinkedName(kind, 'bfi_nothere'), undefined);
    }

    await client.exportEntryZip(entry.id, dir);
    tenant.failNextExport('Export failed: the entry is too large.');
    await assert.rejects(client.exportEntryZip(entry.id, dir), appError('BENCHLING_EXPORT_FAILED'));
    await assert.rejects(client.startExport('etr_nothere'), appError('BENCHLING_REQUEST_REJECTED'));
    await assert.rejects(client.waitForTask('f438d656-c2c3-40a4-b3fd-d7e58db78242'), appError('BENCHLING_NOT_FOUND'));
    const token = { authorization: `Bearer ${tenant.issuedTokens.at(-1)!}` };
    assert.equal(await raw('POST', '/exports', JSON.stringify({ id: entry.id, format: 'docx' }), { ...token, ...json }), 400);
    assert.equal(await raw('GET', '/entries?pageSize=500', undefined, token), 400);
    assert.equal(await raw('POST', '/exports', `id=${entry.id}`, { ...token, 'content-type': 'text/plain' }), 415);

    const canvasBody = { appId: tenant.appId, featureId: tenant.featureId, resourceId: entry.id, blocks: [{ type: 'MARKDOWN', id: 'm', value: 'Hi' }] };
    const created = await client.createCanvas(canvasBody);
    await client.updateCanvas(created.id!, { blocks: [{ type: 'BUTTON', id: 'b', text: 'Go', enabled: true }], data: '{}', enabled: true });
    await client.getCanvas(created.id!);
    await assert.rejects(client.getCanvas('cnvs_nothere'), appError('BENCHLING_NOT_FOUND'));
    await assert.rejects(client.updateCanvas('cnvs_nothere', { enabled: true }), appError('BENCHLING_NOT_FOUND'));
    await assert.rejects(client.updateCanvas(tenant.insertCanvas(entry.id, { appId: 'app_someoneelse' }).id, { enabled: true }), appError('BENCHLING_FORBIDDEN'));
    await assert.rejects(client.createCanvas({ ...canvasBody, appId: 'app_someoneelse' }), appError(BenchlingErrorCode.CANVAS_REJECTED));
    assert.equal(await raw('POST', '/app-canvases', JSON.stringify({ ...canvasBody, blocks: [{ type: 'BUTTON', id: 'b' }] }), { ...token, ...json }), 400);
    assert.equal(await raw('PATCH', `/app-canvases/${created.id!}`, JSON.stringify({ colour: 'red' }), { ...token, ...json }), 400);

    // Faults that bring no body of their own answer with the sandbox's default bodies.
    tenant.failNext('GET /api/v2/entries/{id}', { status: 500, times: 2 });
    await assert.rejects(client.getEntry(entry.id), appError('BENCHLING_UNAVAILABLE'));
    tenant.failNext('GET /api/v2/tasks/{id}', { status: 503, times: 2 });
    await assert.rejects(client.waitForTask('f438d656-c2c3-40a4-b3fd-d7e58db78242'), appError('BENCHLING_UNAVAILABLE'));
    tenant.setRateLimit({ limit: 1, windowMs: 60_000 });
    await raw('GET', `/entries/${entry.id}`, undefined, token);
    assert.equal(await raw('GET', `/entries/${entry.id}`, undefined, token), 429);
    tenant.setRateLimit(false);
  });

  test('each JSON answer matches the schema of its operation and status', () => {
    const problems: string[] = [];
    for (const exchange of exchanges) {
      const template = routeOf(exchange);
      const operation = template === undefined ? undefined : operationOf(template);
      if (template === undefined || operation === undefined) continue;
      const violations = spec.violations(answerSchema(template, operation, exchange.status), exchange.body);
      if (violations.length > 0) problems.push(`${template} → ${exchange.status}: ${JSON.stringify(violations.slice(0, 3))} in ${JSON.stringify(exchange.body).slice(0, 300)}`);
    }
    assert.deepEqual(problems, []);
  });

  test('the scenario reached every route of the spec, with its success and its refusals', () => {
    const seen = new Map<string, Set<number>>();
    for (const exchange of exchanges) {
      const template = routeOf(exchange);
      if (template !== undefined) seen.set(template, new Set([...(seen.get(template) ?? []), exchange.status]));
    }
    const statuses = (template: string) => [...(seen.get(template) ?? [])].sort();
    assert.deepEqual(statuses('POST /api/v2/token'), [200, 400, 401]);
    assert.deepEqual(statuses('GET /api/v2/entries/{id}'), [200, 401, 404, 429, 500]);
    assert.deepEqual(statuses('GET /api/v2/entries'), [200, 400]);
    assert.deepEqual(statuses('GET /api/v2/custom-entities/{id}'), [200, 404]);
    assert.deepEqual(statuses('GET /api/v2/dna-sequences/{id}'), [200, 404]);
    assert.deepEqual(statuses('POST /api/v2/exports'), [202, 400, 415]);
    assert.deepEqual(statuses('GET /api/v2/tasks/{id}'), [200, 404, 503]);
    assert.deepEqual(statuses('POST /api/v2/app-canvases'), [201, 400]);
    assert.deepEqual(statuses('GET /api/v2/app-canvases/{id}'), [200, 404]);
    assert.deepEqual(statuses('PATCH /api/v2/app-canvases/{id}'), [200, 400, 403, 404]);
    const tasks = exchanges.filter((e) => routeOf(e) === 'GET /api/v2/tasks/{id}' && e.status === 200).map((e) => (e.body as { status: string }).status);
    assert.deepEqual([...new Set(tasks)].sort(), ['FAILED', 'RUNNING', 'SUCCEEDED'], 'every task state answered');
    const mapped = ALL_ROUTES.map((r) => r.template).filter((t) => operationOf(t) !== undefined);
    assert.deepEqual(mapped.filter((t) => !seen.has(t)), [], 'no route of the spec left out of the scenario');
  });
});
