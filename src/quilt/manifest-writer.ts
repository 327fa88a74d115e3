import { AppError } from '../errors/app-error.ts';
import type { JsonObject, JsonValue } from './json-value.ts';
import type { EntryHash, Manifest, ManifestEntry } from './manifest.ts';
import { orderManifest } from './manifest-order.ts';
import { encodeManifestJson } from './python-json.ts';

/** quilt3's QUILT_MANIFEST_MAX_RECORD_SIZE default: one line must stay below S3 Select's 1 MB record limit. */
export const MAX_RECORD_BYTES = 1_000_000;

export interface WriteManifestOptions {
  readonly maxRecordBytes?: number;
}

/**
 * The manifest bytes quilt3's Package._dump writes: line 1, directory lines in tree order,
 * entries in walk order, each as JSON with ", "/": " separators and raw UTF-8, each ending in "\n".
 */
export function writeManifest(manifest: Manifest, options: WriteManifestOptions = {}): Buffer {
  const limit = options.maxRecordBytes ?? MAX_RECORD_BYTES;
  const { entries, directories } = orderManifest(manifest);
  const lines = [
    record(manifest.meta, 'package metadata', limit),
    ...directories.map(({ logicalKey, meta }) => record({ logical_key: logicalKey, meta }, directoryLabel(logicalKey), limit)),
    ...entries.map((entry) => record(entryRecord(entry), entryLabel(entry.logicalKey), limit)),
  ];
  return Buffer.from(lines.join(''), 'utf8');
}

function entryRecord({ logicalKey, physicalKey, size, hash, meta }: ManifestEntry): JsonObject {
  return { logical_key: logicalKey, physical_keys: [physicalKey], size, hash: hashRecord(hash), meta };
}

/** `type` before `value`, as quilt3 builds the dict; anything else a reader kept follows. */
function hashRecord(hash: EntryHash): JsonObject {
  const { type, value, ...rest } = hash as EntryHash & Record<string, JsonValue>;
  return { type, value, ...rest };
}

function record(value: JsonObject, label: string, limit: number): string {
  const line = encodeManifestJson(value, label);
  const bytes = Buffer.byteLength(line, 'utf8');
  if (bytes > limit) {
    throw new AppError(
      'quilt_record_too_large',
      `the manifest line for ${label} is ${bytes} bytes; quilt3 allows at most ${limit}. Keep metadata under 1 MB per file and per package`,
    );
  }
  return `${line}\n`;
}

function entryLabel(logicalKey: string): string {
  return `entry ${JSON.stringify(logicalKey)}`;
}

function directoryLabel(logicalKey: string): string {
  return `directory ${JSON.stringify(logicalKey)}`;
}
