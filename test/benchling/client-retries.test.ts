import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, beforeEach, describe, test } from 'node:test';
import { RateLimiter } from '../../src/benchling/rate-limiter.ts';
import { SandboxTenant } from '../../src/sandbox/index.ts';
import { appError, clientFor, fakeTime } from './client-fixtures.ts';

const ENTRY = 'GET /api/v2/entries/{id}';
const CANVASES = 'POST /api/v2/app-canvases';

describe('BenchlingClient: retries and errors', () => {
  let tenant: SandboxTenant;
  before(async () => {
    tenant = await new SandboxTenant({ rateLimit: false }).start();
  });
  after(() => tenant.stop());
  beforeEach(() => {
    tenant.setRateLimit(false);
    tenant.faults.clear();
    tenant.log.clear();
  });

  test("a 429 from the tenant's limit waits at least x-rate-limit-reset, then succeeds", async () => {
    tenant.setRateLimit({ limit: 2, windowMs: 60_000 });
    const time = fakeTime();
    const limiter = new RateLimiter({ now: time.now, sleep: time.sleep });
    const sleep = async (ms: number) => {
      await time.sleep(ms);
      tenant.setRateLimit(false); // the window the server asked us to wait out has passed
    };
    const client = clientFor(tenant, { now: time.now, sleep, rateLimiter: limiter, retry: { maxAttempts: 4, baseDelayMs: 5, maxDelayMs: 20 } });
    await client.getEntry(tenant.demoEntry.id); // the token and this call use up the window
    const entry = await client.getEntry(tenant.demoEntry.id);
    assert.equal(entry.id, tenant.demoEntry.id);
    assert.equal(tenant.count(ENTRY, 429), 1);
    assert.equal(time.waits.length, 1);
    assert.ok(time.waits[0]! >= 59_000, `waited ${time.waits[0]} ms for a ~60 s reset`);
  });

  test('Retry-After on a 503 is honoured over a shorter backoff', async () => {
    tenant.failNext(ENTRY, { status: 503, headers: { 'retry-after': '7' } });
    const time = fakeTime();
    await clientFor(tenant, { sleep: time.sleep, now: time.now }).getEntry(tenant.demoEntry.id);
    assert.equal(time.waits.length, 1);
    assert.ok(time.waits[0]! >= 7_000);
  });

  test('500s are retried with capped, jittered backoff, then the call succeeds', async () => {
    tenant.failNext(ENTRY, { status: 500, times: 3 });
    const time = fakeTime();
    const client = clientFor(tenant, { sleep: time.sleep, now: time.now, retry: { maxAttempts: 5, baseDelayMs: 100, maxDelayMs: 250 } });
    assert.equal((await client.getEntry(tenant.demoEntry.id)).id, tenant.demoEntry.id);
    assert.equal(tenant.count(ENTRY), 4);
    assert.equal(time.waits.length, 3);
    time.waits.forEach((ms, i) => assert.ok(ms >= 0 && ms <= Math.min(250, 100 * 2 ** i), `wait ${i}: ${ms}`));
  });

  test('a persistent 500 fails with BENCHLING_UNAVAILABLE after maxAttempts, with Benchling’s message', async () => {
    tenant.failNext(ENTRY, { status: 500, times: Infinity });
    const time = fakeTime();
    const client = clientFor(tenant, { sleep: time.sleep, retry: { maxAttempts: 4 } });
    await assert.rejects(client.getEntry(tenant.demoEntry.id), appError('BENCHLING_UNAVAILABLE', /after 4 attempts: HTTP 500 Internal server error/));
    assert.equal(tenant.count(ENTRY), 4);
    assert.equal(time.waits.length, 3);
  });

  test('a slow answer times out and the retry succeeds', async () => {
    tenant.delayNext(ENTRY, 3_000);
    const client = clientFor(tenant, { timeouts: { requestMs: 250 } });
    const started = Date.now();
    assert.equal((await client.getEntry(tenant.demoEntry.id)).id, tenant.demoEntry.id);
    assert.equal(tenant.count(ENTRY), 2);
    assert.ok(Date.now() - started < 2_000, 'did not wait for the slow answer');
  });

  test('answers that never come in time end as BENCHLING_TIMEOUT', async () => {
    tenant.delayNext(ENTRY, 2_000, 2);
    const client = clientFor(tenant, { timeouts: { requestMs: 150 }, retry: { maxAttempts: 2 } });
    await assert.rejects(client.getEntry(tenant.demoEntry.id), appError('BENCHLING_TIMEOUT', /no answer within 150 ms from 127\.0\.0\.1:\d+: a network problem/));
  });

  test('a 404 is not retried and carries Benchling’s error.message', async () => {
    await assert.rejects(clientFor(tenant).getEntry('etr_missing'), appError('BENCHLING_NOT_FOUND', /Entry not found: etr_missing/));
    assert.equal(tenant.count('GET /api/v2/entries/etr_missing'), 1);
  });

  test('a 403 says to share the project with the app', async () => {
    tenant.failNext(ENTRY, { status: 403, body: { error: { message: 'You do not have access.', type: 'invalid_request_error' } } });
    await assert.rejects(clientFor(tenant).getEntry(tenant.demoEntry.id), appError('BENCHLING_FORBIDDEN', /You do not have access\..*share the project/));
  });

  test('a refused request is BENCHLING_REQUEST_REJECTED with the reason; a refused canvas write is BENCHLING_CANVAS_REJECTED', async () => {
    await assert.rejects(clientFor(tenant).startExport('etr_nothere'), appError('BENCHLING_REQUEST_REJECTED', /HTTP 400 .*No item with id etr_nothere/));
    const body = { appId: 'app_other', featureId: tenant.featureId, resourceId: tenant.demoEntry.id, blocks: [] };
    await assert.rejects(clientFor(tenant).createCanvas(body), appError('BENCHLING_CANVAS_REJECTED', /HTTP 400 .*is not this app/));
  });

  test('creating a canvas is not repeated after a 500 (it might exist), but is after a 429', async () => {
    const body = { appId: tenant.appId, featureId: tenant.featureId, resourceId: tenant.demoEntry.id, blocks: [{ type: 'MARKDOWN', value: 'hi' }] };
    const time = fakeTime();
    const rateLimiter = new RateLimiter({ now: time.now, sleep: time.sleep });
    const client = clientFor(tenant, { sleep: time.sleep, now: time.now, rateLimiter });
    tenant.failNext(CANVASES, { status: 500 });
    await assert.rejects(client.createCanvas(body), appError('BENCHLING_UNAVAILABLE', /after 1 attempt:/));
    tenant.failNext(CANVASES, { status: 429, headers: { 'x-rate-limit-reset': '2' } });
    assert.match((await client.createCanvas(body)).id ?? '', /^cnvs_/);
    assert.equal(tenant.count(CANVASES), 3);
    assert.ok(time.waits.at(-1)! >= 2_000, 'waited out the reset');
  });

  test('an unreachable tenant is BENCHLING_UNREACHABLE after the retries', async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    await new Promise((resolve) => server.close(resolve));
    const time = fakeTime();
    const client = clientFor(tenant, { apiBase: `http://127.0.0.1:${port}/`, sleep: time.sleep, retry: { maxAttempts: 3 } });
    await assert.rejects(client.getEntry('etr_1'), appError('BENCHLING_UNREACHABLE', /after 3 attempts: 127\.0\.0\.1:\d+ refused the connection \(ECONNREFUSED\): a network problem, not a credentials one/));
    assert.equal(time.waits.length, 2);
  });

  test('an API base that is not a plain http(s) URL is refused up front', () => {
    for (const apiBase of ['acme.benchling.com', 'ftp://acme.benchling.com', 'https://acme.benchling.com/?x=1', 'https://u:p@acme.benchling.com']) {
      assert.throws(() => clientFor(tenant, { apiBase }), appError('BENCHLING_CLIENT_CONFIG'));
    }
  });
});

