import { createPublicKey } from 'node:crypto';
import type { JsonWebKey, KeyObject } from 'node:crypto';
import type { Logger } from 'pino';
import { AppError } from '../errors/app-error.ts';
import { networkFailure } from '../errors/network-failure.ts';
import { describeNetworkError } from './api-errors.ts';
import { readTextCapped } from './response-body.ts';
import { SingleFlight } from './single-flight.ts';

/**
 * The app definition's JWKS (reference/benchling-protocol.md §1.6–1.7): cached at most 6 h as
 * Benchling asks, re-fetched (rate-limited) when a signature finds no key, and kept when a
 * refresh fails, so a flaky fetch never locks Benchling out.
 */

export const MAX_JWKS_TTL_MS = 6 * 60 * 60 * 1000;
export const DEFAULT_MIN_REFETCH_INTERVAL_MS = 60_000;
export const DEFAULT_JWKS_TIMEOUT_MS = 5_000;
/**
 * While no key set is held every webhook is answered 503, so a failed fetch is retried soon;
 * but not on every request, or a burst of deliveries would become a burst of fetches.
 */
export const DEFAULT_COLD_RETRY_INTERVAL_MS = 5_000;

/**
 * Benchling publishes one or two keys per app definition (two while it rotates them). A
 * signature that matches no key is tried against every held key, so a bloated key set would
 * make each forged request cost that many ECDSA verifies: only the first keys are used.
 */
export const MAX_JWKS_KEYS = 10;

/**
 * A key set is a few hundred bytes per key; anything near this is not a JWKS. Counted after
 * decompression, so a small gzip bomb is refused as early as a big plain body.
 */
export const MAX_JWKS_BYTES = 1024 * 1024;

export type FetchJwks = (url: string) => Promise<unknown>;

export interface JwksCacheOptions {
  fetchJwks: FetchJwks;
  url?: string;
  /** Clamped to MAX_JWKS_TTL_MS. */
  ttlMs?: number;
  minRefetchIntervalMs?: number;
  /** While no key set is held, how long after a failed fetch the next may start. */
  coldRetryIntervalMs?: number;
  now?: () => number;
  /** Told when a fetched key set holds more keys than MAX_JWKS_KEYS. */
  log?: Pick<Logger, 'warn'>;
}

/** `unreachable`: the key set's host gave no answer (DNS, refused, timeout): the network, not the app definition, is at fault. */
export type JwksStatus = { ok: true; keys: number; fetchedAt: number } | { ok: false; reason: string; unreachable?: boolean };

interface KeySet {
  /** Only the latest set is held, so rotation does not grow memory. */
  byId: Map<string, KeyObject>;
  keys: KeyObject[];
  /** Sorted key fingerprints, to tell whether a re-fetch brought anything new. */
  fingerprint: string;
  fetchedAt: number;
}

interface ImportedKey {
  id: string;
  key: KeyObject;
}

function unavailable(message: string): AppError {
  return new AppError('JWKS_UNAVAILABLE', message);
}

/** The key set could not be fetched because its host gave no answer; same code, so readiness treats it alike. */
class JwksUnreachable extends AppError {
  constructor(message: string) {
    super('JWKS_UNAVAILABLE', message);
    this.name = 'JwksUnreachable';
  }
}

