import { AppError } from '../errors/app-error.ts';
import type { JobBody, NewJob } from './queue.ts';

/** Refuses what could not be queued faithfully; a bad job is the caller's bug, so it is loud. */
export function checkJob(job: NewJob): void {
  for (const key of ['groupId', 'dedupId'] as const) {
    if (typeof job[key] !== 'string' || job[key].length === 0) {
      throw new AppError('queue_bad_job', `A job needs a non-empty ${key}.`);
    }
  }
  if (typeof job.body !== 'object' || job.body === null || Array.isArray(job.body)) {
    throw new AppError('queue_bad_job', 'A job body must be a JSON object.');
  }
}

/** The body as JSON text; throws a coded error for what JSON cannot carry (cycles, BigInt). */
export function bodyJson(body: JobBody): string {
  try {
    return JSON.stringify(body);
  } catch (error) {
    throw new AppError('queue_bad_job', `A job body must be JSON-serialisable: ${(error as Error).message}`);
  }
}

/**
 * A copy that went through JSON, so the worker sees the same body before and after a
 * restart (no undefined fields, no Dates that later turn into strings).
 */
export function bodyCopy(body: JobBody): JobBody {
  return JSON.parse(bodyJson(body)) as JobBody;
}
