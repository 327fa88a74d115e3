import { z } from 'zod';
import { AppError, UsageError } from '../../errors/app-error.ts';

/**
 * The fields of a Quilt catalog's public `/config.json` that discovery reads. The catalog
 * serves more (auth modes, analytics tokens, …); those are kept and ignored. `region` is the
 * one discovery cannot do without: it says where the Quilt stack is.
 */
export const CatalogConfigSchema = z.looseObject({
  region: z.string().trim().min(1),
  registryUrl: z.string().optional(),
  apiGatewayEndpoint: z.string().optional(),
  s3Proxy: z.string().optional(),
  serviceBucket: z.string().optional(),
  analyticsBucket: z.string().optional(),
  /** Older catalogs name the bucket users land on. */
  defaultBucket: z.string().optional(),
  stackVersion: z.string().optional(),
});

export type CatalogConfig = z.infer<typeof CatalogConfigSchema>;

export interface QuiltCatalog {
  /** Where the catalog is: scheme, host and port, no path. */
  origin: string;
  /** The host (and port, if any) as the canvas links use it. */
  host: string;
  configUrl: string;
  config: CatalogConfig;
}

export type FetchJson = (url: string, init: { signal: AbortSignal; headers: Record<string, string> }) => Promise<Response>;

const FETCH_MS = 8_000;
/** A catalog's config is a few kilobytes; a page this large is something else. */
const MAX_CONFIG_BYTES = 512 * 1024;

/**
 * The catalog's origin from what a user types: `catalog.example.com`, `https://catalog.example.com/`,
 * or a URL copied from the browser (its path is dropped). No scheme means https.
 */
export function catalogOrigin(typed: string): URL {
  const text = typed.trim();
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(text) ? text : `https://${text}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    url = new URL('invalid:');
  }
  if ((url.protocol !== 'https:' && url.protocol !== 'http:') || url.hostname === '' || /\s/.test(text) || url.username || url.password) {
    throw new UsageError('QUILT_CATALOG_INVALID', `--quilt-catalog must be a catalog host or URL, such as catalog.example.com or https://catalog.example.com`);
  }
  return new URL(url.origin);
}

function notACatalog(configUrl: string, why: string): AppError {
  return new AppError('QUILT_CATALOG_NOT_A_CATALOG', `${configUrl} is not a Quilt catalog's config (${why}); give the address you open the Quilt catalog at`);
}

function unreachable(configUrl: string, why: string): AppError {
  return new AppError(
    'QUILT_CATALOG_UNREACHABLE',
    `could not read ${configUrl} (${why}); check the catalog address and your network, or pass --offline to set the profile up without discovery`,
  );
}

async function readConfigText(configUrl: string, fetchJson: FetchJson): Promise<string> {
  let response: Response;
  try {
    response = await fetchJson(configUrl, { signal: AbortSignal.timeout(FETCH_MS), headers: { accept: 'application/json' } });
  } catch (error) {
    const timedOut = error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
    // fetch says only "fetch failed"; the socket's reason (ECONNREFUSED, ENOTFOUND, …) is its cause.
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    throw unreachable(configUrl, timedOut ? `no answer within ${FETCH_MS / 1000} s` : (cause?.code ?? cause?.message ?? (error as Error).message));
  }
  if (response.status === 404) throw notACatalog(configUrl, 'HTTP 404: there is no config.json there');
  if (!response.ok) throw unreachable(configUrl, `HTTP ${response.status}`);
  const text = await response.text();
  if (text.length > MAX_CONFIG_BYTES) throw notACatalog(configUrl, `${text.length} bytes, larger than any catalog config`);
  return text;
}

/** Pure: the parsed config, or an error naming what is missing. */
export function parseCatalogConfig(configUrl: string, text: string): CatalogConfig {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw notACatalog(configUrl, 'not JSON');
  }
  const parsed = CatalogConfigSchema.safeParse(json);
  if (!parsed.success) {
    const fields = [...new Set(parsed.error.issues.map((i) => i.path.join('.') || '(top)'))];
    throw notACatalog(configUrl, `${fields.join(', ')}: missing or not text`);
  }
  return parsed.data;
}

/** Reads `<catalog>/config.json`; unreachable and not-a-catalog are errors with their own codes. */
export async function fetchCatalogConfig(typed: string, fetchJson: FetchJson = fetch): Promise<QuiltCatalog> {
  const origin = catalogOrigin(typed);
  const configUrl = new URL('/config.json', origin).toString();
  const config = parseCatalogConfig(configUrl, await readConfigText(configUrl, fetchJson));
  return { origin: origin.origin, host: origin.host, configUrl, config };
}
