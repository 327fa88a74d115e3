import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import { SandboxTenant } from '../../src/sandbox/index.ts';
import { apiFor, basic, exportEntry, tokenFor, unzip, type Api } from './sandbox-client.ts';

describe('sandbox tenant: rate limit', () => {
  test('answers 429 with Benchling’s body after the limit, with x-rate-limit-* headers on every reply', async () => {
    const tenant = await new SandboxTenant({ rateLimit: { limit: 3, windowMs: 400 } }).start();
    try {
      const token = await tokenFor(tenant); // the token call counts too
      const get = () => fetch(`${tenant.apiUrl}/entries/${tenant.demoEntry.id}`, { headers: { authorization: `Bearer ${token}` } });
      const first = await get();
      assert.equal(first.status, 200);
      assert.equal(first.headers.get('x-rate-limit-limit'), '3');
      assert.equal(first.headers.get('x-rate-limit-remaining'), '1');
      assert.equal((await get()).status, 200);
      const limited = await get();
      assert.equal(limited.status, 429);
      assert.deepEqual(((await limited.json()) as { error: { message: string } }).error.message, 'Rate limit exceeded.');
      assert.equal(limited.headers.get('x-rate-limit-remaining'), '0');
      assert.equal(limited.headers.get('x-rate-limit-reset'), '1');
      assert.equal(tenant.requests('/api/v2/entries/*').at(-1)!.fault, 'rate-limited');
      await new Promise((resolve) => setTimeout(resolve, 420));
      assert.equal((await get()).status, 200, 'a new window opens after the reset');
    } finally {
      await tenant.stop();
    }
  });

  test('downloads and the JWKS are outside the API limit; the limit can be switched off', async () => {
    const tenant = await new SandboxTenant({ rateLimit: { limit: 1, windowMs: 60_000 } }).start();
    try {
      for (let i = 0; i < 3; i++) assert.equal((await fetch(tenant.jwksUrl)).status, 200);
      assert.equal((await fetch(tenant.jwksUrl)).headers.get('x-rate-limit-limit'), null);
      await tokenFor(tenant);
      assert.equal((await fetch(`${tenant.apiUrl}/entries/x`)).status, 429);
      tenant.setRateLimit(false);
      assert.equal((await fetch(`${tenant.apiUrl}/entries/x`)).status, 401);
    } finally {
      await tenant.stop();
    }
  });
});

