import { AppError } from './app-error.ts';

/**
 * A failure that no retry can fix while its input stays as it is: an export over a limit, a
 * package name that belongs to another entry. The worker settles such a job at once instead
 * of spending the queue's retries on it; a later edit of the entry brings a new job.
 *
 * `reason` is the stable lower-case name the canvas and the log show (`export_too_large`);
 * the error code is the same name in capitals, like the other codes of the Benchling client.
 */
export class Refusal extends AppError {
  constructor(
    readonly reason: string,
    message: string,
  ) {
    super(reason.toUpperCase(), message);
    this.name = 'Refusal';
  }
}
