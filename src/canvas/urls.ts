import { asSafeUrl, type SafeUrl } from './markdown.ts';
import { wellFormed } from './text.ts';

/**
 * Catalog and Quilt URLs (reference/quilt-format.md §8). Every piece that comes from data is
 * percent-encoded here, so a link destination can never contain `(`, `)`, spaces or `<`.
 */

const HOST = /^[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?(?::\d{1,5})?$/;

/**
 * The catalog host as the views use it, from QUILT_CATALOG. Accepts `host`, `https://host`
 * and a trailing slash; anything else is not a host and gives undefined.
 */
export function catalogHost(raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined;
  const host = raw.trim().replace(/^https?:\/\//i, '').replace(/\/+$/, '');
  return HOST.test(host) ? host.toLowerCase() : undefined;
}

/** encodeURIComponent leaves `!'()*` alone, and `(`/`)` would end a markdown link early. */
export function encodeSegment(text: string): string {
  return encodeURIComponent(wellFormed(text)).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

const encodePath = (path: string) => path.split('/').map(encodeSegment).join('/');

function safe(url: string): SafeUrl {
  const checked = asSafeUrl(url);
  // Unreachable: every builder below only joins a checked host with encoded segments.
  if (checked === undefined) throw new Error('internal: built an unsafe catalog URL');
  return checked;
}

/** `catalog` is a host from catalogHost(); the builders below assume it. */
export function packageUrl(catalog: string, bucket: string, packageName: string): SafeUrl {
  return safe(`https://${catalog}/b/${encodeSegment(bucket)}/packages/${encodePath(packageName)}`);
}

export function fileUrl(catalog: string, bucket: string, packageName: string, logicalKey: string): SafeUrl {
  return safe(`${packageUrl(catalog, bucket, packageName)}/tree/latest/${encodePath(logicalKey)}`);
}

/** The Quilt sync URI of the latest revision; names the catalog when there is one. */
export function quiltUri(bucket: string, packageName: string, catalog: string | undefined): string {
  const base = `quilt+s3://${encodeSegment(bucket)}#package=${encodePath(packageName)}:latest`;
  return catalog === undefined ? base : `${base}&catalog=${catalog}`;
}

/** Opens the sync URI through the catalog's redirect page (desktop app hand-off). */
export function redirUrl(catalog: string, uri: string): SafeUrl {
  return safe(`https://${catalog}/redir/${encodeSegment(uri)}`);
}