describe('sandbox tenant: fault injection', () => {
  let tenant: SandboxTenant;
  let api: Api;
  before(async () => {
    tenant = await new SandboxTenant({ rateLimit: false }).start();
    api = await apiFor(tenant);
  });
  after(() => tenant.stop());

  test('failNext fails the given number of matching requests with the given status and headers', async () => {
    tenant.failNext('POST /api/v2/exports', { status: 429, times: 2, headers: { 'retry-after': '1' } });
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) {
      const response = await api.send('POST', '/exports', { id: tenant.demoEntry.id, format: 'html' });
      statuses.push(response.status);
      if (response.status === 429) {
        assert.equal(response.headers.get('retry-after'), '1');
        assert.equal(((await response.json()) as { error: { message: string } }).error.message, 'Rate limit exceeded.');
      }
    }
    assert.deepEqual(statuses, [429, 429, 202]);
    assert.equal(tenant.count('POST /api/v2/exports'), 3);
    assert.equal(tenant.count('POST /api/v2/exports', 202), 1);
  });

  test('failNext takes a custom body, any method, a RegExp, and reaches the JWKS route', async () => {
    tenant.failNext('/api/v2/entries/{id}', { status: 500, body: { custom: true } });
    const failed = await api.get(`/entries/${tenant.demoEntry.id}`);
    assert.equal(failed.status, 500);
    assert.deepEqual(await failed.json(), { custom: true });
    assert.equal((await api.get(`/entries/${tenant.demoEntry.id}`)).status, 200);
    tenant.failNext(/^GET \/api\/v2\/custom-entities\//, { status: 503 });
    assert.equal((await api.get('/custom-entities/bfi_x')).status, 503);
    tenant.failNext('GET /api/v1/apps/*/jwks', { status: 502 });
    assert.equal((await fetch(tenant.jwksUrl)).status, 502);
    assert.equal((await fetch(tenant.jwksUrl)).status, 200);
  });

  test('delayNext holds matching requests for the given time', async () => {
    tenant.delayNext('GET /api/v2/entries/{id}', 150);
    let started = performance.now();
    assert.equal((await api.get(`/entries/${tenant.demoEntry.id}`)).status, 200);
    assert.ok(performance.now() - started >= 140);
    started = performance.now();
    await api.get(`/entries/${tenant.demoEntry.id}`);
    assert.ok(performance.now() - started < 140, 'only the next request is delayed');
    assert.equal(tenant.requests('GET /api/v2/entries/{id}').at(-2)!.fault, 'delayed');
  });

  test('an export can end FAILED with a message', async () => {
    tenant.failNextExport('Export failed: the entry could not be rendered');
    const task = await exportEntry(api, tenant.demoEntry.id);
    assert.equal(task.status, 'FAILED');
    assert.equal(task.message, 'Export failed: the entry could not be rendered');
    assert.equal((await exportEntry(api, tenant.demoEntry.id)).status, 'SUCCEEDED');
  });

  test('a truncated download is a short but complete response that is not a readable ZIP', async () => {
    const task = await exportEntry(api, tenant.demoEntry.id);
    tenant.truncateNextDownload({ keepBytes: 100 });
    const truncated = await fetch(task.response!.downloadURL);
    const bytes = Buffer.from(await truncated.arrayBuffer());
    assert.equal(bytes.length, 100);
    await assert.rejects(unzip(bytes));
    const whole = Buffer.from(await (await fetch(task.response!.downloadURL)).arrayBuffer());
    assert.equal((await unzip(whole)).size, 4, 'the next download is whole again');
  });

  test('an aborted download announces the full length and drops the connection', async () => {
    const task = await exportEntry(api, tenant.demoEntry.id);
    tenant.truncateNextDownload({ abort: true });
    const response = await fetch(task.response!.downloadURL);
    assert.equal(response.status, 200);
    await assert.rejects(response.arrayBuffer());
  });

  test('a crafted export downloads as given, chunked when it has no size; each export keeps the body it started with', async () => {
    const entry = tenant.addEntry();
    const body = Buffer.from('not a zip at all');
    tenant.craftExport(entry.id, { size: body.length, open: () => Readable.from([body]) });
    const announced = await exportEntry(api, entry.id);
    tenant.craftExport(entry.id, { open: () => Readable.from([body]) });
    const chunked = await exportEntry(api, entry.id);
    tenant.craftExport(entry.id, undefined);
    const real = await exportEntry(api, entry.id);
    const first = await fetch(announced.response!.downloadURL);
    assert.equal(first.headers.get('content-length'), String(body.length));
    assert.deepEqual(Buffer.from(await first.arrayBuffer()), body);
    const second = await fetch(chunked.response!.downloadURL);
    assert.equal(second.headers.get('content-length'), null);
    assert.equal(second.headers.get('transfer-encoding'), 'chunked');
    assert.deepEqual(Buffer.from(await second.arrayBuffer()), body);
    // A download of the same export again opens the body again.
    assert.deepEqual(Buffer.from(await (await fetch(announced.response!.downloadURL)).arrayBuffer()), body);
    assert.ok((await unzip(Buffer.from(await (await fetch(real.response!.downloadURL)).arrayBuffer()))).size > 0);
    assert.throws(() => tenant.craftExport('etr_nope', undefined), { name: 'AppError', code: 'sandbox_unknown_entry' });
  });

  test('an echoing fault quotes the request back: Authorization header, Bearer token, Basic credentials form-encoded, body', async () => {
    const token = tenant.issuedTokens.at(-1)!;
    tenant.failNext('GET /api/v2/entries/{id}', { status: 400, echo: true });
    const bearer = (await (await api.get(`/entries/${tenant.demoEntry.id}`)).json()) as { error: { message: string; echo: Record<string, string> } };
    assert.match(bearer.error.message, /^Request failed with status 400\. Authorization: Bearer (\S+); token: \1; body: $/);
    assert.equal(bearer.error.echo.token, token);

    const { client_id, client_secret } = tenant.secret;
    tenant.failNext('POST /api/v2/token', { status: 401, echo: true });
    const refused = await fetch(`${tenant.apiUrl}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basic(client_id, client_secret) },
      body: 'grant_type=client_credentials',
    });
    assert.equal(refused.status, 401);
    const { message } = ((await refused.json()) as { error: { message: string } }).error;
    assert.ok(message.includes(basic(client_id, client_secret)));
    assert.ok(message.includes(new URLSearchParams({ client_id, client_secret }).toString()));
    assert.ok(message.endsWith('body: grant_type=client_credentials'));
    assert.equal(tenant.requests('POST /api/v2/token').at(-1)!.fault, 'failed');
  });

  test('faults refuse nonsense arguments with AppError', () => {
    assert.throws(() => tenant.failNext('/x', { status: 42 }), { name: 'AppError', code: 'sandbox_bad_fault' });
    assert.throws(() => tenant.delayNext('/x', 10, 0), { name: 'AppError' });
  });

  test('the request log records method, path, route, status and time', () => {
    const last = tenant.requests('GET /downloads/*').at(-1)!;
    assert.equal(last.route, 'GET /downloads/{token}.zip');
    assert.equal(last.status, 200);
    assert.ok(last.at > 0 && last.durationMs !== undefined);
    assert.ok(tenant.log.countsByRoute()['POST /api/v2/token']! >= 1);
  });
});
