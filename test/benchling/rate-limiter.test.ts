import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { processRateLimiter, RateLimiter } from '../../src/benchling/rate-limiter.ts';
import { appError } from './client-fixtures.ts';
import { VirtualClock } from './virtual-clock.ts';

function limiterOn(clock: VirtualClock, limit: number, windowMs: number): RateLimiter {
  return new RateLimiter({ limit, windowMs, now: clock.now, sleep: clock.sleep });
}

/** Takes a permit, holds it for `holdMs`, hands it back; resolves with the grant time. */
async function request(limiter: RateLimiter, clock: VirtualClock, holdMs = 0): Promise<number> {
  const release = await limiter.acquire();
  const grantedAt = clock.now();
  await clock.sleep(holdMs);
  release();
  return grantedAt;
}

describe('RateLimiter', () => {
  test('grants `limit` permits per window; the next waits for the first slot to age out', async () => {
    const clock = new VirtualClock();
    const limiter = limiterOn(clock, 3, 1_000);
    const grants = await clock.run(Promise.all([0, 1, 2, 3, 4].map(() => request(limiter, clock))));
    assert.deepEqual(grants, [0, 0, 0, 1_000, 1_000]);
  });

  test('a slot counts from when its request finished, so slow requests hold it longer', async () => {
    const clock = new VirtualClock();
    const limiter = limiterOn(clock, 2, 1_000);
    const grants = await clock.run(Promise.all([request(limiter, clock, 500), request(limiter, clock, 300), request(limiter, clock)]));
    assert.deepEqual(grants, [0, 0, 1_300]);
  });

  test('pauseFor holds every caller back, even with slots free, and only ever extends', async () => {
    const clock = new VirtualClock();
    const limiter = limiterOn(clock, 10, 1_000);
    limiter.pauseFor(5_000);
    limiter.pauseFor(2_000);
    assert.deepEqual(await clock.run(Promise.all([request(limiter, clock), request(limiter, clock)])), [5_000, 5_000]);
  });

  test('a pause that arrives while callers wait applies to them too', async () => {
    const clock = new VirtualClock();
    const limiter = limiterOn(clock, 1, 1_000);
    const work = Promise.all([
      request(limiter, clock, 100),
      request(limiter, clock),
      clock.sleep(50).then(() => limiter.pauseFor(4_000)),
    ]);
    const [first, second] = await clock.run(work);
    assert.deepEqual([first, second], [0, 4_050]);
  });

  test('waiters are served in the order they asked', async () => {
    const clock = new VirtualClock();
    const limiter = limiterOn(clock, 1, 100);
    const order: number[] = [];
    const ask = async (i: number) => {
      const release = await limiter.acquire();
      order.push(i);
      release();
    };
    await clock.run(Promise.all([0, 1, 2, 3, 4, 5].map(ask)));
    assert.deepEqual(order, [0, 1, 2, 3, 4, 5]);
  });

  test('releasing twice frees one slot once', async () => {
    const clock = new VirtualClock();
    const limiter = limiterOn(clock, 2, 1_000);
    const release = await limiter.acquire();
    release();
    release();
    assert.equal(limiter.inUse(), 1);
  });

  test('however requests overlap, no window of windowMs sees more than `limit` of them at the server', async () => {
    const scenario = fc.record({
      limit: fc.integer({ min: 1, max: 5 }),
      windowMs: fc.integer({ min: 50, max: 1_000 }),
      requests: fc.array(
        fc.record({ startMs: fc.integer({ min: 0, max: 3_000 }), holdMs: fc.integer({ min: 0, max: 600 }), seenAt: fc.double({ min: 0, max: 1, noNaN: true }) }),
        { minLength: 1, maxLength: 30 },
      ),
    });
    await fc.assert(
      fc.asyncProperty(scenario, async ({ limit, windowMs, requests }) => {
        const clock = new VirtualClock();
        const limiter = limiterOn(clock, limit, windowMs);
        const one = async (r: (typeof requests)[number]) => {
          await clock.sleep(r.startMs);
          const release = await limiter.acquire();
          const grantedAt = clock.now();
          await clock.sleep(r.holdMs);
          release();
          // The server counts a request at some moment between send and answer.
          return grantedAt + r.seenAt * r.holdMs;
        };
        const seen = (await clock.run(Promise.all(requests.map(one)))).sort((a, b) => a - b);
        for (const start of seen) {
          assert.ok(seen.filter((t) => t >= start && t < start + windowMs).length <= limit);
        }
      }),
      { numRuns: 60 },
    );
  });

  test('callers take all but the reserve; a click takes the reserve at once, ahead of the callers waiting', async () => {
    const clock = new VirtualClock();
    const limiter = new RateLimiter({ limit: 6, windowMs: 1_000, reserve: 2, now: clock.now, sleep: clock.sleep });
    const clicks = limiter.forClicks();
    const click = async () => {
      const release = await clicks.acquire();
      const at = clock.now();
      release();
      return at;
    };
    const work = Promise.all([
      Promise.all([0, 1, 2, 3, 4, 5].map(() => request(limiter, clock))),
      clock.sleep(10).then(() => Promise.all([click(), click(), click()])),
    ]);
    const [exports, clickGrants] = await clock.run(work);
    assert.deepEqual(exports, [0, 0, 0, 0, 1_000, 1_000]);
    // Two clicks take the reserve at once; the third waits for the first slot to age out, as the callers do, but not behind them.
    assert.deepEqual(clickGrants, [10, 10, 1_000]);
  });

  test('with clicks among the callers, no window of windowMs sees more than `limit` requests at the server', async () => {
    const scenario = fc.record({
      limit: fc.integer({ min: 1, max: 6 }),
      windowMs: fc.integer({ min: 50, max: 1_000 }),
      requests: fc.array(fc.record({ startMs: fc.integer({ min: 0, max: 3_000 }), holdMs: fc.integer({ min: 0, max: 600 }), click: fc.boolean() }), { minLength: 1, maxLength: 30 }),
    });
    await fc.assert(
      fc.asyncProperty(scenario, async ({ limit, windowMs, requests }) => {
        const clock = new VirtualClock();
        const limiter = limiterOn(clock, limit, windowMs);
        const clicks = limiter.forClicks();
        const one = async (r: (typeof requests)[number]) => {
          await clock.sleep(r.startMs);
          const release = await (r.click ? clicks : limiter).acquire();
          const grantedAt = clock.now();
          await clock.sleep(r.holdMs);
          release();
          return grantedAt;
        };
        const seen = (await clock.run(Promise.all(requests.map(one)))).sort((a, b) => a - b);
        for (const start of seen) assert.ok(seen.filter((t) => t >= start && t < start + windowMs).length <= limit);
      }),
      { numRuns: 60 },
    );
  });

  test('the reserve is a sixth of the limit by default; one that leaves callers nothing is refused', () => {
    assert.equal(new RateLimiter({ limit: 60 }).reserve, 10);
    assert.equal(new RateLimiter({ limit: 5 }).reserve, 0);
    assert.throws(() => new RateLimiter({ limit: 5, reserve: 5 }), appError('INVALID_RATE_LIMIT'));
    assert.throws(() => new RateLimiter({ limit: 5, reserve: -1 }), appError('INVALID_RATE_LIMIT'));
  });

  test('the process limiter is one instance; a bad limit is refused', () => {
    assert.equal(processRateLimiter(), processRateLimiter({ limit: 1 }));
    assert.equal(processRateLimiter().limit, 60);
    assert.equal(processRateLimiter().windowMs, 30_000);
    assert.throws(() => new RateLimiter({ limit: 0 }), appError('INVALID_RATE_LIMIT'));
  });
});
