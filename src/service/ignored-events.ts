import type { Logger } from 'pino';
import { subscriptionAdvice } from '../benchling/subscription-advice.ts';

/**
 * Webhooks the app answers `200 ignored`. Benchling delivers only what the app subscribed to,
 * so each one is a subscription doing nothing, and a type the app should have been sent
 * instead (say, v3.entry.updated where v2.entry.updated.fields is handled) means entries that
 * are never packaged, with no error anywhere. So the first of each type is logged at info,
 * with what to subscribe to instead, and every one is counted for /health/ready.
 *
 * Once per type keeps a busy subscription from flooding the log. The types come from signed
 * deliveries, but are still bounded: at most MAX_TYPES are told apart, each cut to
 * MAX_TYPE_LENGTH characters; the rest are counted in `total` only.
 */

export const MAX_TYPES = 64;
export const MAX_TYPE_LENGTH = 100;

export interface IgnoredEventCounts {
  total: number;
  /** Deliveries per message type. */
  byType: Record<string, number>;
}

export class IgnoredEvents {
  private readonly counts = new Map<string, number>();
  private total = 0;
  private overflowLogged = false;

  constructor(private readonly log: Logger) {}

  record(rawType: string): void {
    this.total += 1;
    const type = rawType.length > MAX_TYPE_LENGTH ? `${rawType.slice(0, MAX_TYPE_LENGTH)}…` : rawType;
    const seen = this.counts.get(type);
    if (seen !== undefined) {
      this.counts.set(type, seen + 1);
      return;
    }
    if (this.counts.size >= MAX_TYPES) {
      this.logOverflow();
      return;
    }
    this.counts.set(type, 1);
    const { subscribeInstead, advice } = subscriptionAdvice(type);
    this.log.info({ type, ...(subscribeInstead.length > 0 ? { subscribeInstead } : {}), advice }, 'webhook type not used by the app: ignored');
  }

  counted(): IgnoredEventCounts {
    return { total: this.total, byType: Object.fromEntries(this.counts) };
  }

  private logOverflow(): void {
    if (this.overflowLogged) return;
    this.overflowLogged = true;
    this.log.info({ types: MAX_TYPES }, 'more ignored webhook types than are told apart: further types are counted in the total only');
  }
}
