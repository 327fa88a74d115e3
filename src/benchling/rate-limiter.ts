import { AppError } from '../errors/app-error.ts';
import { realSleep, type Now, type Sleep } from './clock.ts';

export interface RateLimiterOptions {
  /** Requests per window; default 60, Benchling's documented tenant limit. */
  limit?: number;
  /**
   * Permits of each window only forClicks() may take: a canvas click must not wait for a
   * budget exports have spent. Default a sixth of the limit (10 of 60: five clicks of two calls).
   */
  reserve?: number;
  /** Default 30 s. */
  windowMs?: number;
  now?: Now;
  sleep?: Sleep;
}

/** Hands a permit back: from then on it counts for one more window, then frees its slot. */
export type ReleasePermit = () => void;

/** What a Benchling client takes its permits from: the limiter, or its share for clicks. */
export interface Permits {
  acquire(): Promise<ReleasePermit>;
  /** After a 429: nobody in this process calls Benchling again for `ms`. */
  pauseFor(ms: number): void;
}

export const DEFAULT_CLIENT_RATE_LIMIT = { limit: 60, windowMs: 30_000 } as const;

interface Slot {
  /** Infinity while the request is in flight. */
  freeAt: number;
}

/**
 * A sliding-window limiter for every Benchling API call of a process. A permit keeps its slot
 * until one full window after its request finished, not after it started: Benchling counts a
 * request somewhere between send and answer, so only the answer time gives a bound that holds
 * however long requests take. Waiters are served first come, first served, and may use all
 * but `reserve` slots: those are kept for canvas clicks (forClicks()), which also skip the
 * line, so that a click never waits for a budget exports have spent.
 */
export class RateLimiter implements Permits {
  readonly limit: number;
  readonly reserve: number;
  readonly windowMs: number;
  private readonly now: Now;
  private readonly sleep: Sleep;
  private readonly slots: Slot[] = [];
  private pausedUntil = 0;
  private tail: Promise<unknown> = Promise.resolve();
  private wake = signal();

  constructor(options: RateLimiterOptions = {}) {
    this.limit = positiveInteger(options.limit ?? DEFAULT_CLIENT_RATE_LIMIT.limit, 'limit');
    this.windowMs = positiveInteger(options.windowMs ?? DEFAULT_CLIENT_RATE_LIMIT.windowMs, 'windowMs');
    this.reserve = options.reserve ?? Math.floor(this.limit / 6);
    if (!Number.isInteger(this.reserve) || this.reserve < 0 || this.reserve >= this.limit) {
      throw new AppError('INVALID_RATE_LIMIT', `The Benchling rate limit reserve must be a whole number from 0 to ${this.limit - 1}, got ${this.reserve}`);
    }
    this.now = options.now ?? Date.now;
    this.sleep = options.sleep ?? realSleep;
  }

  /** Resolves with a release function once a request may go out. */
  acquire(): Promise<ReleasePermit> {
    const turn = this.tail.then(() => this.take(this.limit - this.reserve));
    this.tail = turn.catch(() => undefined);
    return turn;
  }

  /** The clicks' share: any free slot, the reserve included, without waiting behind other callers. */
  forClicks(): Permits {
    return { acquire: () => this.take(this.limit), pauseFor: (ms) => this.pauseFor(ms) };
  }

  /** After a 429: nobody in this process calls Benchling again for `ms`. */
  pauseFor(ms: number): void {
    const until = this.now() + Math.max(0, ms);
    if (until <= this.pausedUntil) return;
    this.pausedUntil = until;
    this.notify();
  }

  /** Slots counted right now, for diagnostics and tests. */
  inUse(): number {
    this.prune(this.now());
    return this.slots.length;
  }

  /** A permit once fewer than `cap` slots are counted. */
  private async take(cap: number): Promise<ReleasePermit> {
    for (;;) {
      const now = this.now();
      this.prune(now);
      const openAt = Math.max(this.pausedUntil, this.slots.length < cap ? now : this.freeBelow(cap));
      if (openAt <= now) return this.grant();
      await this.waitUntilChangeOr(openAt - now);
    }
  }

  private grant(): ReleasePermit {
    const slot: Slot = { freeAt: Infinity };
    this.slots.push(slot);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      slot.freeAt = this.now() + this.windowMs;
      this.notify();
    };
  }

  /** A release or a pause may move the time the head waiter can go, so it re-checks. */
  private async waitUntilChangeOr(ms: number): Promise<void> {
    const woken = this.wake.promise;
    if (!Number.isFinite(ms)) return woken;
    const timer = new AbortController();
    try {
      await Promise.race([woken, this.sleep(ms, timer.signal)]);
    } finally {
      timer.abort();
    }
  }

  private notify(): void {
    this.wake.fire();
    this.wake = signal();
  }

  private prune(now: number): void {
    for (let i = this.slots.length - 1; i >= 0; i--) {
      if (this.slots[i]!.freeAt <= now) this.slots.splice(i, 1);
    }
  }

  /** When enough slots will have freed for fewer than `cap` to be counted. */
  private freeBelow(cap: number): number {
    const times = this.slots.map((s) => s.freeAt).sort((a, b) => a - b);
    return times[this.slots.length - cap]!;
  }
}

let processLimiter: RateLimiter | undefined;

/**
 * The one limiter of this process: every BenchlingClient built by the service and the worker
 * should share it, so that together they stay under the tenant's limit. The options of the
 * first call win.
 */
export function processRateLimiter(options?: RateLimiterOptions): RateLimiter {
  processLimiter ??= new RateLimiter(options);
  return processLimiter;
}

function positiveInteger(value: number, name: string): number {
  if (!Number.isInteger(value) || value < 1) throw new AppError('INVALID_RATE_LIMIT', `The Benchling rate limit ${name} must be a positive integer, got ${value}`);
  return value;
}

/** A one-shot wake-up (Promise.withResolvers is not in Node 20). */
function signal(): { promise: Promise<void>; fire: () => void } {
  let fire = () => {};
  const promise = new Promise<void>((resolve) => {
    fire = resolve;
  });
  return { promise, fire };
}
