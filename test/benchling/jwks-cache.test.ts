import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import fc from 'fast-check';
import { AppError } from '../../src/errors/app-error.ts';
import { JwksCache, MAX_JWKS_BYTES, MAX_JWKS_KEYS, MAX_JWKS_TTL_MS, httpFetchJwks } from '../../src/benchling/jwks-cache.ts';
import type { JwksCacheOptions } from '../../src/benchling/jwks-cache.ts';
import { jwksOf, makeSigningKey, manualClock, startJwksServer } from './webhook-fixtures.ts';
import type { JwksServer } from './webhook-fixtures.ts';
import { startHostileJwks } from '../support/hostile-jwks.ts';

const keyA = makeSigningKey('P-256', 'a');
const keyB = makeSigningKey('P-256', 'b');
const keyC = makeSigningKey('P-256', 'c');

let server: JwksServer;
let pathCounter = 0;

before(async () => {
  server = await startJwksServer();
});
after(() => server.close());

/** Every test gets its own path on the shared server, so request counts never mix. */
function freshPath(body: Reply = jwksOf(keyA)): string {
  pathCounter += 1;
  const path = `/apps/appdef_${pathCounter}/jwks`;
  server.serve(path, body);
  return path;
}
type Reply = Parameters<JwksServer['serve']>[1];

function cacheFor(path: string, options: Partial<JwksCacheOptions> = {}) {
  const clock = manualClock();
  const cache = new JwksCache({ fetchJwks: (url) => httpFetchJwks(url, { timeoutMs: 2_000 }), url: server.url(path), now: clock.now, ...options });
  return { cache, clock };
}

const isUnavailable = (pattern: RegExp) => (error: unknown) =>
  error instanceof AppError && error.code === 'JWKS_UNAVAILABLE' && pattern.test(error.message);

test('keys are fetched once and re-fetched only after the TTL', async () => {
  const path = freshPath();
  const { cache, clock } = cacheFor(path, { ttlMs: 60 * 60 * 1000 });
  const first = await cache.keys();
  assert.equal(first.length, 1);
  clock.advance(60 * 60 * 1000 - 1);
  assert.equal(await cache.keys(), first);
  assert.equal(server.requests(path), 1);
  clock.advance(1);
  const second = await cache.keys();
  assert.equal(server.requests(path), 2);
  // Same key material: the KeyObject built the first time is reused.
  assert.equal(second[0], first[0]);
});

test('the TTL never exceeds six hours, whatever is asked for', async () => {
  const path = freshPath();
  const { cache, clock } = cacheFor(path, { ttlMs: 24 * 60 * 60 * 1000 });
  await cache.keys();
  clock.advance(MAX_JWKS_TTL_MS);
  await cache.keys();
  assert.equal(server.requests(path), 2);
});

test('concurrent callers share one request', async () => {
  const path = freshPath(jwksOf(keyA, keyB));
  const { cache } = cacheFor(path);
  const results = await Promise.all(Array.from({ length: 20 }, () => cache.keys()));
  assert.equal(server.requests(path), 1);
  for (const keys of results) assert.equal(keys.length, 2);
});

test('refreshAfterMiss re-fetches at most once per interval and reports a changed key set', async () => {
  const path = freshPath(jwksOf(keyA));
  const { cache, clock } = cacheFor(path, { minRefetchIntervalMs: 60_000 });
  await cache.keys();
  clock.advance(60_000);
  server.serve(path, jwksOf(keyA, keyB));
  const changes = await Promise.all([cache.refreshAfterMiss(), cache.refreshAfterMiss(), cache.refreshAfterMiss()]);
  assert.deepEqual(changes, [true, true, true]);
  assert.equal(server.requests(path), 2);
  assert.equal(await cache.refreshAfterMiss(), false);
  clock.advance(59_999);
  assert.equal(await cache.refreshAfterMiss(), false);
  assert.equal(server.requests(path), 2);
  clock.advance(1);
  assert.equal(await cache.refreshAfterMiss(), false, 'same keys again: nothing changed');
  assert.equal(server.requests(path), 3);
  assert.equal((await cache.keys()).length, 2);
});

