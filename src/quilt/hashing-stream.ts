import { Transform, type TransformCallback } from 'node:stream';
import { AppError } from '../errors/app-error.ts';
import { ChunkedSha256, SHA2_256_CHUNKED } from './chunked-sha256.ts';

export interface StreamedFileHash {
  readonly size: number;
  readonly hash: { readonly type: typeof SHA2_256_CHUNKED; readonly value: string };
}

/**
 * A pass-through that hashes what flows to storage, so a file is read once:
 * `source → new ChunkedSha256Stream(size) → upload`, then `result()` once the upload is done.
 * A size mismatch fails the stream itself (in _transform or _flush), so the upload sees the
 * error and does not complete with bytes whose hash would be wrong.
 */
export class ChunkedSha256Stream extends Transform {
  readonly #hasher: ChunkedSha256;
  #result: StreamedFileHash | undefined;

  constructor(expectedSize: number) {
    super();
    this.#hasher = new ChunkedSha256(expectedSize);
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    try {
      this.#hasher.update(chunk);
      callback(null, chunk);
    } catch (error) {
      callback(error as Error);
    }
  }

  override _flush(callback: TransformCallback): void {
    try {
      const value = this.#hasher.digest();
      this.#result = { size: this.#hasher.bytesSeen, hash: { type: SHA2_256_CHUNKED, value } };
      callback();
    } catch (error) {
      callback(error as Error);
    }
  }

  /** Size and hash of everything that passed; only after the stream has been fully consumed. */
  result(): StreamedFileHash {
    if (this.#result === undefined) {
      throw new AppError('quilt_hash_unfinished', 'the stream has not ended yet: read it to the end before asking for its hash');
    }
    return this.#result;
  }
}
