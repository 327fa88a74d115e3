import { randomBytes, randomInt } from 'node:crypto';

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** Benchling ids are a type prefix plus a short base62 tail (`etr_IWLMtEvN`). */
export function benchlingId(prefix: string, length = 8): string {
  let tail = '';
  for (let i = 0; i < length; i++) tail += BASE62[randomInt(BASE62.length)];
  return `${prefix}_${tail}`;
}

export function randomHex(bytes: number): string {
  return randomBytes(bytes).toString('hex');
}