test('a new URL clears the cache: the old app definition keys are gone', async () => {
  const pathA = freshPath(jwksOf(keyA));
  const pathB = freshPath(jwksOf(keyB, keyC));
  const { cache } = cacheFor(pathA);
  const before = await cache.keys();
  cache.setUrl(server.url(pathA));
  assert.equal(await cache.keys(), before, 'the same URL keeps the cache');
  cache.setUrl(server.url(pathB));
  const after = await cache.keys();
  assert.equal(after.length, 2);
  assert.ok(!after.includes(before[0] as never));
  assert.equal(server.requests(pathA), 1);
  assert.equal(server.requests(pathB), 1);
});

test('nothing cached and the server answers an error: JWKS_UNAVAILABLE naming the URL and status', async () => {
  const path = freshPath({ status: 500, body: 'boom' });
  const { cache } = cacheFor(path);
  await assert.rejects(cache.keys(), isUnavailable(new RegExp(`${server.url(path).replace(/[.]/g, '\\.')}.*HTTP 500`)));
  assert.deepEqual(cache.status().ok, false);
});

test('nothing cached and the server is down: JWKS_UNAVAILABLE', async () => {
  const down = await startJwksServer();
  const url = down.url();
  await down.close();
  const cache = new JwksCache({ fetchJwks: (u) => httpFetchJwks(u, { timeoutMs: 2_000 }), url, now: manualClock().now });
  await assert.rejects(cache.keys(), isUnavailable(/127\.0\.0\.1/));
  const status = await cache.warm();
  assert.equal(status.ok, false);
  assert.match(status.ok ? '' : status.reason, /127\.0\.0\.1/);
});

test('a cached set outlives a failed refresh: stale keys beat locking Benchling out', async () => {
  const path = freshPath(jwksOf(keyA));
  const { cache, clock } = cacheFor(path);
  const cached = await cache.keys();
  server.serve(path, { status: 503, body: 'maintenance' });
  clock.advance(MAX_JWKS_TTL_MS + 1);
  assert.equal(await cache.keys(), cached);
  assert.equal(server.requests(path), 2);
  // While stale, failed refreshes are rate-limited too.
  assert.equal(await cache.keys(), cached);
  assert.equal(await cache.refreshAfterMiss(), false);
  assert.equal(server.requests(path), 2);
  assert.equal(cache.status().ok, true);
  clock.advance(60_000);
  server.serve(path, jwksOf(keyB));
  assert.notEqual(await cache.keys(), cached);
  assert.equal(server.requests(path), 3);
});

test('a cached set outlives a server that went away', async () => {
  const gone = await startJwksServer();
  gone.serve('/jwks', jwksOf(keyA));
  const clock = manualClock();
  const cache = new JwksCache({ fetchJwks: (u) => httpFetchJwks(u, { timeoutMs: 2_000 }), url: gone.url(), now: clock.now });
  const cached = await cache.keys();
  await gone.close();
  clock.advance(MAX_JWKS_TTL_MS);
  assert.equal(await cache.keys(), cached);
});

