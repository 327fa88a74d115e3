import { BenchlingClient } from '../benchling/benchling-client.ts';
import { RateLimiter } from '../benchling/rate-limiter.ts';
import { AppError } from '../errors/app-error.ts';

/** An error as one line for a checklist or a prompt: the code when it has one, never a secret value. */
export function errorReason(error: unknown): string {
  return error instanceof AppError ? `${error.code}: ${error.message}` : error instanceof Error ? error.message : String(error);
}

/**
 * Asks the tenant for one OAuth token with these credentials, as `validate` and `init` check
 * them before anything is stored. Resolves to the error, or undefined when a token was issued.
 */
export async function requestToken(
  apiBase: string,
  credentials: { client_id: string; client_secret: string },
  options: { maxAttempts: number; requestMs?: number },
): Promise<unknown> {
  const client = new BenchlingClient({
    apiBase,
    clientId: credentials.client_id,
    clientSecret: credentials.client_secret,
    rateLimiter: new RateLimiter(),
    retry: { maxAttempts: options.maxAttempts },
    timeouts: options.requestMs === undefined ? undefined : { requestMs: options.requestMs },
  });
  try {
    await client.authenticate();
    return undefined;
  } catch (error) {
    return error;
  }
}
