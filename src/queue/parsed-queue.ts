import type { JobBody, Lease, Queue } from './queue.ts';

/** What a body is, read by a schema: the typed job, or why it is not one. */
export type BodyParse<Body> = { ok: true; body: Body } | { ok: false; reason: string };

export interface ParsedQueueOptions {
  /** Told of each body that failed its schema, after it was dead-lettered. */
  onRefused?: (lease: Lease, reason: string) => void;
}

/**
 * A queue whose bodies are read by a schema when they are received: the caller gets only
 * leases whose body is a job it knows. A body that is not one (written by another version,
 * or by hand) can never run, so it is dead-lettered at once with the schema's reason
 * instead of failing on every delivery.
 */
export function parsedQueue<Body extends JobBody>(queue: Queue, parse: (body: JobBody) => BodyParse<Body>, options: ParsedQueueOptions = {}): Queue<Body> {
  return {
    enqueue: (job) => queue.enqueue(job),
    depth: () => queue.depth(),
    deadLetters: () => queue.deadLetters(),
    check: () => queue.check(),
    close: () => queue.close(),
    async receive(receiveOptions) {
      const typed: Lease<Body>[] = [];
      for (const lease of await queue.receive(receiveOptions)) {
        const parsed = parse(lease.body);
        if (parsed.ok) {
          typed.push({ ...lease, body: parsed.body });
          continue;
        }
        const reason = `job_schema: ${parsed.reason}`;
        await lease.deadLetter(reason);
        options.onRefused?.(lease, reason);
      }
      return typed;
    },
  };
}
