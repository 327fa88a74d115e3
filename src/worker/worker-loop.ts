import type { Logger } from 'pino';
import type { HungJob } from '../config/worker-health-check.ts';
import { Refusal } from '../errors/refusal.ts';
import type { JobBody, Lease, Queue } from '../queue/queue.ts';

/** Not a failure: the job is handed back to run again after retryInMs. */
export interface Deferral {
  retryInMs: number;
  reason: string;
}

export type JobHandler<Body extends JobBody = JobBody> = (body: Body, lease: Lease<Body>) => Promise<Deferral | void>;

export interface WorkerLoopOptions<Body extends JobBody = JobBody> {
  queue: Queue<Body>;
  handle: JobHandler<Body>;
  log: Logger;
  /**
   * Scrubs credentials out of a failure's text before the queue keeps it: the journal and the
   * dead letters hold what the log would not. Without it the text is kept as it is.
   */
  redactor?: { scrub(text: string): string };
  /** Jobs run at once (different entries; one entry is never run twice at once by the queue). */
  concurrency?: number;
  /** Retry delay after a failure: base × 2^(earlier failures), capped. */
  retryBaseMs?: number;
  retryMaxMs?: number;
  /**
   * How long one receive waits for a job before asking again. stop() lets the receives in
   * flight end, so this is also how long a stop can take. Default 1 s.
   */
  receiveWaitMs?: number;
  /**
   * The longest one job may run (JOB_DEADLINE). A handler stuck in a call that never returns is
   * abandoned then and its job handed back as a failure, so the slot and the job move on.
   * Default 15 minutes.
   */
  jobDeadlineMs?: number;
  /** What a job is, for the health check's report of a hung one: its kind and entry. */
  describe?: (body: Body) => { kind?: string | undefined; entry?: string | undefined };
}

/** The worker stopped while the handler ran: the job goes back to the queue, neither done nor failed. */
const STOPPED = Symbol('stopped');

/** Long enough for a slow export of a large entry; a job past it is taken to be stuck. */
export const DEFAULT_JOB_DEADLINE_MS = 15 * 60_000;

/**
 * Lease, run, ack; on failure hand the job back with a growing delay, so that the queue's
 * failure limit (then the dead-letter queue) ends a job that keeps failing. A refusal (see
 * Refusal) is settled at once instead. A handler may also defer its job (hand it back for a
 * moment without a failure: see EntryJobs).
 */
export class WorkerLoop<Body extends JobBody = JobBody> {
  private running = false;
  private readonly loops: Promise<void>[] = [];
  /** When each job now in a slot started: the health check's measure of progress. */
  private readonly started = new Map<string, number>();
  /** Handlers abandoned at their deadline whose call has not returned yet. */
  private readonly abandoned = new Set<HungJob>();
  /** One per handler running: stop() calls them all, and each handler's job is given back. */
  private readonly onStop = new Set<() => void>();
  /** The receives now waiting for a job. */
  private readonly receiving = new Set<Promise<unknown>>();

  constructor(private readonly options: WorkerLoopOptions<Body>) {}

  get isRunning(): boolean {
    return this.running;
  }

  /** Running, and no job has held its slot past its deadline (the deadline ends jobs, so this fails only if that did not). */
  get isHealthy(): boolean {
    const limit = this.deadlineMs + 60_000;
    return this.running && [...this.started.values()].every((at) => Date.now() - at < limit);
  }

  /**
   * Jobs abandoned at their deadline whose call is still pending: their retry runs elsewhere,
   * but the call holds what it holds until it returns, so the health check fails meanwhile.
   */
  get hungJobs(): HungJob[] {
    return [...this.abandoned].map((job) => ({ ...job }));
  }

  private get deadlineMs(): number {
    return this.options.jobDeadlineMs ?? DEFAULT_JOB_DEADLINE_MS;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    for (let i = 0; i < (this.options.concurrency ?? 2); i++) this.loops.push(this.loop());
  }