function asUnavailable(error: unknown, url: string): AppError {
  if (error instanceof AppError && error.code === 'JWKS_UNAVAILABLE') return error;
  const detail = error instanceof Error ? error.message : String(error);
  return unavailable(`Cannot fetch the Benchling JWKS from ${url}: ${detail}`);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Identity of an EC key: its curve and point. kid and other metadata do not affect verifying. */
function ecKeyId(jwk: Record<string, unknown>): string | undefined {
  const { kty, crv, x, y } = jwk;
  if (kty !== 'EC' || typeof crv !== 'string' || typeof x !== 'string' || typeof y !== 'string') return undefined;
  return `${crv}:${x}:${y}`;
}

function importEcKey(jwk: Record<string, unknown>): KeyObject | undefined {
  try {
    // Only the public members, so a JWKS that wrongly includes `d` cannot make us hold a private key.
    const { kty, crv, x, y } = jwk;
    return createPublicKey({ key: { kty, crv, x, y } as JsonWebKey, format: 'jwk' });
  } catch {
    return undefined;
  }
}

function jwkList(body: unknown, url: string): unknown[] {
  if (!isRecord(body) || !Array.isArray(body.keys)) throw unavailable(`The JWKS at ${url} is not a {"keys": [...]} object`);
  return body.keys;
}

export class JwksCache {
  private readonly fetchJwks: FetchJwks;
  private readonly ttlMs: number;
  private readonly minRefetchIntervalMs: number;
  private readonly coldRetryIntervalMs: number;
  private readonly now: () => number;
  private readonly log: Pick<Logger, 'warn'> | undefined;
  private url: string | undefined;
  private current: KeySet | undefined;
  private readonly fetching = new SingleFlight<KeySet>();
  private lastAttemptAt: number | undefined;
  private lastFailure: { error: AppError; at: number } | undefined;
  /** Bumped on a URL change so a fetch for the old URL cannot fill the new cache. */
  private generation = 0;

  constructor(options: JwksCacheOptions) {
    this.fetchJwks = options.fetchJwks;
    this.ttlMs = Math.min(options.ttlMs ?? MAX_JWKS_TTL_MS, MAX_JWKS_TTL_MS);
    this.minRefetchIntervalMs = options.minRefetchIntervalMs ?? DEFAULT_MIN_REFETCH_INTERVAL_MS;
    this.coldRetryIntervalMs = options.coldRetryIntervalMs ?? DEFAULT_COLD_RETRY_INTERVAL_MS;
    this.now = options.now ?? Date.now;
    this.log = options.log;
    this.url = options.url;
  }

  /** A new URL means a new app definition (secret rotation): the old keys must not verify anything. */
  setUrl(url: string): void {
    if (url === this.url) return;
    this.url = url;
    this.current = undefined;
    this.fetching.forget();
    this.lastAttemptAt = undefined;
    this.lastFailure = undefined;
    this.generation += 1;
  }

  async keys(): Promise<KeyObject[]> {
    const cached = this.current;
    if (cached !== undefined && (this.isFresh(cached) || this.inCooldown())) return cached.keys;
    // With nothing cached, callers join the fetch in flight, or share the answer of one that just failed.
    const recentFailure = cached === undefined ? this.recentColdFailure() : undefined;
    if (recentFailure !== undefined) throw recentFailure;
    try {
      return (await this.fetchShared()).keys;
    } catch (error) {
      if (cached !== undefined) return cached.keys;
      throw error;
    }
  }

  /** After a signature found no key: re-fetch unless one ran recently. True when the key set changed. */
  async refreshAfterMiss(): Promise<boolean> {
    if (this.url === undefined) return false;
    const before = this.current?.fingerprint;
    if (!this.fetching.busy && this.inCooldown()) return false;
    try {
      return (await this.fetchShared()).fingerprint !== before;
    } catch {
      return false;
    }
  }

  /** Start-up pre-fetch. Never rejects: readiness reports a failure through status(). */
  async warm(): Promise<JwksStatus> {
    try {
      await this.keys();
    } catch {
      // status() carries the reason.
    }
    return this.status();
  }

  status(): JwksStatus {
    if (this.current !== undefined) return { ok: true, keys: this.current.keys.length, fetchedAt: this.current.fetchedAt };
    if (this.url === undefined) return { ok: false, reason: 'no JWKS URL configured' };
    const error = this.lastFailure?.error;
    if (error === undefined) return { ok: false, reason: 'JWKS not fetched yet' };
    return { ok: false, reason: error.message, ...(error instanceof JwksUnreachable && { unreachable: true }) };
  }

  private isFresh(set: KeySet): boolean {
    return this.now() - set.fetchedAt < this.ttlMs;
  }

  /** A stale set is served without a fetch until the last attempt is minRefetchIntervalMs old. */
  private inCooldown(): boolean {
    return this.lastAttemptAt !== undefined && this.now() - this.lastAttemptAt < this.minRefetchIntervalMs;
  }

  /** With no fetch in flight: the last fetch's failure, while it is younger than coldRetryIntervalMs. */
  private recentColdFailure(): AppError | undefined {
    if (this.fetching.busy || this.lastFailure === undefined) return undefined;
    return this.now() - this.lastFailure.at < this.coldRetryIntervalMs ? this.lastFailure.error : undefined;
  }

  /** Concurrent callers share one request. */
  private fetchShared(): Promise<KeySet> {
    return this.fetching.run(() => this.fetchAndStore());
  }

  private async fetchAndStore(): Promise<KeySet> {
    const url = this.url;
    if (url === undefined) throw unavailable('No JWKS URL is configured');
    const generation = this.generation;
    this.lastAttemptAt = this.now();
    try {
      const set = this.buildKeySet(jwkList(await this.fetchJwks(url), url), url);
      if (generation === this.generation) this.store(set);
      return set;
    } catch (error) {
      const failure = asUnavailable(error, url);
      if (generation === this.generation) this.lastFailure = { error: failure, at: this.now() };
      throw failure;
    }
  }

  /** The first MAX_JWKS_KEYS EC keys in the order published; later ones are neither imported nor tried. */
  private buildKeySet(jwks: unknown[], url: string): KeySet {
    const candidates = jwks.filter(isRecord).filter((jwk) => ecKeyId(jwk) !== undefined);
    if (candidates.length > MAX_JWKS_KEYS) {
      this.log?.warn(
        { url, published: candidates.length, used: MAX_JWKS_KEYS },
        `the Benchling JWKS publishes more EC keys than the ${MAX_JWKS_KEYS} that are used; the rest are ignored`,
      );
    }
    const byId = new Map<string, KeyObject>();
    for (const jwk of candidates.slice(0, MAX_JWKS_KEYS)) {
      const imported = this.importOnce(jwk);
      if (imported !== undefined) byId.set(imported.id, imported.key);
    }
    if (byId.size === 0) throw unavailable(`The JWKS at ${url} holds no usable EC key`);
    const sorted = new Map([...byId].sort(([a], [b]) => (a < b ? -1 : 1)));
    return { byId: sorted, keys: [...sorted.values()], fingerprint: [...sorted.keys()].join(' '), fetchedAt: this.now() };
  }

  /** Reuses the KeyObject of a key already held; undefined for a key that does not import. */
  private importOnce(jwk: Record<string, unknown>): ImportedKey | undefined {
    const id = ecKeyId(jwk);
    if (id === undefined) return undefined;
    const key = this.current?.byId.get(id) ?? importEcKey(jwk);
    return key === undefined ? undefined : { id, key };
  }

  private store(set: KeySet): void {
    this.current = set;
    this.lastFailure = undefined;
  }
}

export interface HttpFetchJwksOptions {
  timeoutMs?: number;
}

/** The real fetcher: an unauthenticated GET that accepts only a 200 with a JSON body. */
export async function httpFetchJwks(url: string, { timeoutMs = DEFAULT_JWKS_TIMEOUT_MS }: HttpFetchJwksOptions = {}): Promise<unknown> {
  let response: Response;
  try {
    response = await fetch(url, { headers: { accept: 'application/json' }, signal: AbortSignal.timeout(timeoutMs) });
  } catch (error) {
    if (error instanceof Error && error.name === 'TimeoutError') {
      throw new JwksUnreachable(`Cannot fetch the Benchling JWKS from ${url}: no answer within ${timeoutMs} ms from ${new URL(url).host} (a network problem)`);
    }
    if (networkFailure(error, url)) throw new JwksUnreachable(`Cannot fetch the Benchling JWKS from ${url}: ${describeNetworkError(error, url)}`);
    throw unavailable(`Cannot fetch the Benchling JWKS from ${url}: ${describe(error)}`);
  }
  if (response.status !== 200) {
    await response.body?.cancel().catch(() => undefined);
    throw unavailable(`The Benchling JWKS at ${url} answered HTTP ${response.status}`);
  }
  const text = await readBody(response, url);
  if (text === undefined) {
    throw unavailable(
      `The Benchling JWKS at ${url} is larger than ${MAX_JWKS_BYTES / (1024 * 1024)} MiB, so it was not read: a key set is a few KB; ` +
        'check that BENCHLING_JWKS_URL points at the app definition\'s JWKS',
    );
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw unavailable(`The Benchling JWKS at ${url} answered HTTP ${response.status} with a body that is not JSON`);
  }
}

/** undefined when the body passes MAX_JWKS_BYTES. */
async function readBody(response: Response, url: string): Promise<string | undefined> {
  try {
    return await readTextCapped(response, MAX_JWKS_BYTES);
  } catch (error) {
    throw unavailable(`Cannot read the Benchling JWKS from ${url} (HTTP ${response.status}): ${describe(error)}`);
  }
}

/** undici hides the useful part (ECONNREFUSED, ...) in `cause`. */
function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause instanceof Error ? error.cause.message : undefined;
  return cause === undefined ? error.message : `${error.message} (${cause})`;
}
