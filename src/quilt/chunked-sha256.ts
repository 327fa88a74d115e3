import { createHash, type Hash } from 'node:crypto';
import { AppError } from '../errors/app-error.ts';

export const SHA2_256_CHUNKED = 'sha2-256-chunked';

const MIN_CHUNK_SIZE = 8 * 1024 * 1024;
/** S3's limit on multipart parts: quilt3 sizes chunks so that a file is at most this many. */
const MAX_CHUNKS = 10_000;

/** quilt3's get_checksum_chunksize: 8 MiB, doubled while the file would need more than 10,000 chunks. */
export function checksumChunkSize(size: number): number {
  assertSize(size);
  let chunkSize = MIN_CHUNK_SIZE;
  while (Math.ceil(size / chunkSize) > MAX_CHUNKS) chunkSize *= 2;
  return chunkSize;
}

/**
 * quilt3's `sha2-256-chunked`: base64(SHA256(SHA256(chunk 1) ‖ SHA256(chunk 2) ‖ …)), computed
 * as the bytes go by. The chunk size depends on the total size, so the size is declared up
 * front (a ZIP entry or a stat knows it) and checked against the bytes actually seen: a
 * stream that ends early or runs long would otherwise yield a hash nobody can reproduce.
 */
export class ChunkedSha256 {
  readonly expectedSize: number;
  readonly chunkSize: number;
  #seen = 0;
  #inChunk = 0;
  #chunk: Hash | undefined;
  readonly #outer = createHash('sha256');
  #value: string | undefined;

  constructor(expectedSize: number) {
    this.chunkSize = checksumChunkSize(expectedSize);
    this.expectedSize = expectedSize;
  }

  get bytesSeen(): number {
    return this.#seen;
  }

  update(bytes: Uint8Array): this {
    if (this.#value !== undefined) throw new AppError('quilt_hash_finished', 'update() after digest(): start a new ChunkedSha256');
    if (this.#seen + bytes.length > this.expectedSize) throw this.#sizeMismatch(this.#seen + bytes.length, 'at least ');
    let offset = 0;
    while (offset < bytes.length) {
      const take = Math.min(bytes.length - offset, this.chunkSize - this.#inChunk);
      this.#feedChunk(bytes.subarray(offset, offset + take));
      offset += take;
    }
    this.#seen += bytes.length;
    return this;
  }

  /** The base64 value; the same string on every call. */
  digest(): string {
    if (this.#value === undefined) {
      if (this.#seen !== this.expectedSize) throw this.#sizeMismatch(this.#seen, '');
      this.#closeChunk();
      this.#value = this.#outer.digest('base64');
    }
    return this.#value;
  }

  #feedChunk(part: Uint8Array): void {
    this.#chunk ??= createHash('sha256');
    this.#chunk.update(part);
    this.#inChunk += part.length;
    if (this.#inChunk === this.chunkSize) this.#closeChunk();
  }

  /** An empty file has no chunks at all, so its value is SHA256 of nothing, not of SHA256(''). */
  #closeChunk(): void {
    if (this.#chunk === undefined) return;
    this.#outer.update(this.#chunk.digest());
    this.#chunk = undefined;
    this.#inChunk = 0;
  }

  #sizeMismatch(seen: number, qualifier: string): AppError {
    return new AppError(
      'quilt_size_mismatch',
      `expected ${this.expectedSize} bytes but the stream held ${qualifier}${seen}; the size given for the file is wrong or the file changed while it was read`,
    );
  }
}

/** The whole-buffer form, for bytes already in memory. */
export function chunkedSha256(bytes: Uint8Array): string {
  return new ChunkedSha256(bytes.length).update(bytes).digest();
}

function assertSize(size: number): void {
  if (!Number.isSafeInteger(size) || size < 0) {
    throw new AppError('quilt_bad_size', `a file size must be a whole number of bytes ≥ 0, got ${String(size)}`);
  }
}
