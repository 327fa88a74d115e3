import type { RequestToken } from './access-token.ts';
import { BenchlingError, BenchlingErrorCode } from './api-errors.ts';
import { TokenResponseSchema } from './api-schemas.ts';
import type { ApiTransport } from './api-transport.ts';

export interface ClientCredentials {
  clientId: string;
  clientSecret: string;
}

/**
 * Benchling's contract does not promise `expires_in`. A token whose answer states no lifetime
 * is used for this long, then a new one is fetched; one that expires sooner costs a single
 * 401, after which the transport fetches a new token at once.
 */
export const UNSTATED_TOKEN_LIFETIME_SECONDS = 300;

/**
 * `POST /api/v2/token` with HTTP Basic client credentials (reference §5.1). A 400 or 401 there
 * means the credentials are wrong, which no retry fixes: the error says which settings to
 * check, by name only.
 */
export function tokenRequester(transport: ApiTransport, credentials: ClientCredentials): RequestToken {
  const basic = `Basic ${Buffer.from(`${credentials.clientId}:${credentials.clientSecret}`).toString('base64')}`;
  return async () => {
    let body;
    try {
      const call = { method: 'POST', path: '/token', form: { grant_type: 'client_credentials' }, authorization: { basic }, idempotent: true } as const;
      body = await transport.call(call, TokenResponseSchema);
    } catch (error) {
      throw credentialsRefused(error) ?? error;
    }
    if (body.token_type !== undefined && body.token_type.toLowerCase() !== 'bearer') {
      throw new BenchlingError(BenchlingErrorCode.BAD_RESPONSE, `Benchling issued a token of type ${body.token_type}, not Bearer`, false);
    }
    return { accessToken: body.access_token, expiresInSeconds: body.expires_in ?? UNSTATED_TOKEN_LIFETIME_SECONDS };
  };
}

function credentialsRefused(error: unknown): BenchlingError | undefined {
  if (!(error instanceof BenchlingError) || (error.status !== 400 && error.status !== 401)) return undefined;
  const message =
    `${error.message.replace(/\.$/, '')}. Benchling did not accept the app's client credentials: check client_id and client_secret ` +
    'in the Benchling secret, and that they belong to an app installed on this tenant.';
  return new BenchlingError(BenchlingErrorCode.AUTH_FAILED, message, false, error.status);
}
