import { AppError } from '../errors/app-error.ts';
import { pythonQuote, pythonQuotePlus, pythonUnquote, pythonUnquotePlus } from './python-quote.ts';

/** Where an entry's bytes live: an S3 object (optionally one version of it) or a local file. */
export type PhysicalKey =
  | { readonly scheme: 's3'; readonly bucket: string; readonly key: string; readonly versionId?: string }
  | { readonly scheme: 'file'; readonly path: string };

const BUCKET = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
const UNENCODED = /[\s\p{Cc}]/u;

/**
 * quilt3's PhysicalKey.__str__: `s3://bucket/` + quote(key) + `?versionId=` + quote_plus(id),
 * or `file://` + quote(absolute path).
 */
export function formatPhysicalKey(physicalKey: PhysicalKey): string {
  if (physicalKey.scheme === 'file') return formatFileUrl(physicalKey.path);
  const { bucket, key, versionId } = physicalKey;
  if (!BUCKET.test(bucket)) throw badKey(`s3 bucket name ${JSON.stringify(bucket)} is not valid`);
  if (key === '' || key.startsWith('/')) throw badKey(`s3 key ${JSON.stringify(key)} must be non-empty and not start with "/"`);
  const version = versionId ? `?versionId=${pythonQuotePlus(versionId)}` : '';
  return `s3://${bucket}/${pythonQuote(key)}${version}`;
}

export function s3PhysicalKey(bucket: string, key: string, versionId?: string): string {
  return formatPhysicalKey(versionId ? { scheme: 's3', bucket, key, versionId } : { scheme: 's3', bucket, key });
}

export function filePhysicalKey(path: string): string {
  return formatPhysicalKey({ scheme: 'file', path });
}

/** The inverse of formatPhysicalKey, accepting what quilt3's PhysicalKey.from_url accepts. */
export function parsePhysicalKey(url: string): PhysicalKey {
  if (UNENCODED.test(url)) throw badKey(`${JSON.stringify(url)} holds spaces or control characters; physical keys are percent-encoded`);
  if (url.includes('#')) throw badKey(`${JSON.stringify(url)} has a "#" fragment, which a physical key cannot have (encode "#" as %23)`);
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(url)?.[1]?.toLowerCase();
  if (scheme === 's3') return parseS3Url(url);
  if (scheme === 'file') return parseFileUrl(url);
  throw badKey(`${JSON.stringify(url)} is neither an s3:// nor a file:// URL`);
}

function formatFileUrl(path: string): string {
  if (!path.startsWith('/')) throw badKey(`local path ${JSON.stringify(path)} must be absolute`);
  return `file://${pythonQuote(path)}`;
}

function parseS3Url(url: string): PhysicalKey {
  const [, bucket = '', path = '', query = ''] = /^s3:\/\/([^/?]*)([^?]*)(?:\?(.*))?$/is.exec(url) ?? [];
  if (bucket === '') throw badKey(`${JSON.stringify(url)} names no bucket`);
  const key = pythonUnquote(path).slice(1);
  if (key === '') throw badKey(`${JSON.stringify(url)} names a bucket but no object`);
  const versionId = parseVersionQuery(url, query);
  return versionId === undefined ? { scheme: 's3', bucket, key } : { scheme: 's3', bucket, key, versionId };
}

/** parse_qs semantics: `&`-separated name=value pairs, blank values and pairs without `=` ignored. */
function parseVersionQuery(url: string, query: string): string | undefined {
  let versionId: string | undefined;
  for (const pair of query.split('&')) {
    const equals = pair.indexOf('=');
    if (equals < 0) continue;
    const name = pythonUnquotePlus(pair.slice(0, equals));
    const value = pythonUnquotePlus(pair.slice(equals + 1));
    if (value === '') continue;
    if (name !== 'versionId') throw badKey(`${JSON.stringify(url)} has an unexpected query parameter ${JSON.stringify(name)}`);
    versionId ??= value;
  }
  return versionId;
}

function parseFileUrl(url: string): PhysicalKey {
  const match = /^file:(?:\/\/([^/?]*))?(\/[^?]*)?(\?.*)?$/is.exec(url);
  const [, host = '', path, query] = match ?? [];
  if (host !== '' && host.toLowerCase() !== 'localhost') throw badKey(`${JSON.stringify(url)} names host ${JSON.stringify(host)}; only local files are supported`);
  if (path === undefined) throw badKey(`${JSON.stringify(url)} has no absolute path`);
  if (query !== undefined) throw badKey(`${JSON.stringify(url)} has a query, which a file URL cannot have`);
  return { scheme: 'file', path: pythonUnquote(path) };
}

function badKey(why: string): AppError {
  return new AppError('quilt_bad_physical_key', `bad physical key: ${why}`);
}
