import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { SandboxTenant } from '../../src/sandbox/index.ts';
import { SecretRedactor } from '../../src/secret/redact.ts';
import { spellingsIn } from '../support/credential-spellings.ts';
import { appError, capturedLog, clientFor, fakeTime } from './client-fixtures.ts';

const TOKEN = 'POST /api/v2/token';
const ENTRY = 'GET /api/v2/entries/{id}';

describe('BenchlingClient: OAuth2 client credentials', () => {
  let tenant: SandboxTenant;
  before(async () => {
    // 20 s tokens: refreshed 2 s early (10%, within 1..60 s).
    tenant = await new SandboxTenant({ rateLimit: false, tokenLifetimeSeconds: 20 }).start();
  });
  after(() => tenant.stop());
  beforeEach(() => {
    tenant.log.clear();
    tenant.faults.clear();
  });

  test('fetches one token with HTTP Basic and reuses it for later calls', async () => {
    const client = clientFor(tenant);
    for (let i = 0; i < 3; i++) assert.equal((await client.getEntry(tenant.demoEntry.id)).id, tenant.demoEntry.id);
    assert.equal(tenant.count(TOKEN, 200), 1);
    assert.equal(tenant.count(ENTRY, 200), 3);
  });

  test('refreshes the token at expires_in minus the margin, not before', async () => {
    const time = fakeTime();
    const client = clientFor(tenant, { now: time.now, sleep: time.sleep });
    await client.getEntry(tenant.demoEntry.id);
    time.advance(17_999);
    await client.getEntry(tenant.demoEntry.id);
    assert.equal(tenant.count(TOKEN), 1, 'still within 20 s − 2 s');
    time.advance(1);
    await client.getEntry(tenant.demoEntry.id);
    assert.equal(tenant.count(TOKEN), 2, 'refreshed 2 s before expiry');
  });

  test('concurrent callers share one token request, first and at refresh', async () => {
    const time = fakeTime();
    const client = clientFor(tenant, { now: time.now, sleep: time.sleep });
    const burst = () => Promise.all(Array.from({ length: 20 }, () => client.getEntry(tenant.demoEntry.id)));
    await burst();
    assert.equal(tenant.count(TOKEN), 1);
    time.advance(60_000);
    await burst();
    assert.equal(tenant.count(TOKEN), 2);
    assert.equal(tenant.count(ENTRY, 200), 40);
  });

  test('a 401 on an API call forces one refresh and one retry', async () => {
    const client = clientFor(tenant);
    await client.getEntry(tenant.demoEntry.id);
    tenant.revokeTokens();
    await Promise.all([client.getEntry(tenant.demoEntry.id), client.getEntry(tenant.demoEntry.id)]);
    assert.equal(tenant.count(TOKEN), 2, 'both 401s share the one refresh');
    assert.equal(tenant.count(ENTRY, 401), 2);
    assert.equal(tenant.count(ENTRY, 200), 3);
  });

  test('a 401 that survives the refresh is BENCHLING_AUTH_FAILED, with no third try', async () => {
    const client = clientFor(tenant);
    tenant.failNext(ENTRY, { status: 401, times: 2 });
    await assert.rejects(client.getEntry(tenant.demoEntry.id), appError('BENCHLING_AUTH_FAILED', /freshly issued access token/));
    assert.equal(tenant.count(ENTRY), 2);
    assert.equal(tenant.count(TOKEN), 2);
  });

  test('wrong credentials: BENCHLING_AUTH_FAILED naming the fields, never their values, not retried', async () => {
    const { log, lines } = capturedLog();
    const badSecret = 'sbx-wrong-secret-5f1e2d3c';
    const client = clientFor(tenant, { clientSecret: badSecret, log });
    let message = '';
    await assert.rejects(client.getEntry(tenant.demoEntry.id), (error: unknown) => {
      assert.ok(appError('BENCHLING_AUTH_FAILED', /client_id and client_secret/)(error));
      message = (error as Error).message;
      return true;
    });
    assert.match(message, /HTTP 401/);
    for (const value of [badSecret, tenant.secret.client_id, tenant.secret.client_secret]) {
      assert.ok(!message.includes(value), 'no credential in the message');
      assert.ok(!lines.join('').includes(value), 'no credential in the log');
    }
    assert.equal(tenant.count(TOKEN), 1);
    assert.equal(tenant.count(ENTRY), 0);
  });

  test('a 400 from the token endpoint is BENCHLING_AUTH_FAILED as well', async () => {
    tenant.failNext(TOKEN, { status: 400 });
    await assert.rejects(clientFor(tenant).authenticate(), appError('BENCHLING_AUTH_FAILED', /HTTP 400/));
  });

  test('a failed refresh does not poison the cache: the next call tries again', async () => {
    const client = clientFor(tenant, { retry: { maxAttempts: 1 } });
    tenant.failNext(TOKEN, { status: 503 });
    await assert.rejects(client.getEntry(tenant.demoEntry.id), appError('BENCHLING_UNAVAILABLE'));
    assert.equal((await client.getEntry(tenant.demoEntry.id)).id, tenant.demoEntry.id);
    assert.equal(tenant.count(TOKEN), 2);
  });
});

