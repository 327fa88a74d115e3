import { verify } from 'node:crypto';
import type { KeyObject } from 'node:crypto';

/**
 * Benchling webhook signature checks (reference/benchling-protocol.md §1). Everything here is
 * pure: keys and the current time come in as arguments, so the same function serves the
 * HTTP layer, tests and the sandbox.
 */

export type HeaderMap = Record<string, string | string[] | undefined>;

export interface WebhookHeaders {
  id: string;
  timestamp: string;
  signature: string;
}

export type VerifyFailure = 'missing_headers' | 'stale_timestamp' | 'invalid_signature';
export type VerifyResult = { ok: true } | { ok: false; reason: VerifyFailure };

export type TimestampCheck = 'fresh' | 'too_old' | 'too_new' | 'unparsable';

export const TIMESTAMP_TOLERANCE_SEC = 300;

/**
 * Benchling sends one or two signatures (two while keys rotate); one more is allowed as a
 * margin. Every item is tried against every held key (at most MAX_JWKS_KEYS), so this cap is
 * what keeps an unauthenticated caller from making us run hundreds of ECDSA verifies per request.
 */
export const MAX_SIGNATURES = 3;

interface HeaderValues {
  id: string[];
  timestamp: string[];
  signature: string[];
}

/**
 * Every value given for each of the three headers, whatever the case of the key and however
 * many keys match: one pass over the headers, since this runs on every request.
 */
function webhookHeaderValues(headers: HeaderMap): HeaderValues {
  const found: HeaderValues = { id: [], timestamp: [], signature: [] };
  for (const [key, value] of Object.entries(headers)) {
    const name = key.toLowerCase();
    const values =
      name === 'webhook-id' ? found.id : name === 'webhook-timestamp' ? found.timestamp : name === 'webhook-signature' ? found.signature : undefined;
    if (values === undefined || value === undefined) continue;
    for (const v of Array.isArray(value) ? value : [value]) if (v !== '') values.push(v);
  }
  return found;
}

/** An id or timestamp sent twice with different values is ambiguous, so it counts as missing. */
function singleValue(values: string[]): string | undefined {
  return values.length > 0 && values.every((v) => v === values[0]) ? values[0] : undefined;
}

export function readWebhookHeaders(headers: HeaderMap): WebhookHeaders | undefined {
  const found = webhookHeaderValues(headers);
  const id = singleValue(found.id);
  const timestamp = singleValue(found.timestamp);
  // Several signature values only widen the "any of" set; each must still verify on its own.
  const signature = found.signature.join(' ');
  if (id === undefined || timestamp === undefined || signature === '') return undefined;
  return { id, timestamp, signature };
}

const STANDARD_BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** Node's base64 decoder silently skips bad characters; the protocol says standard, padded. */
function decodeStandardBase64(text: string): Buffer | undefined {
  return text !== '' && STANDARD_BASE64.test(text) ? Buffer.from(text, 'base64') : undefined;
}

/** Reads one DER length at `at`; returns the length and where the content starts. */
function readDerLength(buf: Buffer, at: number): { length: number; start: number } | undefined {
  const first = buf[at];
  if (first === undefined) return undefined;
  if (first < 0x80) return { length: first, start: at + 1 };
  // ECDSA signatures never need more than one length byte (P-521 is ~139 bytes).
  const second = buf[at + 1];
  if (first !== 0x81 || second === undefined || second < 0x80) return undefined;
  return { length: second, start: at + 2 };
}

/** Skips one INTEGER at `at`; returns where the next element starts. */
function skipDerInteger(buf: Buffer, at: number): number | undefined {
  if (buf[at] !== 0x02) return undefined;
  const len = readDerLength(buf, at + 1);
  if (len === undefined || len.length === 0) return undefined;
  return len.start + len.length;
}

