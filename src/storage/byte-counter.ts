import { Transform } from 'node:stream';
import type { TransformCallback } from 'node:stream';
import { AppError } from '../errors/app-error.ts';

/**
 * Passes bytes through, counting them. With an expected size it fails at the end of a body
 * of another length, before the store commits it: a truncated ZIP entry must not become a
 * complete-looking object.
 */
export class ByteCounter extends Transform {
  bytes = 0;

  private readonly expectedSize: number | undefined;
  private readonly onProgress: ((bytes: number) => void) | undefined;

  constructor(
    private readonly key: string,
    options: { size?: number; onProgress?: (bytes: number) => void } = {},
  ) {
    super();
    this.expectedSize = options.size;
    this.onProgress = options.onProgress;
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.bytes += chunk.length;
    if (this.expectedSize !== undefined && this.bytes > this.expectedSize) {
      callback(this.mismatch());
      return;
    }
    this.onProgress?.(this.bytes);
    callback(null, chunk);
  }

  override _flush(callback: TransformCallback): void {
    callback(this.expectedSize === undefined || this.bytes === this.expectedSize ? null : this.mismatch());
  }

  private mismatch(): AppError {
    return new AppError(
      'storage_size_mismatch',
      `The body for ${JSON.stringify(this.key)} was expected to be ${this.expectedSize} bytes but ${this.bytes > (this.expectedSize ?? 0) ? 'was longer' : `ended at ${this.bytes}`}; nothing was stored.`,
    );
  }
}
