/**
 * Which URLs that come from data (an entry's `webURL`, the web URLs of objects its notes
 * link to) may become links in what the app writes: README.md, links.json, canvas views.
 * A URL is a link only when it leads to the tenant itself or to the Quilt catalog; anything
 * else (`javascript:`, `data:`, another host, `https://tenant@evil.example/`) is shown as
 * the text it is. An entry's webURL is text a Benchling user can shape, so it is never
 * trusted to say where a link goes.
 */

export interface LinkTargets {
  /**
   * The Benchling API base in use (BENCHLING_API_URL, by default `https://{tenant}.benchling.com`):
   * links may lead to exactly its origin. That is https for a real tenant; a local sandbox
   * tenant on plain http keeps its links too.
   */
  tenant: string;
  /** The Quilt catalog's host (catalogHost() of QUILT_CATALOG), reached over https. */
  catalog?: string | undefined;
}

/** Longer than any URL Benchling writes; a longer one stays text. */
export const MAX_LINK_LENGTH = 2048;

/**
 * Control, format (bidi overrides, zero-width) and space characters anywhere: a URL parser
 * drops or trims some of them (`java\tscript:` is `javascript:` to it), and they let text
 * look like a different URL than it is. A URL holding one is refused, not cleaned.
 */
const HIDDEN_CHARACTERS = /[\p{Cc}\p{Cf}\p{Z}]/u;

function parsed(raw: string): URL | undefined {
  try {
    return new URL(raw);
  } catch {
    return undefined;
  }
}

/** Scheme and host (with any port) a link to the tenant must have; none when the base is not an http(s) URL. */
function tenantOrigin(base: string): { protocol: string; host: string } | undefined {
  const url = parsed(base);
  return url !== undefined && (url.protocol === 'https:' || url.protocol === 'http:') ? { protocol: url.protocol, host: url.host } : undefined;
}

/**
 * The URL as a link may carry it (serialised by the URL parser: percent-encoded, no spaces,
 * `<` or `>`), or undefined when it must stay text. Scheme and host are compared, not the
 * parser's `origin`, which `blob:https://tenant/…` shares with the tenant.
 */
export function linkTarget(raw: string, targets: LinkTargets): string | undefined {
  if (raw.length === 0 || raw.length > MAX_LINK_LENGTH || HIDDEN_CHARACTERS.test(raw)) return undefined;
  const url = parsed(raw);
  if (url === undefined || url.username !== '' || url.password !== '') return undefined;
  const tenant = tenantOrigin(targets.tenant);
  const toTenant = tenant !== undefined && url.protocol === tenant.protocol && url.host === tenant.host;
  const toCatalog = targets.catalog !== undefined && url.protocol === 'https:' && url.host === targets.catalog.toLowerCase();
  return toTenant || toCatalog ? url.href : undefined;
}
