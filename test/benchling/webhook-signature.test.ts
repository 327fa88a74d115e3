import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sign } from 'node:crypto';
import fc from 'fast-check';
import {
  MAX_SIGNATURES,
  checkTimestamp,
  isDerEcdsaSignature,
  parseSignatureHeader,
  readWebhookHeaders,
  signedContent,
  verifyWebhook,
} from '../../src/benchling/webhook-signature.ts';
import type { HeaderMap, VerifyResult } from '../../src/benchling/webhook-signature.ts';
import { makeSigningKey, signatureItem } from './webhook-fixtures.ts';
import type { SigningKey } from './webhook-fixtures.ts';

const NOW_MS = 1_750_000_000_123;
const NOW_SEC = Math.floor(NOW_MS / 1000);

// Made once, as the service caches its KeyObjects. P-256 only here: P-384 verifies ~10x slower
// in Node and gets its own test below.
const POOL: SigningKey[] = ['a', 'b', 'c', 'd', 'e'].map((kid) => makeSigningKey('P-256', kid));

/** Each kind of signature-list item, and whether it alone makes a request valid. */
const ITEM_KINDS = {
  valid: true,
  wrongKey: false,
  wrongContent: false,
  nonDerVersion: false,
  p1363Encoding: false,
  junkInBase64: false,
  mangledPadding: false,
  noComma: false,
  randomDer: false,
  randomText: false,
} as const;
type ItemKind = keyof typeof ITEM_KINDS;
/** The kinds that are well-formed `der` items: only these count towards MAX_SIGNATURES. */
const DER_SHAPED: ReadonlySet<ItemKind> = new Set(['valid', 'wrongKey', 'wrongContent', 'randomDer']);

const CONTENT_MUTATIONS = ['flipBodyByte', 'appendBodyByte', 'changeId', 'changeTimestamp'] as const;
const HEADER_DROPS = ['webhook-id', 'webhook-timestamp', 'webhook-signature'] as const;
type Mutation = 'none' | (typeof CONTENT_MUTATIONS)[number] | `drop:${(typeof HEADER_DROPS)[number]}`;

const itemArb = fc.record({
  kind: fc.constantFrom(...(Object.keys(ITEM_KINDS) as ItemKind[])),
  pick: fc.nat(),
  noise: fc.uint8Array({ minLength: 1, maxLength: 80 }),
});
type Item = typeof itemArb extends fc.Arbitrary<infer T> ? T : never;

const timestampArb = fc.oneof(
  { weight: 6, arbitrary: fc.integer({ min: -300, max: 300 }).map((skew) => `${NOW_SEC + skew}`) },
  { weight: 2, arbitrary: fc.integer({ min: 301, max: 10_000_000 }).chain((d) => fc.constantFrom(`${NOW_SEC + d}`, `${NOW_SEC - d}`)) },
  { weight: 1, arbitrary: fc.constantFrom('', 'soon', '1e9', '-5', ' 1750000000', '0x1', `${NOW_SEC}abc`, 'NaN', 'Infinity') },
);

const mutationArb: fc.Arbitrary<Mutation> = fc.oneof(
  { weight: 6, arbitrary: fc.constant('none' as const) },
  { weight: 3, arbitrary: fc.constantFrom(...CONTENT_MUTATIONS) },
  { weight: 2, arbitrary: fc.constantFrom(...HEADER_DROPS).map((h) => `drop:${h}` as const) },
);

const requestArb = fc.record({
  jwks: fc.subarray([0, 1, 2, 3, 4], { minLength: 1, maxLength: 3 }),
  id: fc.stringMatching(/^msg_[A-Za-z0-9]{1,24}$/),
  timestamp: timestampArb,
  body: fc.uint8Array({ maxLength: 200 }).map((bytes) => Buffer.from(bytes)),
  items: fc.array(itemArb, { maxLength: 6 }),
  mutation: mutationArb,
  nameCase: fc.constantFrom('lower', 'upper', 'title'),
  asArray: fc.boolean(),
});
type Request = typeof requestArb extends fc.Arbitrary<infer T> ? T : never;

const pickFrom = <T>(list: readonly T[], n: number): T => list[n % list.length] as T;
const b64 = (buf: Buffer | Uint8Array) => Buffer.from(buf).toString('base64');

