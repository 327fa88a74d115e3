export interface RateLimitSettings {
  limit: number;
  windowMs: number;
}

export interface RateLimitDecision {
  allowed: boolean;
  headers: Record<string, string>;
}

/** Benchling's documented default: 60 requests per 30 seconds per tenant. */
export const DEFAULT_RATE_LIMIT: RateLimitSettings = { limit: 60, windowMs: 30_000 };

/**
 * A fixed window that opens with the first request after the previous one closed. Every
 * decision carries the `x-rate-limit-*` headers, since Benchling sends them on every reply.
 */
export class FixedWindowRateLimiter {
  private windowStart = 0;
  private used = 0;

  constructor(private readonly settings: RateLimitSettings) {}

  take(now = Date.now()): RateLimitDecision {
    if (now - this.windowStart >= this.settings.windowMs) {
      this.windowStart = now;
      this.used = 0;
    }
    const allowed = this.used < this.settings.limit;
    if (allowed) this.used++;
    const resetSeconds = Math.max(1, Math.ceil((this.windowStart + this.settings.windowMs - now) / 1000));
    return {
      allowed,
      headers: {
        'x-rate-limit-limit': String(this.settings.limit),
        'x-rate-limit-remaining': String(this.settings.limit - this.used),
        'x-rate-limit-reset': String(resetSeconds),
      },
    };
  }
}
