import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { AppError } from '../../src/errors/app-error.ts';
import { JwksCache, httpFetchJwks } from '../../src/benchling/jwks-cache.ts';
import { WebhookVerifier } from '../../src/benchling/webhook-verifier.ts';
import { jwksOf, makeSigningKey, manualClock, signedHeaders, startJwksServer } from './webhook-fixtures.ts';
import type { JwksServer, SigningKey } from './webhook-fixtures.ts';

const oldKey = makeSigningKey('P-256', 'old');
const newKey = makeSigningKey('P-256', 'new');
const body = Buffer.from('{"version":"0","message":{"type":"v2.entry.created"}}');

let server: JwksServer;
let pathCounter = 0;

before(async () => {
  server = await startJwksServer();
});
after(() => server.close());

function setup(jwks: object = jwksOf(oldKey)) {
  pathCounter += 1;
  const path = `/apps/appdef_${pathCounter}/jwks`;
  server.serve(path, jwks);
  const clock = manualClock();
  const jwksCache = new JwksCache({ fetchJwks: (url) => httpFetchJwks(url, { timeoutMs: 2_000 }), url: server.url(path), now: clock.now });
  const verifier = new WebhookVerifier({ jwks: jwksCache, now: clock.now });
  const headersFor = (...keys: SigningKey[]) => signedHeaders(body, keys, `msg_${clock.now()}`, `${Math.floor(clock.now() / 1000)}`);
  return { path, clock, verifier, headersFor, requests: () => server.requests(path) };
}

test('a request signed with the cached key verifies without a second fetch', async () => {
  const { verifier, headersFor, requests } = setup();
  assert.deepEqual(await verifier.verify(headersFor(oldKey), body), { ok: true });
  assert.deepEqual(await verifier.verify(headersFor(oldKey), body), { ok: true });
  assert.equal(requests(), 1);
});

test('a key rotated at Benchling is picked up on the first miss', async () => {
  const { path, clock, verifier, headersFor, requests } = setup();
  assert.deepEqual(await verifier.verify(headersFor(oldKey), body), { ok: true });
  server.serve(path, jwksOf(oldKey, newKey));
  clock.advance(60_000);
  assert.deepEqual(await verifier.verify(headersFor(newKey), body), { ok: true });
  assert.equal(requests(), 2);
});

test('misses trigger exactly one re-fetch per interval', async () => {
  const { clock, verifier, headersFor, requests } = setup();
  await verifier.verify(headersFor(oldKey), body);
  clock.advance(60_000);
  const misses = await Promise.all(Array.from({ length: 10 }, () => verifier.verify(headersFor(newKey), body)));
  for (const result of misses) assert.deepEqual(result, { ok: false, reason: 'invalid_signature' });
  assert.equal(requests(), 2);
  clock.advance(30_000);
  await verifier.verify(headersFor(newKey), body);
  assert.equal(requests(), 2);
  clock.advance(30_000);
  await verifier.verify(headersFor(newKey), body);
  assert.equal(requests(), 3);
});

test('requests without headers, with a stale timestamp or with no usable signature never fetch keys', async () => {
  const { clock, verifier, headersFor, requests } = setup();
  const good = headersFor(oldKey);
  const { 'webhook-id': _dropped, ...noId } = good;
  assert.deepEqual(await verifier.verify(noId, body), { ok: false, reason: 'missing_headers' });
  clock.advance(301_000);
  assert.deepEqual(await verifier.verify(good, body), { ok: false, reason: 'stale_timestamp' });
  const fresh = headersFor(oldKey);
  assert.deepEqual(await verifier.verify({ ...fresh, 'webhook-signature': 'v1,abc v1bder,%%%' }, body), {
    ok: false,
    reason: 'invalid_signature',
  });
  assert.equal(requests(), 0);
});

test('no key set at all: verify rejects with JWKS_UNAVAILABLE (the HTTP layer answers 503)', async () => {
  const { verifier, headersFor } = setup({ status: 502, body: 'bad gateway' });
  await assert.rejects(verifier.verify(headersFor(oldKey), body), (error: unknown) => error instanceof AppError && error.code === 'JWKS_UNAVAILABLE');
});

test('a flipped body byte is refused even with the right key', async () => {
  const { verifier, headersFor } = setup();
  const headers = headersFor(oldKey);
  const tampered = Buffer.from(body);
  tampered[5] = (tampered[5] ?? 0) ^ 0x20;
  assert.deepEqual(await verifier.verify(headers, tampered), { ok: false, reason: 'invalid_signature' });
});
