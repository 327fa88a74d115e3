import type { ZodError } from 'zod';

/** Benchling's error body: `{"error": {"type", "message", "userMessage", ...}}`. */
export interface BenchlingErrorBody {
  error: { type: string; message: string; userMessage: string; [extra: string]: unknown };
}

export function benchlingError(message: string, type = 'invalid_request_error', extra: Record<string, unknown> = {}): BenchlingErrorBody {
  return { error: { type, message, userMessage: message, ...extra } };
}

/** Thrown by route handlers; the dispatcher turns it into a Benchling-style error reply. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly body: BenchlingErrorBody = benchlingError(message),
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

export const notFound = (kind: string, id: string) =>
  new HttpError(404, `${kind} not found: ${id}`, benchlingError(`${kind} not found: ${id}`, 'invalid_request_error', { invalidId: id }));

export const badRequest = (message: string) => new HttpError(400, message);

/** A 400 naming an id that names nothing, with the `invalidId` Benchling's not-found bodies carry. */
export const unknownItem = (id: string) => new HttpError(400, `No item with id ${id}.`, benchlingError(`No item with id ${id}.`, 'invalid_request_error', { invalidId: id }));

export const unauthorized = (message: string) => new HttpError(401, message);

export const forbidden = (message: string) => new HttpError(403, message, benchlingError(message, 'permission_error'));

/** Generic text for injected faults that do not bring their own body. */
export function defaultErrorBody(status: number): BenchlingErrorBody {
  if (status === 429) return RATE_LIMITED_BODY;
  if (status >= 500) return benchlingError('Internal server error.', 'server_error');
  return benchlingError(`Request failed with status ${status}.`);
}

export const RATE_LIMITED_BODY = benchlingError('Rate limit exceeded.');

/**
 * A 400 whose message names every problem of the body, one `path: message` each (the path
 * dotted: `blocks.0.text`), as Benchling's refusals name the field.
 */
export function invalidBody(error: ZodError): HttpError {
  return badRequest(`Invalid request body: ${error.issues.flatMap(problems).join('; ')}`);
}

/** An unknown field is named by its own path, not its object's. */
function problems(issue: ZodError['issues'][number]): string[] {
  const at = (path: PropertyKey[]) => path.map(String).join('.') || '(body)';
  if (issue.code === 'unrecognized_keys') return issue.keys.map((key) => `${at([...issue.path, key])}: not a field of this body`);
  return [`${at(issue.path)}: ${issue.message}`];
}