test('keys that are not EC or do not import are skipped; a set with none is unavailable', async () => {
  const rsa = { kty: 'RSA', n: 'AQAB', e: 'AQAB' };
  const broken = { kty: 'EC', crv: 'P-256', x: 'AAAA', y: 'AAAA' };
  const path = freshPath({ keys: [rsa, broken, keyA.jwk, 'junk', null] });
  assert.equal((await cacheFor(path).cache.keys()).length, 1);
  const none = freshPath({ keys: [rsa, broken] });
  await assert.rejects(cacheFor(none).cache.keys(), isUnavailable(/no usable EC key/));
  const notJwks = freshPath({ kty: 'EC' });
  await assert.rejects(cacheFor(notJwks).cache.keys(), isUnavailable(/not a \{"keys"/));
});

test('status reports the key count and fetch time once warm', async () => {
  const path = freshPath(jwksOf(keyA, keyB));
  const { cache, clock } = cacheFor(path);
  assert.deepEqual(cache.status(), { ok: false, reason: 'JWKS not fetched yet' });
  assert.deepEqual(await cache.warm(), { ok: true, keys: 2, fetchedAt: clock.now() });
  const unset = new JwksCache({ fetchJwks: () => Promise.reject(new Error('unused')) });
  assert.deepEqual(unset.status(), { ok: false, reason: 'no JWKS URL configured' });
  await assert.rejects(unset.keys(), isUnavailable(/No JWKS URL/));
});

test('httpFetchJwks refuses non-JSON and gives up after its timeout', async () => {
  const html = freshPath({ status: 200, body: '<html>login</html>' });
  await assert.rejects(httpFetchJwks(server.url(html)), isUnavailable(/HTTP 200 with a body that is not JSON/));
  const hang = freshPath('hang');
  await assert.rejects(httpFetchJwks(server.url(hang), { timeoutMs: 100 }), isUnavailable(/no answer within 100 ms/));
  const missing = '/apps/appdef_missing/jwks';
  await assert.rejects(httpFetchJwks(server.url(missing)), isUnavailable(/appdef_missing.*HTTP 404/));
});

test(`a JWKS body over ${MAX_JWKS_BYTES / (1024 * 1024)} MiB is not read: with its length declared, streamed without one, or gzip-compressed`, async (t) => {
  const hostile = await startHostileJwks({ kind: 'json', body: {} });
  t.after(() => hostile.close());
  const huge = 200 * 1024 * 1024;
  for (const variant of [{ declareLength: true }, {}, { gzip: true }]) {
    const sentBefore = hostile.bytesSent;
    hostile.reply = { kind: 'huge', bytes: huge, ...variant };
    await assert.rejects(httpFetchJwks(hostile.url), isUnavailable(/larger than 1 MiB, so it was not read.*BENCHLING_JWKS_URL/), JSON.stringify(variant));
    const sent = hostile.bytesSent - sentBefore;
    // What the sender got rid of before we hung up: socket buffers, never the 200 MB. (Compressed,
    // all of it fits in those buffers: that it is not inflated shows in the attack test's memory.)
    if (!('gzip' in variant)) assert.ok(sent < 32 * 1024 * 1024, `${JSON.stringify(variant)}: ${sent} bytes were sent`);
  }
  // The limit is on size alone: the same padding one byte shorter is a JWKS (with no keys).
  const frame = '{"keys":[]}'.length;
  hostile.reply = { kind: 'huge', bytes: MAX_JWKS_BYTES - frame, gzip: true };
  assert.deepEqual(await httpFetchJwks(hostile.url), { keys: [] });
  hostile.reply = { kind: 'huge', bytes: MAX_JWKS_BYTES - frame + 1, gzip: true };
  await assert.rejects(httpFetchJwks(hostile.url), isUnavailable(/larger than 1 MiB/));
});

// Keys with their private halves, so a test can tell which published keys verify.
const POOL = Array.from({ length: MAX_JWKS_KEYS + 15 }, (_, i) => makeSigningKey('P-256', `pool-${i}`));

type Published = { kind: 'key'; at: number } | { kind: 'broken' } | { kind: 'rsa' } | { kind: 'junk' };
const publishedArb: fc.Arbitrary<Published> = fc.oneof(
  { weight: 6, arbitrary: fc.nat(POOL.length - 1).map((at) => ({ kind: 'key' as const, at })) },
  { weight: 1, arbitrary: fc.constantFrom<Published>({ kind: 'broken' }, { kind: 'rsa' }, { kind: 'junk' }) },
);

function jwkFor(entry: Published): unknown {
  switch (entry.kind) {
    case 'key':
      return POOL[entry.at]!.jwk;
    case 'broken':
      return { kty: 'EC', crv: 'P-256', x: 'AAAA', y: 'AAAA' };
    case 'rsa':
      return { kty: 'RSA', n: 'AQAB', e: 'AQAB' };
    case 'junk':
      return 'junk';
  }
}

test(`only the first ${MAX_JWKS_KEYS} EC keys published are held; a bigger set is used cut down, with a warning`, async (t) => {
  let cutDown = 0;
  await fc.assert(
    fc.asyncProperty(fc.array(publishedArb, { maxLength: 3 * MAX_JWKS_KEYS, size: 'max' }), async (published) => {
      const warnings: Record<string, unknown>[] = [];
      const log = { warn: (detail: Record<string, unknown>) => void warnings.push(detail) };
      const cache = new JwksCache({ fetchJwks: async () => ({ keys: published.map(jwkFor) }), url: 'https://jwks.test/', log });
      // Not RSA, not junk: EC-shaped entries take the places, whether or not they import.
      const places = published.filter((entry) => entry.kind === 'key' || entry.kind === 'broken');
      const used = new Set(places.slice(0, MAX_JWKS_KEYS).flatMap((entry) => (entry.kind === 'key' ? [entry.at] : [])));
      if (used.size === 0) {
        await assert.rejects(cache.keys(), isUnavailable(/no usable EC key/));
      } else {
        const held = await cache.keys();
        assert.equal(held.length, used.size);
        for (const [at, key] of POOL.entries()) assert.equal(held.some((k) => k.equals(key.publicKey)), used.has(at), `key ${at}`);
      }
      assert.deepEqual(warnings, places.length > MAX_JWKS_KEYS ? [{ url: 'https://jwks.test/', published: places.length, used: MAX_JWKS_KEYS }] : []);
      if (places.length > MAX_JWKS_KEYS) cutDown += 1;
    }),
    { numRuns: 300 },
  );
  // Both sides of the cap must be reached, or the property proves little.
  assert.ok(cutDown > 50 && cutDown < 250, `${cutDown} of 300 sets were over the cap`);
  t.diagnostic(`${cutDown} of 300 generated key sets were over the cap`);
});

test('with nothing cached, a failed fetch is retried at most once per cold-retry interval, whatever the request rate', async () => {
  const hostile = await startHostileJwks({ kind: 'status', status: 500 });
  try {
    const clock = manualClock();
    const cache = new JwksCache({ fetchJwks: (url) => httpFetchJwks(url, { timeoutMs: 2_000 }), url: hostile.url, now: clock.now, coldRetryIntervalMs: 5_000 });
    const burst = () => Promise.allSettled(Array.from({ length: 50 }, () => cache.keys()));
    for (const result of await burst()) assert.equal(result.status, 'rejected');
    assert.equal(hostile.requests, 1);
    clock.advance(4_999);
    const during = await burst();
    assert.equal(hostile.requests, 1, 'callers in the interval are answered with the last failure');
    assert.ok(during.every((r) => r.status === 'rejected' && isUnavailable(/HTTP 500/)(r.reason)));
    const status = cache.status();
    assert.match(status.ok ? '' : status.reason, /HTTP 500/);
    clock.advance(1);
    hostile.reply = { kind: 'json', body: jwksOf(keyA) };
    assert.equal((await cache.keys()).length, 1);
    assert.equal(hostile.requests, 2);
  } finally {
    await hostile.close();
  }
});

test('with nothing cached, a flood of callers waits on one fetch: never two in flight', async () => {
  const hostile = await startHostileJwks({ kind: 'slow', delayMs: 300, body: jwksOf(keyA, keyB) });
  try {
    const cache = new JwksCache({ fetchJwks: (url) => httpFetchJwks(url, { timeoutMs: 2_000 }), url: hostile.url });
    const callers: Promise<unknown>[] = [];
    for (let i = 0; i < 20; i++) {
      callers.push(...Array.from({ length: 10 }, () => cache.keys()));
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    const results = await Promise.all(callers);
    assert.ok(results.every((keys) => (keys as unknown[]).length === 2));
    assert.deepEqual([hostile.requests, hostile.maxInFlight], [1, 1]);
  } finally {
    await hostile.close();
  }
});
