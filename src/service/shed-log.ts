import type { Logger } from 'pino';

/**
 * Why the service closed a connection it did not finish serving:
 * - `timed_out`: its headers or body did not arrive in time (answered 408);
 * - `no_request`: at the connection cap, a connection that had not yet sent a whole request;
 * - `idle`: at the cap, a kept-alive connection between two requests;
 * - `slow_body`: at the cap, a request whose body was still arriving;
 * - `refused`: at the cap, a new connection, when every open one was busy being answered.
 */
export type ShedReason = 'timed_out' | 'no_request' | 'idle' | 'slow_body' | 'refused';

export const SHED_LOG_INTERVAL_MS = 10_000;

export interface ShedLogOptions {
  log: Pick<Logger, 'warn'>;
  /** Fields added to every line (the cap, how many connections are open). */
  context: () => Record<string, unknown>;
  intervalMs?: number;
  now?: () => number;
}

/**
 * An attack can shed thousands of connections a second; the log gets one line for the first,
 * then at most one per interval counting what was shed since the line before, so nothing is
 * hidden and nothing floods.
 */
export class ShedLog {
  private counts: Partial<Record<ShedReason, number>> = {};
  private lastLineAt: number | undefined;
  private timer: NodeJS.Timeout | undefined;
  private readonly intervalMs: number;
  private readonly now: () => number;

  constructor(private readonly options: ShedLogOptions) {
    this.intervalMs = options.intervalMs ?? SHED_LOG_INTERVAL_MS;
    this.now = options.now ?? Date.now;
  }

  record(reason: ShedReason): void {
    this.counts[reason] = (this.counts[reason] ?? 0) + 1;
    if (this.timer !== undefined) return;
    const wait = this.lastLineAt === undefined ? 0 : this.lastLineAt + this.intervalMs - this.now();
    if (wait <= 0) {
      this.flush();
      return;
    }
    this.timer = setTimeout(() => this.flush(), wait);
    this.timer.unref();
  }

  /** Writes what is still uncounted: on a timer, and when the server closes. */
  flush(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    if (Object.keys(this.counts).length === 0) return;
    const shed = this.counts;
    this.counts = {};
    this.lastLineAt = this.now();
    this.options.log.warn(
      { ...this.options.context(), shed },
      'connections shed: slow or idle clients were cut off, or the connection cap was reached',
    );
  }
}