describe('BenchlingClient: a tenant that echoes credentials in its error bodies', () => {
  // Characters that every encoding spells differently: base64 `+/=`, form `+` for a space, JSON `"` and `\`, UTF-8.
  const credentials = { client_id: 'echo id+/é=%2F', client_secret: 'echo "secret" \\ +/= 50% & é😀' };
  let tenant: SandboxTenant;
  before(async () => {
    tenant = await new SandboxTenant({ rateLimit: false, credentials }).start();
  });
  after(() => tenant.stop());
  beforeEach(() => tenant.faults.clear());

  function assertNoCredential(text: string, tokens: readonly string[] = []): void {
    assert.deepEqual(spellingsIn(text, { clientId: credentials.client_id, clientSecret: credentials.client_secret, tokens }), [], text);
  }

  test('a refused token request: the error says what to check, and quotes neither the Basic header nor the credentials', async () => {
    tenant.failNext(TOKEN, { status: 401, echo: true });
    const error = await clientFor(tenant).authenticate().then(
      () => assert.fail('authenticated'),
      (e: unknown) => e as Error,
    );
    assert.ok(appError('BENCHLING_AUTH_FAILED', /answered HTTP 401 to POST \/api\/v2\/token: Request failed with status 401\. Authorization: Basic \[REDACTED\]; credentials: client_id=\[REDACTED\]&client_secret=\[REDACTED\]; body: grant_type=client_credentials\. Benchling did not accept/)(error));
    assertNoCredential(error.message);
  });

  test('refused API calls (400, 503 after retries, 401 after the refresh) quote no token, and the shared redactor learned every token', async () => {
    const redactor = new SecretRedactor();
    const { log, lines } = capturedLog();
    const client = clientFor(tenant, { redactor, log, retry: { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 2 } });
    const messages: string[] = [];
    const failing = async (spec: Parameters<SandboxTenant['failNext']>[1]) => {
      tenant.failNext(ENTRY, { ...spec, echo: true });
      await client.getEntry(tenant.demoEntry.id).then(
        () => assert.fail('the call succeeded'),
        (e: unknown) => messages.push((e as Error).message),
      );
    };
    await failing({ status: 400 });
    await failing({ status: 503, times: 2 });
    await failing({ status: 401, times: 2 });
    assert.equal(messages.length, 3);
    assert.equal(tenant.issuedTokens.length, 2, 'the 401 made the client fetch a second token');
    for (const message of messages) assert.match(message, /Authorization: Bearer \[REDACTED\]; token: \[REDACTED\]/);
    assertNoCredential([...messages, ...lines].join('\n'), tenant.issuedTokens);
    for (const token of tenant.issuedTokens) assert.equal(redactor.scrub(`a log line quoting ${token}`), 'a log line quoting [REDACTED]');
  });
});
