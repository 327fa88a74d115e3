/**
 * The job queue between the service and the worker. Two implementations share this
 * interface and one test suite: an embedded durable queue (a journal under the data dir)
 * and SQS FIFO. Delivery is at-least-once through leases; jobs of one group (an entry) are
 * never leased twice at once.
 */
export type JobBody = Readonly<Record<string, unknown>>;

export interface NewJob {
  /** Jobs of one group run one at a time, in order (SQS MessageGroupId = entry id). */
  groupId: string;
  /** A second enqueue with the same key is a duplicate (SQS MessageDeduplicationId = webhook-id). */
  dedupId: string;
  body: JobBody;
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

export interface Lease {
  jobId: string;
  groupId: string;
  body: JobBody;
  /** 1 on first delivery; the queue dead-letters a job after maxReceives. */
  receiveCount: number;
  /** The deliveries after which the queue dead-letters the job; undefined when the queue cannot say. */
  maxReceives: number | undefined;
  /** Done: the job is removed for good. */
  ack(): Promise<void>;
  /** Failed this time: make it visible again after delayMs; dead-letter it after maxReceives. */
  retry(reason: string, delayMs?: number): Promise<void>;
}

export interface DeadLetter {
  jobId: string;
  groupId: string;
  body: JobBody;
  receiveCount: number;
  reason: string;
}

export interface QueueDepth {
  waiting: number;
  inFlight: number;
  dead: number;
}

export interface Queue {
  /** Resolves only once the job is durable: the service answers 202 after this. */
  enqueue(job: NewJob): Promise<EnqueueResult>;
  /** Up to max leases; waits up to waitMs for the first one. */
  receive(options?: { max?: number; waitMs?: number }): Promise<Lease[]>;
  depth(): Promise<QueueDepth>;
  deadLetters(): Promise<DeadLetter[]>;
  /** For /health/ready: can this queue take jobs right now? */
  check(): Promise<{ ok: true } | { ok: false; reason: string }>;
  close(): Promise<void>;
}
