import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import fc from 'fast-check';
import { BenchlingError, BenchlingErrorCode } from '../../src/benchling/api-errors.ts';
import { exportDownloadURL } from '../../src/benchling/api-schemas.ts';
import { isBenchlingId } from '../../src/benchling/benchling-id.ts';
import type { BenchlingClient } from '../../src/benchling/benchling-client.ts';
import { RateLimiter } from '../../src/benchling/rate-limiter.ts';
import { UNSTATED_TOKEN_LIFETIME_SECONDS } from '../../src/benchling/token-request.ts';
import { isPackageName } from '../../src/quilt/package-name.ts';
import { SandboxTenant } from '../../src/sandbox/index.ts';
import { bindingOf } from '../../src/worker/canvas-binding.ts';
import { entryLinks, entryMetadata, entryReadme, linksDocument } from '../../src/worker/entry-documents.ts';
import { entryPackageName } from '../../src/worker/entry-package-name.ts';
import { captured, knownSecretValues } from '../support/leak-guard.ts';
import { benchlingSpec } from '../support/openapi-spec.ts';
import type { JsonSchema } from '../support/openapi-schema.ts';
import { schemaArbitrary } from '../support/schema-arbitrary.ts';
import { clientFor, fakeTime } from './client-fixtures.ts';

/**
 * The client accepts what Benchling may send. For every answer the app reads, instances of
 * the answer's schema in Benchling's published spec are served by the sandbox tenant (as a
 * fault with that body) and read by the real client. Each is either accepted, or refused with
 * a named BenchlingError exactly when it lacks what the app cannot do without; an unnamed
 * error fails the property. Seeded, and cut short (passing) if a run ever takes too long.
 */

const spec = benchlingSpec();
const resolve = (schema: JsonSchema) => spec.resolve(schema);
const instancesOf = (schema: JsonSchema) => schemaArbitrary(schema, { resolve });
const RUNS = { seed: 17, numRuns: 200, interruptAfterTimeLimit: 60_000 };

const ENTRY_ID = 'etr_Spec0001';
const TASK_ID = 'f438d656-c2c3-40a4-b3fd-d7e58db78242';
const CANVAS_ID = 'cnvs_Spec0001';
const TARGETS = { tenant: 'https://acme.benchling.com', catalog: 'catalog.example.com' };

type Outcome<T> = { ok: true; value: T } | { ok: false; error: BenchlingError };

/** The call's result or its named failure; anything else is rethrown and fails the property. */
async function outcome<T>(call: Promise<T>): Promise<Outcome<T>> {
  try {
    return { ok: true, value: await call };
  } catch (error) {
    if (!(error instanceof BenchlingError)) throw error;
    captured('client error', error.message);
    return { ok: false, error };
  }
}

function responseSchema(method: 'get' | 'post' | 'patch', path: string, status: number): JsonSchema {
  const schema = spec.operation(method, path)?.responses.get(status);
  assert.ok(schema, `the spec declares a ${status} body for ${method} ${path}`);
  return schema;
}

/** The answer describes the record asked for, says nothing of its id, or (at times) names another. */
const aboutRecord = (id: string) => (record: Record<string, unknown>, choice: 'as generated' | 'asked for' | 'absent') => {
  const { id: generated, ...rest } = record;
  if (choice === 'absent') return rest;
  return { ...rest, id: choice === 'asked for' ? id : generated };
};
const idChoice = fc.constantFrom('as generated' as const, 'asked for' as const, 'absent' as const);