function derInteger(bytes: Uint8Array): Buffer {
  const trimmed = Buffer.from(bytes.length === 0 ? [1] : bytes);
  const value = (trimmed[0] ?? 0) >= 0x80 ? Buffer.concat([Buffer.from([0]), trimmed]) : trimmed;
  return Buffer.concat([Buffer.from([0x02, value.length]), value]);
}

/** Well-formed DER that is not a signature of anything. */
function randomDer(noise: Uint8Array): Buffer {
  const half = Math.ceil(noise.length / 2);
  const body = Buffer.concat([derInteger(noise.subarray(0, half).subarray(0, 40)), derInteger(noise.subarray(half).subarray(0, 40))]);
  return Buffer.concat([Buffer.from([0x30, body.length]), body]);
}

function signatureFor(item: Item, content: Buffer, inJwks: SigningKey[], outside: SigningKey[]): string {
  const own = pickFrom(inJwks, item.pick);
  switch (item.kind) {
    case 'valid':
      return signatureItem(own, content);
    case 'wrongKey':
      return signatureItem(pickFrom(outside, item.pick), content);
    case 'wrongContent':
      // Prefixed: an appended noise byte could equal what a body mutation appends, and then
      // the "wrong" signature would rightly verify.
      return signatureItem(own, Buffer.concat([Buffer.from('~'), content, Buffer.from(item.noise)]));
    case 'nonDerVersion':
      return signatureItem(own, content, pickFrom(['v1', 'v1a', 'v2', 'DER'], item.pick));
    case 'p1363Encoding':
      return `v1bder,${b64(sign('sha256', content, { key: own.privateKey, dsaEncoding: 'ieee-p1363' }))}`;
    case 'junkInBase64': {
      const good = signatureItem(own, content);
      const at = 10 + (item.pick % (good.length - 10));
      return `${good.slice(0, at)}${pickFrom(['*', '-', '_', '.', '\t'], item.pick)}${good.slice(at)}`;
    }
    case 'mangledPadding':
      return `${signatureItem(own, content).replace(/=+$/, '')}A`;
    case 'noComma':
      return signatureItem(own, content).replace(',', '');
    case 'randomDer':
      return `v1bder,${b64(randomDer(item.noise))}`;
    case 'randomText':
      return Buffer.from(item.noise).toString('latin1');
  }
}

function headerName(name: string, nameCase: Request['nameCase']): string {
  if (nameCase === 'upper') return name.toUpperCase();
  if (nameCase === 'title') return name.replace(/(^|-)([a-z])/g, (_m, dash: string, c: string) => dash + c.toUpperCase());
  return name;
}

interface Built {
  headers: HeaderMap;
  rawBody: Buffer;
  expected: VerifyResult;
}

/** What arrives after the mutation, and what a correct verifier must answer for it. */
function sentParts(req: Request): { id: string; timestamp: string; body: Buffer; contentIntact: boolean } {
  const { id, timestamp, body } = req;
  switch (req.mutation) {
    case 'flipBodyByte': {
      if (body.length === 0) return { id, timestamp, body: Buffer.from([0]), contentIntact: false };
      const flipped = Buffer.from(body);
      const at = id.length % flipped.length;
      flipped[at] = (flipped[at] ?? 0) ^ 0x01;
      return { id, timestamp, body: flipped, contentIntact: false };
    }
    case 'appendBodyByte':
      return { id, timestamp, body: Buffer.concat([body, Buffer.from('\n')]), contentIntact: false };
    case 'changeId':
      return { id: `${id}x`, timestamp, body, contentIntact: false };
    case 'changeTimestamp':
      return { id, timestamp: `${Number(timestamp) + 1}`, body, contentIntact: false };
    default:
      return { id, timestamp, body, contentIntact: true };
  }
}

