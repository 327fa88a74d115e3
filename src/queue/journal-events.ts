import { z } from 'zod';

/**
 * The embedded queue's journal: one JSON event per line, replayed in order on open. Short
 * keys keep lines small, since every enqueue writes one and fsyncs it. Live operations
 * append enq/merge/lease/ack/retry/dead (and revive/purge, an operator's
 * handling of dead letters); a compaction rewrites the file as a snapshot of
 * job/dl/dedup records, which replay the same way.
 */
const body = z.record(z.string(), z.unknown());

const events = z.discriminatedUnion('t', [
  /** First line of every file, so a future format can be told apart. */
  z.object({ t: z.literal('journal'), v: z.literal(1) }),
  /**
   * A new job; c marks it as one later coalescing enqueues may merge into, s (epoch ms) is when
   * it has settled (see EmbeddedQueueOptions.settleMs).
   */
  z.object({ t: z.literal('enq'), id: z.string(), g: z.string(), d: z.string(), b: body, c: z.boolean().optional(), s: z.number().optional(), at: z.number() }),
  /** A coalescing enqueue merged into waiting job id: its body replaces the job's, s its settle time. */
  z.object({ t: z.literal('merge'), id: z.string(), d: z.string(), b: body, s: z.number().optional(), at: z.number() }),
  /** A delivery; n is the job's receive count from now on (leases themselves die with the process). */
  z.object({ t: z.literal('lease'), id: z.string(), n: z.number().int() }),
  z.object({ t: z.literal('ack'), id: z.string() }),
  /**
   * A delivery handed back: visible again at v (epoch ms). f, the job's failures from now on, is
   * written when the handler failed; a deferral has none (nor have the retries of journals
   * written before failures were counted apart from deliveries).
   */
  z.object({ t: z.literal('retry'), id: z.string(), r: z.string(), v: z.number(), f: z.number().int().optional() }),
  z.object({ t: z.literal('dead'), id: z.string(), r: z.string(), at: z.number() }),
  /** An operator sent dead letter id back (`jobs retry`): a live job again, at the end of its group, with a fresh count. */
  z.object({ t: z.literal('revive'), id: z.string(), at: z.number() }),
  /** An operator purged dead letter id (`jobs purge`): gone for good. */
  z.object({ t: z.literal('purge'), id: z.string() }),
  /** Snapshot of a live job. */
  z.object({
    t: z.literal('job'),
    id: z.string(),
    g: z.string(),
    b: body,
    c: z.boolean().optional(),
    s: z.number().optional(),
    n: z.number().int(),
    /** Failures so far; absent: none. */
    f: z.number().int().optional(),
    v: z.number(),
    r: z.string().optional(),
    at: z.number(),
  }),
  /** Snapshot of a dead letter. */
  z.object({ t: z.literal('dl'), id: z.string(), g: z.string(), b: body, n: z.number().int(), r: z.string(), at: z.number() }),
  /** Snapshot of a remembered dedup id. */
  z.object({ t: z.literal('dedup'), d: z.string(), id: z.string(), at: z.number() }),
]);

export type JournalEvent = z.infer<typeof events>;

export const JOURNAL_HEADER = { t: 'journal', v: 1 } as const satisfies JournalEvent;

/** undefined when the line is not a valid event (a torn write, or corruption). */
export function parseEvent(line: string): JournalEvent | undefined {
  let json: unknown;
  try {
    json = JSON.parse(line);
  } catch {
    return undefined;
  }
  const parsed = events.safeParse(json);
  return parsed.success ? parsed.data : undefined;
}