  /**
   * Gives back at once every job a handler is still running (neither done nor failed: it does
   * not count towards the job's failures), so another worker takes it now rather than when
   * the lease would have lapsed. The receives in flight end first (within receiveWaitMs):
   * given back while this worker's other slots were still asking, a job would only come back
   * to one of them and be given back again, one more delivery spent. A handler given back is
   * not waited for: like one abandoned at its deadline, it may finish its writes beside the
   * next delivery, which is why its result is discarded.
   */
  async stop(): Promise<void> {
    this.running = false;
    await Promise.allSettled([...this.receiving]);
    for (const giveBack of this.onStop) giveBack();
    await Promise.all(this.loops.splice(0));
  }

  private async loop(): Promise<void> {
    while (this.running) {
      let leases: Lease<Body>[];
      try {
        // One lease per loop at a time: a lease counts as a delivery, so jobs leased in a batch
        // but still waiting behind the running one would each lose a receive to a crash (and be
        // dead-lettered after a few restarts without ever having run), and would sit held while
        // another loop is idle.
        const receive = this.options.queue.receive({ max: 1, waitMs: this.options.receiveWaitMs ?? 1000 });
        this.receiving.add(receive);
        leases = await receive.finally(() => this.receiving.delete(receive));
      } catch (error) {
        this.options.log.error({ err: error }, 'cannot receive jobs; retrying in 1 s');
        await new Promise((resolve) => setTimeout(resolve, 1000));
        continue;
      }
      // A receive that was already waiting when stop() was called may still bring a job.
      for (const lease of leases) await (this.running ? this.run(lease) : this.giveBack(lease, this.logFor(lease)));
    }
  }

  private logFor(lease: Lease<Body>): Logger {
    return this.options.log.child({ job: lease.jobId, group: lease.groupId, receive: lease.receiveCount });
  }

  private async run(lease: Lease<Body>): Promise<void> {
    const log = this.logFor(lease);
    let failure: unknown;
    let deferral: Deferral | void | typeof STOPPED = undefined;
    try {
      deferral = await this.handleWithinDeadline(lease, log);
    } catch (error) {
      failure = error;
    }
    if (deferral === STOPPED) return this.giveBack(lease, log);
    if (deferral) {
      const reason = this.scrub(deferral.reason);
      log.info({ reason, retryInMs: deferral.retryInMs }, 'job deferred');
      await lease.defer(reason, deferral.retryInMs).catch((err: unknown) => log.error({ err }, 'could not hand the job back'));
      return;
    }
    if (failure === undefined) {
      // A lost lease means another delivery already has the job: at-least-once, nothing to hand back.
      await lease.ack().then(
        () => log.info('job done'),
        (err: unknown) => log.warn({ err }, 'job done but its lease was lost; it may run again'),
      );
      return;
    }
    if (failure instanceof Refusal) {
      // The same input would be refused again: retrying only spends the queue's deliveries and
      // holds up the entry's later jobs (an SQS FIFO group waits behind it). The job is settled;
      // an edit of the entry, or Update package on its canvas, queues a new one.
      log.error({ reason: failure.reason, err: failure }, `job refused (${failure.reason}); it will not be retried`);
      await lease.ack().catch((err: unknown) => log.warn({ err }, 'job refused but its lease was lost; it may run again'));
      return;
    }
    await this.fail(lease, log, failure);
  }

