import { z } from 'zod';
import type { BodyParse } from '../queue/parsed-queue.ts';
import type { JobBody } from '../queue/queue.ts';

/**
 * What Quilt publishes on EventBridge when a revision of a package is committed, as the
 * EventBridge rule delivers it to the package-event queue (the whole event is the message
 * body). Only what the worker acts on is read; everything else an event carries is
 * ignored, so a field Quilt adds later does not dead-letter its events.
 */
export const PackageRevisionEventSchema = z.object({
  source: z.literal('com.quiltdata'),
  'detail-type': z.literal('package-revision'),
  detail: z.object({
    bucket: z.string().min(1),
    /** The package name, `<prefix>/<name>`. */
    handle: z.string().min(1),
    /** The committed revision; absent, the event says only that the package changed. */
    topHash: z.string().min(1).optional(),
  }),
});

export type PackageRevisionEvent = z.infer<typeof PackageRevisionEventSchema>;

/** A queued body as a package-revision event, or the schema's reason (each issue with its path) why it is not one. */
export function parsePackageRevisionEvent(body: JobBody): BodyParse<PackageRevisionEvent> {
  const parsed = PackageRevisionEventSchema.safeParse(body);
  if (parsed.success) return { ok: true, body: parsed.data };
  return { ok: false, reason: parsed.error.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`).join('; ') };
}
