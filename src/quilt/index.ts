/** Quilt packages, byte-compatible with quilt3: hashing, manifests, top hash, physical keys, registry layout. */
export { ChunkedSha256, SHA2_256_CHUNKED, checksumChunkSize, chunkedSha256 } from './chunked-sha256.ts';
export { ChunkedSha256Stream, type StreamedFileHash } from './hashing-stream.ts';
export { isJsonObject, type JsonObject, type JsonValue } from './json-value.ts';
export { compareWalkOrder, validateLogicalKey } from './logical-key.ts';
export {
  entryMeta,
  packageMeta,
  type DirectoryMeta,
  type EntryHash,
  type Manifest,
  type ManifestEntry,
  type PackageMetaInput,
  type WorkflowInfo,
} from './manifest.ts';
export { readManifest } from './manifest-reader.ts';
export { MAX_RECORD_BYTES, writeManifest, type WriteManifestOptions } from './manifest-writer.ts';
export type { ObjectStore } from './object-store.ts';
export { isPackageName, validatePackageName } from './package-name.ts';
export { filePhysicalKey, formatPhysicalKey, parsePhysicalKey, s3PhysicalKey, type PhysicalKey } from './physical-key.ts';
export { publishPackage, type PublishRequest, type PublishResult } from './publish-package.ts';
export { encodeCanonicalJson, encodeManifestJson } from './python-json.ts';
export { pythonQuote } from './python-quote.ts';
export { listRevisionTimestamps, readLatest, readPointer, readRevision, type PackageRevision } from './read-package.ts';
export {
  LATEST_POINTER,
  MANIFESTS_PREFIX,
  NAMED_PACKAGES_PREFIX,
  latestPointerKey,
  manifestKey,
  packageDataKey,
  packageDataPrefix,
  pointerPrefix,
  revisionOfPointerKey,
  revisionPointerKey,
  validateTopHash,
} from './registry-layout.ts';
export { isTopHash, topHash } from './top-hash.ts';
