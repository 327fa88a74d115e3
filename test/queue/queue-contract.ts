import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Lease, Queue } from '../../src/queue/queue.ts';

/**
 * The behaviour both queues promise, run against each: a test file per implementation
 * supplies a harness that opens a fresh, empty queue.
 */
export interface QueueHarness {
  name: string;
  open(options?: { maxFailures?: number; maxReceives?: number; visibilityTimeoutMs?: number }): Promise<Queue>;
  /** The shortest lease and retry delay the implementation handles (SQS counts whole seconds). */
  shortMs: number;
}

export function queueContract(harness: QueueHarness): void {
  const short = harness.shortMs;
  /** Long enough for anything the queue should do "soon" without making a passing test slow. */
  const patience = short * 5 + 1000;

  async function withQueue(options: Parameters<QueueHarness['open']>[0], run: (queue: Queue) => Promise<void>): Promise<void> {
    const queue = await harness.open(options);
    try {
      await run(queue);
    } finally {
      await queue.close();
    }
  }

  async function receiveOne(queue: Queue): Promise<Lease> {
    const leases = await queue.receive({ waitMs: patience });
    assert.equal(leases.length, 1, 'expected exactly one lease');
    return leases[0]!;
  }

  // Each test opens a queue of its own, so they run at once: most of their time is waiting out
  // leases and retry delays (a whole second each on SQS), which need not wait in line.
  describe(`queue contract: ${harness.name}`, { concurrency: true }, () => {
    test('a job is enqueued, leased once and gone after ack', () =>
      withQueue({}, async (queue) => {
        const result = await queue.enqueue({ groupId: 'etr_1', dedupId: 'wh_1', body: { entryId: 'etr_1', n: 1 } });
        assert.equal(result.duplicate, false);
        assert.equal(result.coalesced, false);
        assert.deepEqual(await queue.depth(), { waiting: 1, inFlight: 0, dead: 0 });
        const lease = await receiveOne(queue);
        assert.deepEqual([lease.jobId, lease.groupId, lease.body, lease.receiveCount], [result.jobId, 'etr_1', { entryId: 'etr_1', n: 1 }, 1]);
        assert.deepEqual(await queue.depth(), { waiting: 0, inFlight: 1, dead: 0 });
        await lease.ack();
        assert.deepEqual(await queue.depth(), { waiting: 0, inFlight: 0, dead: 0 });
        assert.deepEqual(await queue.receive(), []);
        await assert.rejects(lease.ack(), { code: 'queue_lease_settled' });
        assert.deepEqual(await queue.check(), { ok: true });
      }));

    test('one group is delivered in order, one job at a time', () =>
      withQueue({}, async (queue) => {
        for (const n of [1, 2, 3]) await queue.enqueue({ groupId: 'etr_A', dedupId: `a${n}`, body: { n } });
        for (const n of [1, 2, 3]) {
          const leases = await queue.receive({ max: 10, waitMs: patience });
          assert.deepEqual(
            leases.map((lease) => lease.body.n),
            [n],
          );
          assert.deepEqual(await queue.receive({ max: 10 }), [], 'a second job of a leased group was delivered');
          await leases[0]!.ack();
        }
      }));

    test('different groups are leased in parallel', () =>
      withQueue({}, async (queue) => {
        for (const [groupId, n] of [['A', 1], ['B', 1], ['C', 1], ['A', 2]] as const) {
          await queue.enqueue({ groupId, dedupId: `${groupId}${n}`, body: { groupId, n } });
        }
        const leases = await queue.receive({ max: 10, waitMs: patience });
        assert.deepEqual(leases.map((lease) => `${lease.groupId}${String(lease.body.n)}`).sort(), ['A1', 'B1', 'C1']);
        await Promise.all(leases.map((lease) => lease.ack()));
        const next = await receiveOne(queue);
        assert.deepEqual(next.body, { groupId: 'A', n: 2 });
        await next.ack();
      }));

    test('a repeated dedupId queues nothing', () =>
      withQueue({}, async (queue) => {
        const first = await queue.enqueue({ groupId: 'g', dedupId: 'wh_same', body: { n: 1 } });
        const again = await queue.enqueue({ groupId: 'g', dedupId: 'wh_same', body: { n: 2 } });
        assert.deepEqual(again, { jobId: first.jobId, duplicate: true, coalesced: false });
        const racing = await Promise.all([1, 2, 3].map((n) => queue.enqueue({ groupId: 'h', dedupId: 'wh_race', body: { n } })));
        assert.equal(racing.filter((result) => !result.duplicate).length, 1);
        assert.equal(new Set(racing.map((result) => result.jobId)).size, 1);
        const leases = await queue.receive({ max: 10, waitMs: patience });
        assert.deepEqual(leases.map((lease) => lease.groupId).sort(), ['g', 'h']);
        await Promise.all(leases.map((lease) => lease.ack()));
        assert.deepEqual(await queue.receive({ max: 10 }), []);
      }));

    test('a job that keeps failing is dead-lettered on its maxFailures-th failure, and its group moves on', () =>
      withQueue({ maxFailures: 3 }, async (queue) => {
        const doomed = await queue.enqueue({ groupId: 'etr_D', dedupId: 'd1', body: { n: 1 } });
        await queue.enqueue({ groupId: 'etr_D', dedupId: 'd2', body: { n: 2 } });
        for (const attempt of [1, 2, 3]) {
          const lease = await receiveOne(queue);
          assert.deepEqual([lease.jobId, lease.receiveCount, lease.failures, lease.maxFailures], [doomed.jobId, attempt, attempt - 1, 3]);
          await lease.retry(`boom ${attempt}`, 0);
        }
        const next = await receiveOne(queue);
        assert.deepEqual(next.body, { n: 2 });
        const dead = await queue.deadLetters();
        assert.equal(dead.length, 1);
        assert.deepEqual([dead[0]!.jobId, dead[0]!.groupId, dead[0]!.body, dead[0]!.receiveCount], [doomed.jobId, 'etr_D', { n: 1 }, 3]);
        assert.match(dead[0]!.reason, /boom 3/);
        assert.equal((await queue.depth()).dead, 1);
        assert.equal((await queue.deadLetters()).length, 1, 'reading the dead letters consumed them');
        await next.ack();
      }));

    test('a job that can never run is dead-lettered at its first delivery, with the reason, and its group moves on', () =>
      withQueue({ maxFailures: 3 }, async (queue) => {
        const misfit = await queue.enqueue({ groupId: 'etr_M', dedupId: 'm1', body: { kind: 'unheard-of' } });
        await queue.enqueue({ groupId: 'etr_M', dedupId: 'm2', body: { n: 2 } });
        const lease = await receiveOne(queue);
        await lease.deadLetter('job_schema: kind: not a job kind');
        const next = await receiveOne(queue);
        assert.deepEqual(next.body, { n: 2 });
        const dead = await queue.deadLetters();
        assert.deepEqual(dead.map((d) => [d.jobId, d.body, d.receiveCount]), [[misfit.jobId, { kind: 'unheard-of' }, 1]]);
        assert.match(dead[0]!.reason, /job_schema: kind: not a job kind/);
        await next.ack();
      }));

    test('a lease extended before it lapses keeps the job: not delivered again while it is worked on', () =>
      withQueue({ visibilityTimeoutMs: short * 2 }, async (queue) => {
        await queue.enqueue({ groupId: 'etr_L', dedupId: 'l1', body: { n: 1 } });
        const lease = await receiveOne(queue);
        assert.equal(lease.leaseMs, short * 2);
        const until = Date.now() + short * 6;
        while (Date.now() < until) {
          await lease.extend();
          assert.deepEqual(await queue.receive({ waitMs: short }), [], 'delivered again while its lease was being extended');
        }
        await lease.ack();
        assert.deepEqual(await queue.receive({ waitMs: short * 3 }), []);
      }));

    test('deliveries cut short (the lease expired) and deferrals are not failures: only failures reach the failure limit', () =>
      withQueue({ maxFailures: 2, visibilityTimeoutMs: short }, async (queue) => {
        const { jobId } = await queue.enqueue({ groupId: 'g', dedupId: 'cut', body: {} });
        await receiveOne(queue); // cut: neither acked nor retried, as when the process dies
        await (await receiveOne(queue)).defer('still being edited', 0);
        await receiveOne(queue); // cut again
        const lease = await receiveOne(queue);
        // The worker defers a job only while the lease says enough deliveries are left.
        assert.deepEqual([lease.jobId, lease.receiveCount, lease.failures, lease.maxFailures], [jobId, 4, 0, 2]);
        assert.ok(lease.maxReceives === undefined || lease.maxReceives > 4);
        await lease.retry('first failure', 0);
        const again = await receiveOne(queue);
        assert.deepEqual([again.receiveCount, again.failures], [5, 1]);
        await again.retry('second failure', 0);
        const [dead] = await queue.deadLetters();
        assert.equal(dead?.jobId, jobId);
        assert.match(dead?.reason ?? '', /second failure/);
      }));

    test('a job delivered maxReceives times is dead-lettered however those deliveries ended', () =>
      withQueue({ maxReceives: 2, visibilityTimeoutMs: short }, async (queue) => {
        const { jobId } = await queue.enqueue({ groupId: 'g', dedupId: 'hang', body: {} });
        await queue.enqueue({ groupId: 'g', dedupId: 'next', body: { next: true } });
        assert.equal((await receiveOne(queue)).maxReceives, 2);
        await receiveOne(queue); // both deliveries cut: a job that kills the process every time
        const next = await receiveOne(queue);
        assert.deepEqual(next.body, { next: true });
        await next.ack();
        const [dead] = await queue.deadLetters();
        assert.deepEqual([dead?.jobId, dead?.receiveCount], [jobId, 2]);
        assert.match(dead?.reason ?? '', /delivered 2 times without finishing|exceeded maxReceiveCount \(2\)/);
      }));

    test('retry delays the next delivery', () =>
      withQueue({}, async (queue) => {
        await queue.enqueue({ groupId: 'g', dedupId: 'r1', body: {} });
        const first = await receiveOne(queue);
        const retriedAt = Date.now();
        await first.retry('export failed', short);
        assert.deepEqual(await queue.receive(), []);
        const again = await receiveOne(queue);
        assert.ok(Date.now() - retriedAt >= short - 50, 'delivered before the retry delay ended');
        assert.equal(again.receiveCount, 2);
        await again.ack();
      }));

    test('a lease neither acked nor retried expires and the job is delivered again', () =>
      withQueue({ visibilityTimeoutMs: short }, async (queue) => {
        const { jobId } = await queue.enqueue({ groupId: 'g', dedupId: 'x1', body: {} });
        const leasedAt = Date.now();
        await receiveOne(queue);
        assert.deepEqual(await queue.receive(), []);
        const again = await receiveOne(queue);
        assert.ok(Date.now() - leasedAt >= short - 50, 'redelivered before the lease expired');
        assert.deepEqual([again.jobId, again.receiveCount], [jobId, 2]);
        await again.ack();
      }));

    test('a long poll with nothing to deliver returns empty once its wait is over', () =>
      withQueue({}, async (queue) => {
        const started = Date.now();
        assert.deepEqual(await queue.receive({ waitMs: 300 }), []);
        assert.ok(Date.now() - started >= 290, 'returned before waitMs');
      }));

    test('a closed queue refuses work', async () => {
      const queue = await harness.open();
      await queue.close();
      await assert.rejects(queue.enqueue({ groupId: 'g', dedupId: 'c1', body: {} }), { code: 'queue_closed' });
      assert.equal((await queue.check()).ok, false);
    });
  });

  // Timed to the event: run alone, after the others, so their traffic cannot delay the wake-up.
  describe(`queue contract: ${harness.name}, a waiting receive`, () => {
    test('a long poll wakes as soon as a job arrives', () =>
      withQueue({}, async (queue) => {
        const polling = queue.receive({ waitMs: 10_000 });
        await sleep(100);
        const enqueuedAt = Date.now();
        await queue.enqueue({ groupId: 'g', dedupId: 'w1', body: {} });
        const leases = await polling;
        const latency = Date.now() - enqueuedAt;
        assert.equal(leases.length, 1);
        assert.ok(latency < 500, `woke after ${latency} ms`);
        await leases[0]!.ack();
      }));
  });
}
