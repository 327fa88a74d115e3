import { AppError } from '../errors/app-error.ts';
import { validateLogicalKey } from './logical-key.ts';
import { validatePackageName } from './package-name.ts';
import { isTopHash } from './top-hash.ts';

/**
 * Object keys of a registry in quilt3's default layout (version 1), relative to the registry
 * root (the bucket, or the directory of a local registry).
 */
export const MANIFESTS_PREFIX = '.quilt/packages/';
export const NAMED_PACKAGES_PREFIX = '.quilt/named_packages/';
export const LATEST_POINTER = 'latest';

/** `.quilt/packages/<tophash>`: the manifest of one revision, named by its top hash. */
export function manifestKey(topHash: string): string {
  validateTopHash(topHash);
  return MANIFESTS_PREFIX + topHash;
}

/** `.quilt/named_packages/<name>/`: the revision pointers of one package. */
export function pointerPrefix(name: string): string {
  validatePackageName(name);
  return `${NAMED_PACKAGES_PREFIX}${name}/`;
}

/** `.quilt/named_packages/<name>/<unix-seconds>`: one pointer per revision. */
export function revisionPointerKey(name: string, unixSeconds: number): string {
  if (!Number.isSafeInteger(unixSeconds) || unixSeconds < 0) {
    throw new AppError('quilt_bad_timestamp', `a revision timestamp is whole Unix seconds ≥ 0, got ${String(unixSeconds)}`);
  }
  return pointerPrefix(name) + String(unixSeconds);
}

/** `.quilt/named_packages/<name>/latest`. */
export function latestPointerKey(name: string): string {
  return pointerPrefix(name) + LATEST_POINTER;
}

/** `<name>/`: where quilt3 push puts a package's data by default. */
export function packageDataPrefix(name: string): string {
  validatePackageName(name);
  return `${name}/`;
}

/** `<name>/<logical key>`. */
export function packageDataKey(name: string, logicalKey: string): string {
  validateLogicalKey(logicalKey);
  return packageDataPrefix(name) + logicalKey;
}

/** The revision timestamp a pointer key names, or undefined for `latest` and anything else. */
export function revisionOfPointerKey(name: string, key: string): number | undefined {
  const prefix = pointerPrefix(name);
  if (!key.startsWith(prefix)) return undefined;
  const rest = key.slice(prefix.length);
  return /^(0|[1-9][0-9]*)$/.test(rest) ? Number(rest) : undefined;
}

export function validateTopHash(topHash: string): void {
  if (!isTopHash(topHash)) {
    throw new AppError('quilt_bad_top_hash', `${JSON.stringify(topHash)} is not a top hash (64 lowercase hex characters)`);
  }
}
