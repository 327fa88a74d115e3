import { Refusal } from '../errors/refusal.ts';

/** The refusals of an export, by the names the canvas and the log show. */
export const ExportRefusalReason = {
  TOO_LARGE: 'export_too_large',
  UNCOMPRESSED_TOO_LARGE: 'export_uncompressed_too_large',
  TOO_MANY_FILES: 'export_too_many_files',
  ZIP_BOMB: 'zip_bomb',
  OVERLAPPING_ENTRIES: 'zip_overlapping_entries',
} as const;

export type ExportRefusalReason = (typeof ExportRefusalReason)[keyof typeof ExportRefusalReason];

const RAISE = 'Raise it (flag, env, profile key or stack setting, see docs/operations.md "Limits") only if such exports are expected.';

export function downloadTooLarge(maxBytes: number, detail: string): Refusal {
  return new Refusal(ExportRefusalReason.TOO_LARGE, `The export is larger than the limit of ${maxBytes} bytes (${detail}): EXPORT_MAX_DOWNLOAD. ${RAISE}`);
}

export function uncompressedTooLarge(maxBytes: number, atLeast: number): Refusal {
  return new Refusal(
    ExportRefusalReason.UNCOMPRESSED_TOO_LARGE,
    `The export's files add up to at least ${atLeast} bytes uncompressed, more than the limit of ${maxBytes} bytes: EXPORT_MAX_UNCOMPRESSED. ${RAISE}`,
  );
}

export function tooManyFiles(maxFiles: number, count: number): Refusal {
  return new Refusal(ExportRefusalReason.TOO_MANY_FILES, `The export ZIP holds ${count} entries, more than the limit of ${maxFiles}: EXPORT_MAX_FILES. ${RAISE}`);
}

export function zipBomb(maxRatio: number, name: string, uncompressed: number, compressed: number): Refusal {
  return new Refusal(
    ExportRefusalReason.ZIP_BOMB,
    `The export ZIP's file ${JSON.stringify(name)} would expand from ${compressed} to ${uncompressed} bytes, more than ${maxRatio} times: ` +
      `EXPORT_MAX_RATIO. Real data does not compress that well; the export is refused as a decompression bomb. ${RAISE}`,
  );
}

export function overlappingEntries(first: string, second: string): Refusal {
  return new Refusal(
    ExportRefusalReason.OVERLAPPING_ENTRIES,
    `The export ZIP's entries ${JSON.stringify(first)} and ${JSON.stringify(second)} share bytes of the ZIP file: ` +
      'no ZIP writer does that, it is how a small ZIP is made to expand to many large files. The export is refused.',
  );
}