describe('BenchlingClient: the shared client-side rate limit', () => {
  test('50 concurrent getEntry calls never put more than the limit into any window at the tenant', async () => {
    const limit = 10;
    const windowMs = 500;
    const tenant = await new SandboxTenant({ rateLimit: { limit, windowMs } }).start();
    try {
      const limiter = new RateLimiter({ limit, windowMs });
      // Two clients, as the service and the worker of one process would be, sharing the limiter.
      const clients = [clientFor(tenant, { rateLimiter: limiter }), clientFor(tenant, { rateLimiter: limiter })];
      const calls = Array.from({ length: 50 }, (_, i) => clients[i % 2]!.getEntry(tenant.demoEntry.id));
      assert.equal((await Promise.all(calls)).length, 50);
      const api = tenant.log.entries.filter((e) => e.path.startsWith('/api/v2/'));
      assert.equal(api.filter((e) => e.status === 429).length, 0, 'the tenant never had to refuse');
      assert.equal(api.length, 52, '50 entries and one token per client');
      for (const first of api) {
        const inWindow = api.filter((e) => e.at >= first.at && e.at < first.at + windowMs).length;
        assert.ok(inWindow <= limit, `${inWindow} requests in the ${windowMs} ms from ${first.at}`);
      }
    } finally {
      await tenant.stop();
    }
  });
});
