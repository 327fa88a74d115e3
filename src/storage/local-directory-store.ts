import { createWriteStream } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { mkdir, open, readFile, rm, stat, unlink, writeFile } from 'node:fs/promises';
import { join, resolve, sep } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { AppError } from '../errors/app-error.ts';
import { ByteCounter } from './byte-counter.ts';
import { ABSENT, commitFile, errorCode, localError } from './local-files.ts';
import { listLocalKeys } from './local-listing.ts';
import { assertKeyPrefix, assertObjectKey, TEMP_MARK } from './object-key.ts';
import type { ObjectStore, PutStreamOptions, StoreCheck, StoredObject } from './object-store.ts';
import { filePhysicalKey } from '../quilt/physical-key.ts';

/** A registry in a local directory: key `a/b.txt` is the file `<root>/a/b.txt`. */
export class LocalDirectoryStore implements ObjectStore {
  readonly root: string;

  constructor(root: string) {
    this.root = resolve(root);
  }

  async putObject(key: string, body: Buffer | string): Promise<StoredObject> {
    const path = this.pathOf(key);
    await commitFile(path, key, (temp) =>
      writeFile(temp, body, { flag: 'wx', flush: true }).catch((error: unknown) => {
        throw localError('write', key, error);
      }),
    );
    return { physicalKey: filePhysicalKey(path) };
  }

  async getObject(key: string): Promise<Buffer | undefined> {
    return this.absentAsUndefined('read', key, () => readFile(this.pathOf(key)));
  }

  async putStream(key: string, body: Readable, options: PutStreamOptions = {}): Promise<StoredObject> {
    const path = this.pathOf(key);
    await commitFile(path, key, (temp) => writeStream(temp, key, body, options));
    return { physicalKey: filePhysicalKey(path) };
  }

  async getStream(key: string): Promise<Readable | undefined> {
    const handle = await this.absentAsUndefined('open', key, () => open(this.pathOf(key), 'r'));
    if (!handle) return undefined;
    // open() succeeds on a directory; only files are objects.
    if (!(await handle.stat()).isFile()) {
      await handle.close();
      return undefined;
    }
    return handle.createReadStream();
  }

  async head(key: string): Promise<{ size: number } | undefined> {
    const stats = await this.absentAsUndefined('stat', key, () => stat(this.pathOf(key)));
    return stats?.isFile() ? { size: stats.size } : undefined;
  }

  async delete(key: string): Promise<void> {
    // Empty parent folders stay: removing them would race with a concurrent put beneath them.
    await this.absentAsUndefined('delete', key, () => unlink(this.pathOf(key)));
  }

  listKeys(prefix: string): AsyncIterable<string> {
    assertKeyPrefix(prefix);
    return listLocalKeys(this.root, prefix);
  }

  physicalKey(key: string): string {
    return filePhysicalKey(this.pathOf(key));
  }

  describe(): string {
    return this.root;
  }

  /** Creates the directory when missing (a fresh registry), then proves a file can be written. */
  async check(): Promise<StoreCheck> {
    try {
      await mkdir(this.root, { recursive: true });
      const probe = join(this.root, `${TEMP_MARK}check-${randomBytes(8).toString('hex')}`);
      await writeFile(probe, '', { flag: 'wx' });
      await rm(probe);
      return { ok: true };
    } catch (error) {
      return { ok: false, reason: `the registry directory ${this.root} is not writable (${errorCode(error) ?? 'unknown error'})` };
    }
  }

  /** The file for a key; the key rules already keep it inside root, the prefix test makes sure. */
  private pathOf(key: string): string {
    assertObjectKey(key);
    const path = resolve(this.root, key);
    if (!path.startsWith(this.root.endsWith(sep) ? this.root : this.root + sep)) {
      throw new AppError('storage_key_invalid', `Object key ${JSON.stringify(key)} is not allowed: it leaves the registry directory.`);
    }
    return path;
  }

  private async absentAsUndefined<T>(action: string, key: string, run: () => Promise<T>): Promise<T | undefined> {
    try {
      return await run();
    } catch (error) {
      if (ABSENT.has(errorCode(error) ?? '')) return undefined;
      throw localError(action, key, error);
    }
  }
}

/** Streams body into a new file, flushed to disk before the returned promise settles. */
async function writeStream(temp: string, key: string, body: Readable, options: PutStreamOptions): Promise<void> {
  const counter = new ByteCounter(key, options);
  const file = createWriteStream(temp, { flags: 'wx', flush: true });
  let fileFailure: unknown;
  file.once('error', (error) => (fileFailure = error));
  try {
    await pipeline(body, counter, file);
  } catch (error) {
    // The file may still be opening: wait until it is closed, or it could appear after the
    // caller has removed the temp path.
    if (!file.closed) await new Promise<void>((resolve) => file.once('close', () => resolve()));
    // The body's own failure (or a size mismatch) is the caller's to read as it is.
    throw error === fileFailure ? localError('write', key, error) : error;
  }
}
