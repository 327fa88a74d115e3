/** Quilt's sha2-256-chunked chunk size, and S3's cap on parts per upload. */
export const BASE_PART_SIZE = 8 * 1024 * 1024;
const MAX_PARTS = 10_000;

/**
 * The multipart part size for a body of this size: Quilt's chunk size for it (8 MiB,
 * doubled while there would be more than 10,000 chunks), so that S3's composite SHA-256
 * checksum of the upload could one day stand in for the chunked hash. Unknown size: 8 MiB,
 * which caps the object at 10,000 × 8 MiB (about 78 GiB).
 */
export function partSizeFor(size?: number): number {
  let part = BASE_PART_SIZE;
  if (size === undefined) return part;
  while (Math.ceil(size / part) > MAX_PARTS) part *= 2;
  return part;
}
