import { z } from 'zod';

/**
 * The jobs the webhook service queues for the worker, each kind defined once: the service
 * builds them, the queue carries them, and the worker parses them when it takes one, so a
 * job that does not fit (a queue written by another version, a hand-made message) is
 * dead-lettered with the reason instead of failing again and again. Jobs carry ids only:
 * the worker re-reads everything else from Benchling.
 */

const id = z.string().min(1);

/** What every job says of the webhook it came from. */
const fromWebhook = {
  /** The Benchling message type (v2.entry.created, v2.canvas.userInteracted, …). */
  messageType: z.string().min(1),
  /** Benchling's webhook-id header: the job's dedup key. */
  webhookId: id,
  /** When the service accepted it (ISO 8601). */
  receivedAt: z.string().min(1),
};

/** An entry was created or edited: package it (after its edits settle). */
export const EntryJobSchema = z.object({ kind: z.literal('entry'), entryId: id, ...fromWebhook });

/** Something happened on a canvas: draw it, or answer a click. */
export const CanvasJobSchema = z.object({
  kind: z.literal('canvas'),
  ...fromWebhook,
  canvasId: id.optional(),
  /** The entry the canvas is in, as the event says (the worker trusts only Benchling's own record). */
  resourceId: id.optional(),
  featureId: id.optional(),
  buttonId: id.optional(),
  userId: id.optional(),
  /** The installation's app id (envelope app.id): creating a canvas needs it. */
  appId: id.optional(),
  /**
   * `package`: the packaging of an Update click, handed to the entry's queue once the click,
   * answered in the interactive lane, has shown "Updating…". Absent: the click as Benchling sent it.
   */
  step: z.literal('package').optional(),
});

export const JobSchema = z.discriminatedUnion('kind', [EntryJobSchema, CanvasJobSchema]);

export type EntryJob = z.infer<typeof EntryJobSchema>;
export type CanvasJob = z.infer<typeof CanvasJobSchema>;
export type Job = z.infer<typeof JobSchema>;
export type JobKind = Job['kind'];

/** A queued body as a job, or the schema's reason (each issue with its path) why it is not one. */
export function parseJob(body: unknown): { ok: true; body: Job } | { ok: false; reason: string } {
  const parsed = JobSchema.safeParse(body);
  if (parsed.success) return { ok: true, body: parsed.data };
  return { ok: false, reason: parsed.error.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`).join('; ') };
}

/** What a job is about, for reports that name it (a hung job in the health check): its kind and the entry it is for. */
export function jobSubject(job: Job): { kind: JobKind; entry: string | undefined } {
  return { kind: job.kind, entry: job.kind === 'entry' ? job.entryId : job.resourceId };
}
