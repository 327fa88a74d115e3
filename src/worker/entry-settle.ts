/** ENTRY_SETTLE: package an entry once its edits have been quiet for quietMs, but never later than maxMs after its event. */
export interface EntrySettle {
  quietMs: number;
  maxMs: number;
}

/** Deferrals per job: enough for a burst of a few seconds to end. */
const MAX_DEFERRALS = 2;
/**
 * Each deferral is a delivery, and the queue dead-letters a job after maxReceives of them: a
 * job is deferred only while this many deliveries would still be left for real attempts.
 */
const ATTEMPTS_KEPT = 3;

export interface SettleInput {
  /** The entry's modifiedAt as Benchling reports it (ISO 8601); undefined when it does not: never deferred. */
  modifiedAt: string | undefined;
  /** When the service received the job's event (ISO 8601). */
  receivedAt: string;
  /** Deliveries of the job so far, this one included. */
  receiveCount: number;
  /** The queue's dead-letter limit; undefined (unknown): never deferred. */
  maxReceives: number | undefined;
  now: number;
}

/**
 * How long to hand an entry job back before packaging, or undefined to package now. For a
 * queue that cannot hold a message back (SQS): an entry edited less than quietMs ago is
 * probably still being edited, and exporting it now would only be followed by another export.
 * Never more than quietMs at a time (a clock ahead of ours must not stall the job).
 */
export function settleDelay(input: SettleInput, settle: EntrySettle): number | undefined {
  if (settle.quietMs <= 0 || !deferrable(input.receiveCount, input.maxReceives)) return undefined;
  const received = Date.parse(input.receivedAt);
  if (Number.isFinite(received) && input.now - received >= settle.maxMs) return undefined;
  const modified = input.modifiedAt === undefined ? NaN : Date.parse(input.modifiedAt);
  if (!Number.isFinite(modified)) return undefined;
  const quietAt = modified + settle.quietMs;
  return quietAt > input.now ? Math.min(quietAt - input.now, settle.quietMs) : undefined;
}

function deferrable(receiveCount: number, maxReceives: number | undefined): boolean {
  return maxReceives !== undefined && receiveCount <= MAX_DEFERRALS && maxReceives - receiveCount >= ATTEMPTS_KEPT;
}
