import { BenchlingClient } from './benchling-client.ts';
import { RateLimiter } from './rate-limiter.ts';

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
