interface Timer {
  at: number;
  seq: number;
  resolve: () => void;
}

/**
 * Discrete-event time for code that takes `now` and `sleep`: timers fire in time order, each
 * only after everything the previous one set off has settled, so concurrent waiters interleave
 * as they would in real time, in no time.
 */
export class VirtualClock {
  private t = 0;
  private seq = 0;
  private timers: Timer[] = [];

  now = (): number => this.t;

  sleep = (ms: number, signal?: AbortSignal): Promise<void> =>
    new Promise<void>((resolve) => {
      const timer: Timer = { at: this.t + Math.max(0, ms), seq: this.seq++, resolve };
      this.timers.push(timer);
      signal?.addEventListener(
        'abort',
        () => {
          this.timers = this.timers.filter((t) => t !== timer);
          resolve();
        },
        { once: true },
      );
    });

  async run<T>(work: Promise<T>): Promise<T> {
    let settled = false;
    const done = () => {
      settled = true;
    };
    work.then(done, done);
    for (;;) {
      await new Promise((resolve) => setImmediate(resolve));
      if (settled) return work;
      const next = this.timers.sort((a, b) => a.at - b.at || a.seq - b.seq).shift();
      if (next === undefined) throw new Error('deadlock: work is pending and no timer is set');
      this.t = next.at;
      next.resolve();
    }
  }
}