describe("BenchlingClient reads every answer Benchling's spec allows", () => {
  let tenant: SandboxTenant;
  let client: BenchlingClient;
  let time: ReturnType<typeof fakeTime>;
  const newClient = () => {
    time = fakeTime();
    const rateLimiter = new RateLimiter({ limit: 1_000_000, windowMs: 1_000, now: time.now, sleep: time.sleep });
    return clientFor(tenant, { now: time.now, sleep: time.sleep, rateLimiter });
  };

  before(async () => {
    tenant = await new SandboxTenant({ rateLimit: false }).start();
    knownSecretValues(tenant.secret.client_id, tenant.secret.client_secret);
  });
  after(() => tenant.stop());
  beforeEach(() => {
    tenant.faults.clear();
    tenant.log.clear();
    client = newClient();
  });

  test('token: accepted when it holds an access token and no lifetime at or below zero, else BENCHLING_BAD_RESPONSE', async () => {
    await fc.assert(
      fc.asyncProperty(instancesOf(spec.component('TokenResponse')), async (body) => {
        const token = body as { access_token?: unknown; expires_in?: unknown };
        tenant.failNext('POST /api/v2/token', { status: 200, body });
        const result = await outcome(newClient().authenticate());
        const usable = typeof token.access_token === 'string' && token.access_token !== '' && !(typeof token.expires_in === 'number' && token.expires_in <= 0);
        if (usable) assert.ok(result.ok, JSON.stringify(body));
        else assert.equal(!result.ok && result.error.code, BenchlingErrorCode.BAD_RESPONSE, JSON.stringify(body));
      }),
      RUNS,
    );
  });

  test(`a token answer without expires_in is used for ${UNSTATED_TOKEN_LIFETIME_SECONDS} s less the refresh margin`, async () => {
    tenant.failNext('POST /api/v2/token', { status: 200, body: { access_token: 'sbx_unstated_lifetime' } });
    await client.authenticate();
    time.advance(269_000);
    await client.authenticate();
    assert.equal(tenant.count('POST /api/v2/token'), 1, 'still the first token after 269 s');
    time.advance(2_000);
    await client.authenticate();
    assert.equal(tenant.count('POST /api/v2/token'), 2, 'refreshed 30 s (10%) before the 300 s');
  });

  test('entry by id: accepted unless it has no entry or describes another; the package name, entry.json and README follow from what is there', async () => {
    await fc.assert(
      fc.asyncProperty(instancesOf(spec.component('EntryById')), idChoice, async (generated, choice) => {
        const answer = generated as { entry?: Record<string, unknown> };
        const body = answer.entry === undefined ? answer : { ...answer, entry: aboutRecord(ENTRY_ID)(answer.entry, choice) };
        tenant.failNext('GET /api/v2/entries/{id}', { status: 200, body });
        const result = await outcome(client.getEntry(ENTRY_ID));
        const sent = body.entry;
        if (sent === undefined || (sent.id !== undefined && sent.id !== ENTRY_ID)) {
          assert.equal(!result.ok && result.error.code, BenchlingErrorCode.BAD_RESPONSE, JSON.stringify(body).slice(0, 300));
          return;
        }
        assert.ok(result.ok, `${JSON.stringify(body).slice(0, 300)}: ${result.ok ? '' : result.error.message}`);
        const entry = result.value;
        assert.equal(entry.id, ENTRY_ID);
        const name = entryPackageName('benchling', entry);
        assert.ok(isPackageName(name), name);
        const byDisplayId = typeof sent.displayId === 'string' && isPackageName(`benchling/${sent.displayId}`);
        assert.equal(name, byDisplayId ? `benchling/${sent.displayId as string}` : `benchling/${ENTRY_ID}`);
        const metadata = entryMetadata(entry);
        assert.equal(metadata.display_id, sent.displayId ?? null);
        assert.equal(metadata.name, sent.name ?? null);
        assert.equal(metadata.web_url, sent.webURL ?? null);
        JSON.stringify(metadata);
        const links = entryLinks(entry).map((l) => ({ id: l.id ?? null, type: l.type ?? null, name: null, web_url: l.webURL ?? null }));
        assert.ok(links.every((l) => l.id !== null || l.web_url !== null), 'a link keeps its id, or its URL when it has none');
        linksDocument(links, TARGETS);
        assert.match(entryReadme(entry, links, ['entry.html'], TARGETS), /^# \S/);
      }),
      RUNS,
    );
  });

  test('entry list: every page is accepted; its entries are those with an id the app can name, its nextToken absent when empty', async () => {
    await fc.assert(
      fc.asyncProperty(instancesOf(responseSchema('get', '/entries', 200)), async (generated) => {
        const body = generated as { entries?: { id?: unknown }[]; nextToken?: unknown };
        tenant.failNext('GET /api/v2/entries', { status: 200, body });
        const page = await client.listEntries({ pageSize: 100, sort: 'modifiedAt:asc' });
        const named = (body.entries ?? []).filter((e) => isBenchlingId(e.id)).map((e) => e.id);
        assert.deepEqual(page.entries.map((e) => e.id), named);
        assert.equal(page.unusable, (body.entries ?? []).length - named.length);
        assert.equal(page.nextToken, typeof body.nextToken === 'string' && body.nextToken !== '' ? body.nextToken : undefined);
      }),
      { ...RUNS, numRuns: 100 },
    );
  });

  test('linked objects: a custom entity, DNA sequence or entry gives its name, or none; never a failure', async () => {
    const cases = [
      { kind: 'custom_entity', route: 'GET /api/v2/custom-entities/{id}', schema: spec.component('CustomEntity'), nameOf: (b: Record<string, unknown>) => b.name },
      { kind: 'dna_sequence', route: 'GET /api/v2/dna-sequences/{id}', schema: spec.component('DnaSequence'), nameOf: (b: Record<string, unknown>) => b.name },
      { kind: 'entry', route: 'GET /api/v2/entries/{id}', schema: spec.component('EntryById'), nameOf: (b: Record<string, unknown>) => (b.entry as { name?: unknown } | undefined)?.name },
    ] as const;
    for (const { kind, route, schema, nameOf } of cases) {
      await fc.assert(
        fc.asyncProperty(instancesOf(schema), async (body) => {
          tenant.failNext(route, { status: 200, body });
          const name = nameOf(body as Record<string, unknown>);
          assert.equal(await client.getLinkedName(kind, 'bfi_Spec0001'), typeof name === 'string' ? name : undefined);
        }),
        { ...RUNS, numRuns: 100 },
      );
    }
  });

  test("export task link: accepted when its taskId is an id the next call can name, else BENCHLING_BAD_RESPONSE", async () => {
    await fc.assert(
      fc.asyncProperty(instancesOf(responseSchema('post', '/exports', 202)), async (body) => {
        tenant.failNext('POST /api/v2/exports', { status: 202, body });
        const result = await outcome(client.startExport(ENTRY_ID));
        const taskId = (body as { taskId?: unknown }).taskId;
        if (isBenchlingId(taskId)) assert.deepEqual(result, { ok: true, value: taskId });
        else assert.equal(!result.ok && result.error.code, BenchlingErrorCode.BAD_RESPONSE, JSON.stringify(body));
      }),
      RUNS,
    );
  });

  test('task status: SUCCEEDED is returned (an export needs its downloadURL), FAILED is BENCHLING_EXPORT_FAILED with its message, RUNNING times out', async () => {
    await fc.assert(
      fc.asyncProperty(instancesOf(responseSchema('get', '/tasks/{task_id}', 200)), async (body) => {
        const task = body as { status: string; message?: unknown; response?: { downloadURL?: unknown } };
        tenant.faults.clear();
        tenant.failNext('GET /api/v2/tasks/{id}', { status: 200, body, times: Infinity });
        const result = await outcome(client.waitForTask(TASK_ID, { firstPollMs: 250, maxPollMs: 1_000, timeoutMs: 2_000 }));
        if (task.status === 'RUNNING') return assert.equal(!result.ok && result.error.code, BenchlingErrorCode.EXPORT_TIMEOUT);
        if (task.status === 'FAILED') {
          assert.equal(!result.ok && result.error.code, BenchlingErrorCode.EXPORT_FAILED);
          if (typeof task.message === 'string' && task.message !== '') assert.ok(!result.ok && result.error.message.includes(task.message));
          return;
        }
        assert.ok(result.ok, JSON.stringify(body).slice(0, 300));
        const url = task.response?.downloadURL;
        const download = await outcome(Promise.resolve().then(() => exportDownloadURL(TASK_ID, result.value)));
        if (typeof url === 'string' && url !== '') assert.deepEqual(download, { ok: true, value: url });
        else assert.equal(!download.ok && download.error.code, BenchlingErrorCode.BAD_RESPONSE);
      }),
      RUNS,
    );
  });

  test('canvas: read, created or updated, a record is accepted unless it names another canvas; the binding check decides what may be drawn', async () => {
    const calls = [
      { route: 'GET /api/v2/app-canvases/{id}', status: 200, call: () => client.getCanvas(CANVAS_ID), byId: true },
      { route: 'PATCH /api/v2/app-canvases/{id}', status: 200, call: () => client.updateCanvas(CANVAS_ID, { enabled: true }), byId: true },
      { route: 'POST /api/v2/app-canvases', status: 201, call: () => client.createCanvas({ appId: tenant.appId, featureId: 'f', resourceId: ENTRY_ID, blocks: [] }), byId: false },
    ];
    for (const { route, status, call, byId } of calls) {
      await fc.assert(
        fc.asyncProperty(instancesOf(spec.component('AppCanvas')), idChoice, async (generated, choice) => {
          const body = aboutRecord(CANVAS_ID)(generated as Record<string, unknown>, choice);
          tenant.failNext(route, { status, body });
          const result = await outcome(call());
          if (byId && body.id !== undefined && body.id !== CANVAS_ID) {
            assert.equal(!result.ok && result.error.code, BenchlingErrorCode.BAD_RESPONSE, route);
            return;
          }
          assert.ok(result.ok, `${route}: ${JSON.stringify(body).slice(0, 300)}`);
          const verdict = bindingOf(result.value, tenant.appId);
          const app = body.app as { id?: unknown } | null | undefined;
          const drawable = isBenchlingId(result.value.id) && app?.id === tenant.appId && isBenchlingId(body.resourceId);
          assert.equal(verdict.ok, drawable, route);
        }),
        { ...RUNS, numRuns: 100 },
      );
    }
  });

  test("error bodies: every status an operation declares, and Benchling's common 401, 429 and 5xx, end in the code for the status, quoting the body's message", async () => {
    const commonError = { type: 'object', properties: { error: spec.component('BaseError') } };
    const cases: { route: string; status: number; schema: JsonSchema; code: string; call: () => Promise<unknown>; times?: number }[] = [
      { route: 'POST /api/v2/token', status: 400, schema: responseSchema('post', '/token', 400), code: BenchlingErrorCode.AUTH_FAILED, call: () => newClient().authenticate() },
      { route: 'POST /api/v2/token', status: 401, schema: responseSchema('post', '/token', 401), code: BenchlingErrorCode.AUTH_FAILED, call: () => newClient().authenticate() },
      { route: 'GET /api/v2/entries/{id}', status: 404, schema: responseSchema('get', '/entries/{entry_id}', 404), code: BenchlingErrorCode.NOT_FOUND, call: () => client.getEntry(ENTRY_ID) },
      { route: 'GET /api/v2/entries/{id}', status: 401, schema: commonError, code: BenchlingErrorCode.AUTH_FAILED, call: () => client.getEntry(ENTRY_ID), times: 2 },
      { route: 'POST /api/v2/exports', status: 400, schema: responseSchema('post', '/exports', 400), code: BenchlingErrorCode.REJECTED, call: () => client.startExport(ENTRY_ID) },
      { route: 'POST /api/v2/exports', status: 429, schema: commonError, code: BenchlingErrorCode.RATE_LIMITED, call: () => client.startExport(ENTRY_ID), times: Infinity },
      { route: 'GET /api/v2/tasks/{id}', status: 404, schema: responseSchema('get', '/tasks/{task_id}', 404), code: BenchlingErrorCode.NOT_FOUND, call: () => client.waitForTask(TASK_ID) },
      { route: 'GET /api/v2/tasks/{id}', status: 503, schema: commonError, code: BenchlingErrorCode.UNAVAILABLE, call: () => client.waitForTask(TASK_ID), times: Infinity },
      { route: 'POST /api/v2/app-canvases', status: 400, schema: responseSchema('post', '/app-canvases', 400), code: BenchlingErrorCode.CANVAS_REJECTED, call: () => client.createCanvas({ appId: tenant.appId, featureId: 'f', resourceId: ENTRY_ID, blocks: [] }) },
      { route: 'POST /api/v2/app-canvases', status: 403, schema: responseSchema('post', '/app-canvases', 403), code: BenchlingErrorCode.FORBIDDEN, call: () => client.createCanvas({ appId: tenant.appId, featureId: 'f', resourceId: ENTRY_ID, blocks: [] }) },
      { route: 'GET /api/v2/app-canvases/{id}', status: 404, schema: responseSchema('get', '/app-canvases/{canvas_id}', 404), code: BenchlingErrorCode.NOT_FOUND, call: () => client.getCanvas(CANVAS_ID) },
      { route: 'PATCH /api/v2/app-canvases/{id}', status: 403, schema: responseSchema('patch', '/app-canvases/{canvas_id}', 403), code: BenchlingErrorCode.FORBIDDEN, call: () => client.updateCanvas(CANVAS_ID, { enabled: true }) },
      { route: 'PATCH /api/v2/app-canvases/{id}', status: 404, schema: responseSchema('patch', '/app-canvases/{canvas_id}', 404), code: BenchlingErrorCode.NOT_FOUND, call: () => client.updateCanvas(CANVAS_ID, { enabled: true }) },
    ];
    for (const { route, status, schema, code, call, times } of cases) {
      await fc.assert(
        fc.asyncProperty(instancesOf(schema), async (body) => {
          tenant.faults.clear();
          tenant.failNext(route, { status, body, times: times ?? 1 });
          const result = await outcome(call());
          assert.equal(!result.ok && result.error.code, code, `${route} ${status}: ${JSON.stringify(body)}`);
          const message = (body as { error?: { message?: unknown } }).error?.message;
          if (typeof message === 'string' && message.trim() !== '') assert.ok(!result.ok && result.error.message.includes(message), `${route} ${status}`);
        }),
        { ...RUNS, numRuns: 100 },
      );
    }
  });
});
