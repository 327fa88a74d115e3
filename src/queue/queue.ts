/**
 * The job queue between the service and the worker. Two implementations share this
 * interface and one test suite: an embedded durable queue (a journal under the data dir)
 * and SQS FIFO. Delivery is at-least-once through leases; jobs of one group (an entry) are
 * never leased twice at once.
 */
export type JobBody = Readonly<Record<string, unknown>>;

export interface NewJob<Body extends JobBody = JobBody> {
  /** Jobs of one group run one at a time, in order (SQS MessageGroupId = entry id). */
  groupId: string;
  /** A second enqueue with the same key is a duplicate (SQS MessageDeduplicationId = webhook-id). */
  dedupId: string;
  body: Body;
  /**
   * Merge into a job of the same group that is still waiting (not leased), instead of
   * adding another. Bursts of edits to one entry then cost one export, not twenty. The
   * embedded queue may also hold such a job until its group has been quiet for a while
   * (settleMs); a settling job does not hold up the jobs enqueued behind it.
   */
  coalesce?: boolean;
}

export interface EnqueueResult {
  jobId: string;
  /** dedupId was seen before: nothing new was queued. */
  duplicate: boolean;
  /** Merged into an existing waiting job (jobId is that job's id). */
  coalesced: boolean;
}

/**
 * Why a job goes to the dead letters (both queues, docs/operations.md "Dead letters"): it
 * failed maxFailures times (its handler threw; a deferral is not a failure), or it was
 * delivered maxReceives times however those deliveries ended. The second limit is far higher:
 * it only guards against a job that never gets to fail because it kills or hangs the process
 * every time, while a crash loop for some other reason must not dead-letter the jobs it cut.
 */
export interface Lease<Body extends JobBody = JobBody> {
  jobId: string;
  groupId: string;
  body: Body;
  /** Deliveries so far, this one included (1 on the first), however the earlier ones ended. */
  receiveCount: number;
  /** The deliveries after which the queue dead-letters the job whatever ended them; undefined when the queue cannot say. */
  maxReceives: number | undefined;
  /** Earlier deliveries of this job that failed (retry); cut deliveries and deferrals are not failures. */
  failures: number;
  /** The failures after which the job is dead-lettered: the retry that makes it this many dead-letters it. */
  maxFailures: number;
  /** Done: the job is removed for good. */
  ack(): Promise<void>;
  /** The handler failed: visible again after delayMs, or dead-lettered when this is its maxFailures-th failure. */
  retry(reason: string, delayMs?: number): Promise<void>;
  /** Neither done nor failed (the worker defers it): visible again after delayMs; it counts as a delivery only. */
  defer(reason: string, delayMs: number): Promise<void>;
  /** Can never run (its body is not a job this worker knows): dead-lettered now with the reason, not retried. */
  deadLetter(reason: string): Promise<void>;
  /** How long the lease lasts from its start or its last extension (the visibility timeout). */
  leaseMs: number;
  /** Still working on it: the lease lasts leaseMs from now, so the job is not delivered again meanwhile. */
  extend(): Promise<void>;
}

export interface DeadLetter {
  jobId: string;
  groupId: string;
  body: JobBody;
  receiveCount: number;
  reason: string;
  /** When it was dead-lettered (epoch ms); on SQS, when the message was sent to where it now is. Undefined when unknown. */
  at?: number | undefined;
}

export interface QueueDepth {
  waiting: number;
  inFlight: number;
  dead: number;
}

/**
 * Generic over the body it carries: the two implementations carry JSON objects, and
 * parsedQueue() (parsed-queue.ts) puts a schema in front of them, so that the service
 * enqueues and the worker receives typed jobs.
 */
export interface Queue<Body extends JobBody = JobBody> {
  /** Resolves only once the job is durable: the service answers 202 after this. */
  enqueue(job: NewJob<Body>): Promise<EnqueueResult>;
  /** Up to max leases; waits up to waitMs for the first one. */
  receive(options?: { max?: number; waitMs?: number }): Promise<Lease<Body>[]>;
  depth(): Promise<QueueDepth>;
  deadLetters(): Promise<DeadLetter[]>;
  /** For /health/ready: can this queue take jobs right now? */
  check(): Promise<{ ok: true } | { ok: false; reason: string }>;
  close(): Promise<void>;
}
