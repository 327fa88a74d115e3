import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, beforeEach, describe, test } from 'node:test';
import { BenchlingError, BenchlingErrorCode } from '../../src/benchling/api-errors.ts';
import { SandboxTenant } from '../../src/sandbox/index.ts';
import { captured, knownSecretValues } from '../support/leak-guard.ts';
import { benchlingSpec, type HttpMethod } from '../support/openapi-spec.ts';
import { recordingFetch, type Exchange } from '../support/recording-fetch.ts';
import { clientFor } from './client-fixtures.ts';

/**
 * The app sends only what Benchling's spec allows: every request body the client sends
 * (the token form, the export request, canvas creates and updates) is checked against the
 * spec's request schema for its operation. And a canvas body the spec does not allow is
 * refused by the sandbox as Benchling would, with 400 naming the field, which the client
 * reports as BENCHLING_CANVAS_REJECTED.
 */

const spec = benchlingSpec();

/** The spec's request schema for an exchange's operation: `/api/v2/app-canvases/cnvs_1` is `/app-canvases/{canvas_id}`. */
function requestSchemaOf(exchange: Exchange) {
  const path = exchange.path.replace(/^\/api\/v2/, '');
  const operation = spec.operations.find((o) => o.method === (exchange.method.toLowerCase() as HttpMethod) && new RegExp(`^${o.path.replace(/\{[^}]+\}/g, '[^/]+')}$`).test(path));
  return operation?.request;
}

describe('the requests the client sends', () => {
  let tenant: SandboxTenant;
  let dir: string;
  const exchanges: Exchange[] = [];
  beforeEach(() => {
    exchanges.length = 0;
  });
  before(async () => {
    tenant = await new SandboxTenant({ rateLimit: false }).start();
    knownSecretValues(tenant.secret.client_id, tenant.secret.client_secret);
    dir = await mkdtemp(join(tmpdir(), 'bw-requests-'));
  });
  after(async () => {
    await tenant.stop();
    await rm(dir, { recursive: true, force: true });
  });

  test('token, export and canvas bodies each conform to the request schema of their operation', async () => {
    const client = clientFor(tenant, { fetch: recordingFetch(exchanges) });
    const entry = tenant.demoEntry;
    await client.exportEntryZip(entry.id, dir);
    const canvas = await client.createCanvas({
      appId: tenant.appId,
      featureId: tenant.featureId,
      resourceId: entry.id,
      blocks: [{ type: 'MARKDOWN', id: 'main', value: '## Updating…' }],
      data: null,
    });
    await client.updateCanvas(canvas.id!, { blocks: [{ type: 'SECTION', id: 'row', children: [{ type: 'BUTTON', id: 'go', text: 'Go', enabled: true }] }], data: '{"v":1}', enabled: true });
    const sent = exchanges.filter((e) => e.requestBody !== undefined);
    assert.deepEqual(
      sent.map((e) => `${e.method} ${e.path.replace(/(cnvs|etr)_\w+/, '$1_…')}`),
      ['POST /api/v2/token', 'POST /api/v2/exports', 'POST /api/v2/app-canvases', 'PATCH /api/v2/app-canvases/cnvs_…'],
    );
    for (const exchange of sent) {
      const schema = requestSchemaOf(exchange);
      assert.ok(schema, `${exchange.method} ${exchange.path} has a request schema`);
      assert.deepEqual(spec.violations(schema, exchange.requestBody), [], `${exchange.method} ${exchange.path}: ${JSON.stringify(exchange.requestBody)}`);
    }
  });

  test('a canvas body the spec does not allow: the sandbox answers 400 naming the field, the client reports BENCHLING_CANVAS_REJECTED', async () => {
    const client = clientFor(tenant, { fetch: recordingFetch(exchanges) });
    const canvas = await client.createCanvas({ appId: tenant.appId, featureId: tenant.featureId, resourceId: tenant.demoEntry.id, blocks: [] });
    const body = { blocks: [{ type: 'MARKDOWN', id: 'main', value: 'Ready' }, { type: 'BUTTON', id: 'go' }] };
    assert.deepEqual(spec.violations(spec.component('AppCanvasUpdate'), body).map((v) => v.path).includes('/blocks/1'), true, 'the spec refuses it: a button needs its text');

    const refused = await client.updateCanvas(canvas.id!, body).then(
      () => assert.fail('the sandbox accepted a button without text'),
      (error: unknown) => error,
    );
    assert.ok(refused instanceof BenchlingError);
    captured('canvas refusal', refused.message);
    assert.equal(refused.code, BenchlingErrorCode.CANVAS_REJECTED);
    assert.equal(refused.transient, false, 'no retry fixes a body');
    assert.equal(refused.status, 400);
    assert.match(refused.message, /^Benchling answered HTTP 400 to PATCH \/api\/v2\/app-canvases\/cnvs_\w+: Invalid request body: blocks\.1\.text: Invalid input: expected string, received undefined\. The canvas the app drew is not one Benchling accepts/);

    const answer = exchanges.at(-1)!;
    assert.equal(answer.status, 400);
    assert.deepEqual(spec.violations(spec.operation('post', '/app-canvases')!.responses.get(400)!, answer.body), [], "a refusal in Benchling's BadRequestError shape");
    assert.match((answer.body as { error: { message: string } }).error.message, /blocks\.1\.text/);
    assert.deepEqual(tenant.canvas(canvas.id!)?.blocks, [], 'nothing of the refused body was applied');
    assert.equal(tenant.canvasWrites.at(-1)?.status, 400);
  });

  test('a canvas create with a field the spec does not have is refused the same way, naming the field', async () => {
    const client = clientFor(tenant);
    const create = client.createCanvas({ appId: tenant.appId, featureId: tenant.featureId, resourceId: tenant.demoEntry.id, blocks: [], colour: 'red' } as never);
    await assert.rejects(create, (error: unknown) => error instanceof BenchlingError && error.code === BenchlingErrorCode.CANVAS_REJECTED && /colour: not a field of this body/.test(error.message));
  });
});
