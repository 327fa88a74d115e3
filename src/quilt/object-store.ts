/**
 * The storage a registry needs, keyed relative to the registry root. The S3 and local-directory
 * stores satisfy it; tests use a Map.
 */
export interface ObjectStore {
  /** Resolves once the object is durable; whatever it resolves to (e.g. a version id) is not needed here. */
  putObject(key: string, body: Buffer | string): Promise<unknown>;
  /** undefined when there is no such object. */
  getObject(key: string): Promise<Buffer | undefined>;
  listKeys(prefix: string): AsyncIterable<string>;
}
