import type { JsonObject, JsonValue } from './json-value.ts';

/** An entry's content hash, as quilt3 stores it (`type` comes first on the line). */
export type EntryHash = { readonly type: string; readonly value: string };

/** One file of a package. */
export type ManifestEntry = {
  readonly logicalKey: string;
  /** The URL string (see formatPhysicalKey); written as the one-element `physical_keys` list. */
  readonly physicalKey: string;
  readonly size: number;
  readonly hash: EntryHash;
  /** `{}` or `{"user_meta": …}`; other keys are kept and hashed. */
  readonly meta: JsonObject;
};

/** A directory-level metadata line (`{"logical_key": "dir/", "meta": …}`): kept, never hashed. */
export type DirectoryMeta = { readonly logicalKey: string; readonly meta: JsonValue };

/**
 * A package revision. Entry order does not matter: the writer and the top hash put entries
 * in quilt3's walk order themselves, so a manifest read from any file hashes the same.
 */
export type Manifest = {
  /** Line 1: `version`, `user_meta`, optional `workflow`, `message`, and any other keys, in order. */
  readonly meta: JsonObject;
  readonly entries: readonly ManifestEntry[];
  readonly directories?: readonly DirectoryMeta[];
};

/** Which workflow a registry's workflow config applied (only for registries that have one). */
export type WorkflowInfo = { readonly id: string | null; readonly config: string; readonly schemas?: JsonObject };

export interface PackageMetaInput {
  readonly userMeta: JsonValue;
  readonly message: string | null;
  readonly workflow?: WorkflowInfo;
}

/** Line 1 with quilt3's key order for a freshly built package: version, user_meta, workflow, message. */
export function packageMeta({ userMeta, message, workflow }: PackageMetaInput): JsonObject {
  const meta: Record<string, JsonValue> = { version: 'v0', user_meta: userMeta };
  if (workflow !== undefined) meta.workflow = workflow;
  meta.message = message;
  return meta;
}

/** Entry meta as quilt3 writes it: `{}` without metadata, `{"user_meta": …}` with. */
export function entryMeta(userMeta?: JsonObject): JsonObject {
  return userMeta === undefined ? {} : { user_meta: userMeta };
}
