import type { BenchlingSecret } from '../secret/schema.ts';

/** The API base when BENCHLING_API_URL is not set: the tenant's own host. */
export function defaultApiBase(secret: BenchlingSecret): string {
  return `https://${secret.tenant}.benchling.com`;
}

/** The key set when BENCHLING_JWKS_URL is not set: the app definition's JWKS at Benchling. */
export function defaultJwksUrl(secret: BenchlingSecret): string {
  return `https://apps.benchling.com/api/v1/apps/${encodeURIComponent(secret.app_definition_id)}/jwks`;
}