function expectation(req: Request, sent: ReturnType<typeof sentParts>, signatureHeader: string): VerifyResult {
  // An empty value is as good as no header.
  const dropped = req.mutation.startsWith('drop:') || sent.timestamp === '' || signatureHeader === '';
  if (dropped) return { ok: false, reason: 'missing_headers' };
  const fresh = /^\d+$/.test(sent.timestamp) && Math.abs(Number(sent.timestamp) - NOW_MS / 1000) <= 300;
  if (!fresh) return { ok: false, reason: 'stale_timestamp' };
  const tried = req.items.filter((item) => DER_SHAPED.has(item.kind)).slice(0, MAX_SIGNATURES);
  const anyValid = tried.some((item) => ITEM_KINDS[item.kind]);
  return sent.contentIntact && anyValid ? { ok: true } : { ok: false, reason: 'invalid_signature' };
}

function build(req: Request): Built & { keys: SigningKey[] } {
  const inJwks = req.jwks.map((i) => POOL[i] as SigningKey);
  const outside = POOL.filter((key) => !inJwks.includes(key));
  const content = signedContent(req.id, req.timestamp, req.body);
  const signatureHeader = req.items.map((item) => signatureFor(item, content, inJwks, outside)).join(' ');
  const sent = sentParts(req);
  const values: Record<string, string> = { 'webhook-id': sent.id, 'webhook-timestamp': sent.timestamp, 'webhook-signature': signatureHeader };
  const headers: HeaderMap = { 'content-type': 'application/json' };
  for (const [name, value] of Object.entries(values)) {
    if (req.mutation === `drop:${name}`) continue;
    headers[headerName(name, req.nameCase)] = req.asArray ? [value] : value;
  }
  return { headers, rawBody: sent.body, expected: expectation(req, sent, signatureHeader), keys: inJwks };
}

test('verifyWebhook accepts exactly the validly signed requests (10,000 generated)', (t) => {
  const counts = { accepted: 0, missing_headers: 0, stale_timestamp: 0, invalid_signature: 0 };
  fc.assert(
    fc.property(requestArb, (req) => {
      const { headers, rawBody, expected, keys } = build(req);
      const actual = verifyWebhook({ headers, rawBody, keys: keys.map((k) => k.publicKey), nowMs: NOW_MS });
      assert.deepEqual(actual, expected);
      counts[actual.ok ? 'accepted' : actual.reason] += 1;
    }),
    { numRuns: 10_000 },
  );
  // The generator must actually reach every outcome, or the equality above proves little.
  for (const [outcome, n] of Object.entries(counts)) assert.ok(n > 500, `${outcome}: only ${n} cases`);
  t.diagnostic(JSON.stringify(counts));
});

test('one valid signature among garbage items is found wherever it sits', () => {
  const [key] = POOL as [SigningKey];
  const body = Buffer.from('{"version":"0"}');
  const content = signedContent('msg_1', `${NOW_SEC}`, body);
  const garbage = ['v1,abc', 'v1bder,!!!', 'v1bder,', ',', '', 'der', `v1bder,${b64(randomDer(new Uint8Array([1, 2, 3])))}`];
  for (let at = 0; at <= garbage.length; at += 1) {
    const items = [...garbage.slice(0, at), signatureItem(key, content), ...garbage.slice(at)];
    const headers = { 'webhook-id': 'msg_1', 'webhook-timestamp': `${NOW_SEC}`, 'webhook-signature': items.join(' ') };
    assert.deepEqual(verifyWebhook({ headers, rawBody: body, keys: [key.publicKey], nowMs: NOW_MS }), { ok: true });
  }
});

test('a key of another curve in the JWKS verifies with the curve it declares', () => {
  const p384 = makeSigningKey('P-384', 'p384');
  const body = Buffer.from('{}');
  const headers = { 'webhook-id': 'msg_1', 'webhook-timestamp': `${NOW_SEC}`, 'webhook-signature': signatureItem(p384, signedContent('msg_1', `${NOW_SEC}`, body)) };
  const keys = [(POOL[0] as SigningKey).publicKey, p384.publicKey];
  assert.deepEqual(verifyWebhook({ headers, rawBody: body, keys, nowMs: NOW_MS }), { ok: true });
  assert.deepEqual(verifyWebhook({ headers, rawBody: body, keys: keys.slice(0, 1), nowMs: NOW_MS }), { ok: false, reason: 'invalid_signature' });
});

