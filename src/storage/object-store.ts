import type { Readable } from 'node:stream';

/**
 * The registry's object store: an S3 bucket or a local directory, behind one interface so the
 * packaging worker and the canvas never know which. Keys are relative, `/`-separated and
 * checked the same way by both implementations (see object-key.ts), so a key that works
 * locally works on S3 and the other way round.
 */
export interface ObjectStore {
  /** Small objects (manifests, pointers, JSON), held in memory. Replaces any object at the key. */
  putObject(key: string, body: Buffer | string, options?: { contentType?: string }): Promise<StoredObject>;
  /** The whole object, or undefined when there is none at the key. */
  getObject(key: string): Promise<Buffer | undefined>;
  /**
   * Streams body to the key without holding it in memory (S3: a multipart upload once the body
   * passes one part). The object appears whole or not at all: a body that errors, or that
   * does not match options.size, leaves nothing at the key.
   */
  putStream(key: string, body: Readable, options?: PutStreamOptions): Promise<StoredObject>;
  getStream(key: string): Promise<Readable | undefined>;
  head(key: string): Promise<{ size: number } | undefined>;
  /** Removing an absent key is not an error (as on S3). */
  delete(key: string): Promise<void>;
  /**
   * Every key starting with prefix (a plain string prefix, as on S3), in S3's order (UTF-8
   * bytes). Only keys the store would accept are listed (S3 "folder" markers are skipped).
   */
  listKeys(prefix: string): AsyncIterable<string>;
  /** Quilt physical key: `s3://bucket/<quoted key>[?versionId=…]` or `file:///<quoted path>`. */
  physicalKey(key: string, versionId?: string): string;
  /** For logs and messages: `s3://bucket[/prefix]` or the directory's absolute path. */
  describe(): string;
  /** Readiness: can this process use the registry right now? */
  check(): Promise<StoreCheck>;
}

export interface PutStreamOptions {
  /** Expected byte count: the put fails (and stores nothing) when the body has another length. */
  size?: number;
  contentType?: string;
  /** Cumulative bytes the store has taken so far. */
  onProgress?: (bytes: number) => void;
}

export interface StoredObject {
  /** Only on a versioned S3 bucket. */
  versionId?: string;
  physicalKey: string;
}

export type StoreCheck = { ok: true } | { ok: false; reason: string };
