import { JwksCache, httpFetchJwks } from '../../benchling/jwks-cache.ts';
import { requestToken } from '../../benchling/oauth-probe.ts';
import { defaultApiBase, defaultJwksUrl } from '../../benchling/tenant-urls.ts';
import { AppError } from '../../errors/app-error.ts';
import { errorReason } from '../../errors/error-reason.ts';
import type { BenchlingSecret } from '../../secret/schema.ts';
import type { Env } from '../../config/env.ts';
import { openObjectStore } from '../../storage/open-store.ts';

type Problem = string | undefined;

/** The checks against real services that init runs on each answer; none of them with --offline. */
export type OAuthCredentials = Pick<BenchlingSecret, 'tenant' | 'client_id' | 'client_secret'>;

export interface LiveChecks {
  oauth(credentials: OAuthCredentials): Promise<Problem>;
  jwks(secret: BenchlingSecret): Promise<Problem>;
  bucket(name: string, region: string): Promise<Problem>;
}

/** Overrides of where Benchling is (the sandbox tenant in tests, a proxy in some networks). */
export interface BenchlingEndpoints {
  apiUrl: string | undefined;
  jwksUrl: string | undefined;
}

async function oauth(secret: OAuthCredentials, endpoints: BenchlingEndpoints): Promise<Problem> {
  // The default base depends on the tenant alone; the app definition is asked for after this check.
  const apiBase = endpoints.apiUrl ?? defaultApiBase({ ...secret, app_definition_id: '' });
  const error = await requestToken(apiBase, secret, { maxAttempts: 1, requestMs: 10_000 });
  if (error === undefined) return undefined;
  // No answer says nothing about the credentials: the tenant (the host) or the network is at fault.
  if (error instanceof AppError && (error.code === 'BENCHLING_UNREACHABLE' || error.code === 'BENCHLING_TIMEOUT')) {
    return `${apiBase} could not be reached (${errorReason(error)}); check the tenant and the network: the client id and secret were not checked`;
  }
  // A refusal needs no more than its code here: the prompt already says what to do about it.
  const why = error instanceof AppError && error.code === 'BENCHLING_AUTH_FAILED' ? 'refused: BENCHLING_AUTH_FAILED' : errorReason(error);
  return `${apiBase} gave no OAuth token for this client id and secret (${why}); copy both again from the app in the Benchling developer console`;
}

async function jwks(secret: BenchlingSecret, endpoints: BenchlingEndpoints): Promise<Problem> {
  const url = endpoints.jwksUrl ?? defaultJwksUrl(secret);
  const status = await new JwksCache({ fetchJwks: (u) => httpFetchJwks(u), url }).warm();
  if (status.ok) return undefined;
  if (status.unreachable) return `no answer from ${url} (${status.reason}); check the network (or --benchling-jwks-url): the app definition was not checked`;
  return `no signing keys for this app definition at ${url} (${status.reason}); copy the appdef_… id from the app in the developer console`;
}

async function bucket(name: string, region: string, env: Env): Promise<Problem> {
  try {
    const store = await openObjectStore(`s3://${name}`, { region, s3Endpoint: env.AWS_ENDPOINT_URL_S3 });
    const status = await store.check();
    if (status.ok) return undefined;
    return `bucket ${name} is not usable (${status.reason}); create it, grant access, or choose a new bucket`;
  } catch (error) {
    return `bucket ${name} is not usable (${errorReason(error)})`;
  }
}

export function liveChecks(endpoints: BenchlingEndpoints, env: Env): LiveChecks {
  return {
    oauth: (secret) => oauth(secret, endpoints),
    jwks: (secret) => jwks(secret, endpoints),
    bucket: (name, region) => bucket(name, region, env),
  };
}
