import { createCipheriv, createHash } from 'node:crypto';
import { Readable } from 'node:stream';

const CHUNK = 1024 * 1024;
const ZEROS = Buffer.alloc(CHUNK);

/**
 * Deterministic pseudo-random bytes for a named file of a given size: the AES-128-CTR
 * keystream under a key derived from the name. Same name and size → same bytes, on every
 * run; it streams at memory speed and never holds more than one chunk.
 */
export function generatedBytes(name: string, size: number): Readable {
  const seed = createHash('sha256').update(`benchling-sandbox:${name}`).digest();
  const cipher = createCipheriv('aes-128-ctr', seed.subarray(0, 16), seed.subarray(16, 32));
  let remaining = size;
  return new Readable({
    highWaterMark: CHUNK,
    read() {
      if (remaining <= 0) return void this.push(null);
      const n = Math.min(CHUNK, remaining);
      remaining -= n;
      this.push(cipher.update(ZEROS.subarray(0, n)));
    },
  });
}