test(`only the first ${MAX_SIGNATURES} well-formed signatures are tried`, () => {
  const [key, other] = POOL as [SigningKey, SigningKey];
  const body = Buffer.from('{}');
  const content = signedContent('msg_1', `${NOW_SEC}`, body);
  const wrong = Array.from({ length: MAX_SIGNATURES }, () => signatureItem(other, content));
  const headers = (items: string[]) => ({ 'webhook-id': 'msg_1', 'webhook-timestamp': `${NOW_SEC}`, 'webhook-signature': items.join(' ') });
  const verifyWith = (items: string[]) => verifyWebhook({ headers: headers(items), rawBody: body, keys: [key.publicKey], nowMs: NOW_MS });
  assert.deepEqual(verifyWith([...wrong.slice(1), signatureItem(key, content)]), { ok: true });
  assert.deepEqual(verifyWith([...wrong, signatureItem(key, content)]), { ok: false, reason: 'invalid_signature' });
});

test('parseSignatureHeader never throws and keeps only DER-shaped signatures', () => {
  fc.assert(
    fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (value) => {
      const kept = parseSignatureHeader(value);
      assert.ok(kept.length <= MAX_SIGNATURES);
      for (const sig of kept) assert.ok(isDerEcdsaSignature(sig));
    }),
    { numRuns: 2_000 },
  );
  const der = randomDer(new Uint8Array([9, 8, 7, 6]));
  assert.deepEqual(parseSignatureHeader(`v1bder,${b64(der)} v1,${b64(der)} xder,${b64(der)}`), [der, der]);
  const many = Array.from({ length: 50 }, (_, i) => `v1bder,${b64(randomDer(new Uint8Array([i + 1, 2, 3, 4])))}`).join(' ');
  const firstOnes = Array.from({ length: MAX_SIGNATURES }, (_, i) => b64(randomDer(new Uint8Array([i + 1, 2, 3, 4]))));
  assert.deepEqual(parseSignatureHeader(many).map(b64), firstOnes, 'the first ones, in header order');
  assert.deepEqual(parseSignatureHeader(`v1bder,${b64(Buffer.from([0x31, 0x00]))}`), []);
  assert.deepEqual(parseSignatureHeader(`v1bder,${b64(Buffer.concat([der, Buffer.from([0])]))}`), []);
});

test('readWebhookHeaders finds the three headers whatever their case', () => {
  const found = readWebhookHeaders({ 'Webhook-Id': 'msg_1', 'WEBHOOK-TIMESTAMP': ['17'], 'webhook-SIGNATURE': 'v1bder,x' });
  assert.deepEqual(found, { id: 'msg_1', timestamp: '17', signature: 'v1bder,x' });
  assert.equal(readWebhookHeaders({ 'webhook-id': 'a', 'webhook-timestamp': '1' }), undefined);
  assert.equal(readWebhookHeaders({ 'webhook-id': '', 'webhook-timestamp': '1', 'webhook-signature': 's' }), undefined);
  // Two different ids cannot both be the one that was signed.
  assert.equal(readWebhookHeaders({ 'webhook-id': ['a', 'b'], 'webhook-timestamp': '1', 'webhook-signature': 's' }), undefined);
  const twoLists = readWebhookHeaders({ 'webhook-id': 'a', 'webhook-timestamp': '1', 'webhook-signature': ['s1', 's2'] });
  assert.equal(twoLists?.signature, 's1 s2');
});

test('checkTimestamp allows five minutes either way and refuses what is not a number', () => {
  assert.equal(checkTimestamp(`${NOW_SEC}`, NOW_MS), 'fresh');
  assert.equal(checkTimestamp(`${NOW_MS / 1000 - 300}`, NOW_MS), 'fresh');
  assert.equal(checkTimestamp(`${NOW_MS / 1000 + 300}`, NOW_MS), 'fresh');
  assert.equal(checkTimestamp(`${NOW_SEC - 301}`, NOW_MS), 'too_old');
  assert.equal(checkTimestamp(`${NOW_SEC + 302}`, NOW_MS), 'too_new');
  assert.equal(checkTimestamp(`${NOW_SEC}.5`, NOW_MS), 'fresh');
  for (const bad of ['', 'abc', '1e9', '-1', ' 1', '0x10', 'NaN']) assert.equal(checkTimestamp(bad, NOW_MS), 'unparsable', bad);
  assert.equal(checkTimestamp(`${NOW_SEC - 60}`, NOW_MS, 30), 'too_old');
});