  /**
   * Runs the handler while keeping its lease alive (extended at half its length, so a job that
   * runs longer than the lease is not delivered again meanwhile), and ends it at the deadline.
   * An abandoned handler cannot be cancelled (JavaScript cannot stop a pending call): like a
   * delivery whose lease lapsed, it may still finish its writes beside the retry. A deadline far
   * longer than any real job keeps that to calls that truly hang.
   */
  private async handleWithinDeadline(lease: Lease<Body>, log: Logger): Promise<Deferral | void | typeof STOPPED> {
    const startedAt = Date.now();
    this.started.set(lease.jobId, startedAt);
    const renew = setInterval(() => {
      lease.extend().catch((err: unknown) => log.warn({ err }, 'could not extend the lease; the job may be delivered again'));
    }, Math.max(50, lease.leaseMs / 2));
    let deadline: NodeJS.Timeout | undefined;
    const overdue = new Promise<never>((_, reject) => {
      deadline = setTimeout(() => reject(new JobDeadlineError(this.deadlineMs)), this.deadlineMs);
    });
    // Per handler rather than one promise shared by all: a race leaves its callbacks on every
    // promise it was given, and a shared one that never settles would collect one per job.
    let stop: () => void = () => undefined;
    const stopped = new Promise<typeof STOPPED>((resolve) => (stop = () => resolve(STOPPED)));
    this.onStop.add(stop);
    // Async, so that a handler that throws before its first await fails like any other.
    const call = (async () => this.options.handle(lease.body, lease))();
    try {
      return await Promise.race([call, overdue, stopped]);
    } catch (error) {
      if (error instanceof JobDeadlineError) this.watchAbandoned(lease, call, startedAt, log);
      throw error;
    } finally {
      clearInterval(renew);
      clearTimeout(deadline);
      this.onStop.delete(stop);
      this.started.delete(lease.jobId);
    }
  }

  /**
   * Keeps an abandoned handler on the health check's list until its call returns. Which way
   * it ends does not matter any more: the job was already failed and handed back.
   */
  private watchAbandoned(lease: Lease<Body>, call: Promise<unknown>, since: number, log: Logger): void {
    const hung: HungJob = { jobId: lease.jobId, ...this.options.describe?.(lease.body), since };
    this.abandoned.add(hung);
    log.error({ hungForMs: Date.now() - since }, 'job abandoned at its deadline (JOB_DEADLINE) with its call still pending: the worker health check fails until the call returns');
    const returned = () => {
      this.abandoned.delete(hung);
      log.warn({ hungForMs: Date.now() - since }, 'the call of a job abandoned at its deadline has returned; its result is discarded');
    };
    call.then(returned, returned);
  }

  /** Back to the queue at once, as a delivery that neither finished nor failed: the next worker to ask gets it. */
  private async giveBack(lease: Lease<Body>, log: Logger): Promise<void> {
    await lease.defer('the worker stopped before the job finished; handed back at once', 0).then(
      () => log.info('worker stopping: job handed back to run again at once'),
      (err: unknown) => log.warn({ err }, 'worker stopping: could not hand the job back; it runs again once its lease lapses'),
    );
  }

  /** Hands the job back after a delay that doubles with each failure; the queue dead-letters it on the last. */
  private async fail(lease: Lease<Body>, log: Logger, failure: unknown): Promise<void> {
    const reason = this.scrub(failure instanceof Error ? `${failure.name}: ${failure.message}` : String(failure));
    const base = this.options.retryBaseMs ?? 5000;
    const delay = Math.min(base * 2 ** lease.failures, this.options.retryMaxMs ?? 300_000);
    const failures = lease.failures + 1;
    if (failures >= lease.maxFailures) log.warn({ reason, failures, maxFailures: lease.maxFailures }, 'job failed; it goes to the dead letters');
    else log.warn({ reason, failures, maxFailures: lease.maxFailures, retryInMs: delay }, 'job failed; it will be retried');
    await lease.retry(reason, delay).catch((err: unknown) => log.error({ err }, 'could not hand the job back'));
  }

  private scrub(text: string): string {
    return this.options.redactor ? this.options.redactor.scrub(text) : text;
  }
}

/** A job that ran past JOB_DEADLINE: it is failed (and so retried, then dead-lettered) like any other failure. */
export class JobDeadlineError extends Error {
  constructor(deadlineMs: number) {
    super(`job_deadline: the job ran longer than its deadline of ${Math.round(deadlineMs / 1000)} s (JOB_DEADLINE) and was abandoned`);
    this.name = 'JobDeadlineError';
  }
}
