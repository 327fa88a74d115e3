import { createHash } from 'node:crypto';
import type { Manifest } from './manifest.ts';
import { orderManifest } from './manifest-order.ts';
import { encodeCanonicalJson } from './python-json.ts';

const TOP_HASH = /^[0-9a-f]{64}$/;

/**
 * quilt3's Package.top_hash: SHA-256 over the canonical JSON of line 1, then of
 * {hash, logical_key, meta, size} for each entry in walk order. Physical keys and directory
 * lines are left out, so moving the bytes elsewhere keeps the top hash.
 */
export function topHash(manifest: Manifest): string {
  const { entries } = orderManifest(manifest);
  const sha = createHash('sha256');
  sha.update(encodeCanonicalJson(manifest.meta, 'package metadata'));
  for (const { hash, logicalKey, meta, size } of entries) {
    sha.update(encodeCanonicalJson({ hash, logical_key: logicalKey, meta, size }, `metadata of ${JSON.stringify(logicalKey)}`));
  }
  return sha.digest('hex');
}

export function isTopHash(text: string): boolean {
  return TOP_HASH.test(text);
}