/** SEQUENCE { INTEGER r, INTEGER s } filling the buffer exactly. */
export function isDerEcdsaSignature(buf: Buffer): boolean {
  if (buf[0] !== 0x30) return false;
  const seq = readDerLength(buf, 1);
  if (seq === undefined || seq.start + seq.length !== buf.length) return false;
  const afterR = skipDerInteger(buf, seq.start);
  const afterS = afterR === undefined ? undefined : skipDerInteger(buf, afterR);
  return afterS === buf.length;
}

/**
 * Kept signatures, in header order, at most `limit` of them (items past it are not decoded);
 * anything malformed is skipped, nothing throws.
 */
export function parseSignatureHeader(value: string, limit = MAX_SIGNATURES): Buffer[] {
  const signatures: Buffer[] = [];
  for (const item of value.split(' ')) {
    if (signatures.length === limit) break;
    const comma = item.indexOf(',');
    if (comma < 0 || !item.slice(0, comma).includes('der')) continue;
    const decoded = decodeStandardBase64(item.slice(comma + 1));
    if (decoded !== undefined && isDerEcdsaSignature(decoded)) signatures.push(decoded);
  }
  return signatures;
}

/** `id.timestamp.rawbody`, with the body bytes exactly as received. */
export function signedContent(id: string, timestamp: string, rawBody: Buffer): Buffer {
  return Buffer.concat([Buffer.from(`${id}.${timestamp}.`, 'utf8'), rawBody]);
}

// Unix seconds, optionally fractional (the SDK parses a float). Signs, exponents, hex and
// blanks are refused rather than guessed at.
const TIMESTAMP = /^\d{1,15}(?:\.\d{1,9})?$/;

export function checkTimestamp(timestamp: string, nowMs: number, toleranceSec = TIMESTAMP_TOLERANCE_SEC): TimestampCheck {
  if (!TIMESTAMP.test(timestamp)) return 'unparsable';
  const skewSec = Number(timestamp) - nowMs / 1000;
  if (skewSec < -toleranceSec) return 'too_old';
  if (skewSec > toleranceSec) return 'too_new';
  return 'fresh';
}

export type PreparedWebhook =
  | { ok: true; content: Buffer; signatures: Buffer[] }
  | { ok: false; reason: Exclude<VerifyFailure, 'invalid_signature'> };

/**
 * The checks that need no keys. Split out so a caller can refuse a request before touching
 * the key set (an unsigned request must not cause a JWKS fetch).
 */
export function prepareWebhook(headers: HeaderMap, rawBody: Buffer, nowMs: number): PreparedWebhook {
  const found = readWebhookHeaders(headers);
  if (found === undefined) return { ok: false, reason: 'missing_headers' };
  if (checkTimestamp(found.timestamp, nowMs) !== 'fresh') return { ok: false, reason: 'stale_timestamp' };
  const signatures = parseSignatureHeader(found.signature);
  return { ok: true, content: signedContent(found.id, found.timestamp, rawBody), signatures };
}

function verifiesUnder(content: Buffer, signature: Buffer, key: KeyObject): boolean {
  try {
    return verify('sha256', content, { key, dsaEncoding: 'der' }, signature);
  } catch {
    // A key of an unexpected type must read as "no match", never as a 500.
    return false;
  }
}

export function anySignatureMatches(content: Buffer, signatures: Buffer[], keys: readonly KeyObject[]): boolean {
  return keys.some((key) => signatures.some((signature) => verifiesUnder(content, signature, key)));
}

export interface WebhookRequest {
  headers: HeaderMap;
  rawBody: Buffer;
  keys: readonly KeyObject[];
  nowMs: number;
}

export function verifyWebhook({ headers, rawBody, keys, nowMs }: WebhookRequest): VerifyResult {
  const prepared = prepareWebhook(headers, rawBody, nowMs);
  if (!prepared.ok) return prepared;
  return anySignatureMatches(prepared.content, prepared.signatures, keys) ? { ok: true } : { ok: false, reason: 'invalid_signature' };
}
