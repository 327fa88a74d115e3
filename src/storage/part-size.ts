import { checksumChunkSize } from '../quilt/chunked-sha256.ts';

/**
 * The multipart part size for a body of this size: Quilt's chunk size for it, so that S3's
 * composite SHA-256 checksum of the upload could one day stand in for the chunked hash.
 * Unknown size: the base chunk (8 MiB), which caps the object at 10,000 parts (about 78 GiB).
 */
export function partSizeFor(size?: number): number {
  return checksumChunkSize(size ?? 0);
}
