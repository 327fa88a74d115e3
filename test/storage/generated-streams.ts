import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';

export const MiB = 1024 * 1024;

export interface GeneratedOptions {
  chunkBytes?: number;
  /** Called as each chunk is made, with the bytes made so far; the stream waits for it. */
  onChunk?: (produced: number) => void | Promise<void>;
  /** The stream errors once this many bytes have been made. */
  failAfter?: number;
}

export class BodyFailure extends Error {
  constructor() {
    super('the body failed on purpose');
    this.name = 'BodyFailure';
  }
}

/**
 * `size` fresh random bytes, made only as the consumer pulls (so how far the maker runs ahead
 * of the store shows what the store buffers), hashed as they are made. Random rather than
 * repeated content, so swapped or repeated parts change the hash.
 */
export function generatedStream(size: number, options: GeneratedOptions = {}): { stream: Readable; sha256: () => string } {
  const hash = createHash('sha256');
  const chunkBytes = options.chunkBytes ?? 64 * 1024;
  async function* chunks(): AsyncGenerator<Buffer> {
    for (let produced = 0; produced < size; ) {
      if (options.failAfter !== undefined && produced >= options.failAfter) throw new BodyFailure();
      const chunk = randomBytes(Math.min(chunkBytes, size - produced));
      produced += chunk.length;
      hash.update(chunk);
      await options.onChunk?.(produced);
      yield chunk;
    }
  }
  return { stream: Readable.from(chunks(), { objectMode: false }), sha256: () => hash.copy().digest('hex') };
}

export async function sha256Of(stream: Readable): Promise<{ sha256: string; bytes: number }> {
  const hash = createHash('sha256');
  let bytes = 0;
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    hash.update(chunk);
    bytes += chunk.length;
  }
  return { sha256: hash.digest('hex'), bytes };
}

export async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}
