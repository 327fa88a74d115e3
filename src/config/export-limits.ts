/**
 * What one export may cost the worker. A crafted export can make the worker write far more
 * than it downloads (a small deflate stream of zeros expanding to gigabytes, or a central
 * directory pointing many files at the same compressed bytes), so each of these is checked
 * before a single file is written; the ZIP's own sizes are then enforced while it streams.
 */
export interface ExportLimits {
  /** Bytes of the ZIP itself: the download stops here (EXPORT_MAX_DOWNLOAD). */
  maxDownloadBytes: number;
  /** The files' uncompressed sizes added up (EXPORT_MAX_UNCOMPRESSED). */
  maxUncompressedBytes: number;
  /** Entries of the ZIP, files and folders (EXPORT_MAX_FILES). */
  maxFiles: number;
  /** Uncompressed ÷ compressed size of one file larger than RATIO_FLOOR_BYTES (EXPORT_MAX_RATIO). */
  maxRatio: number;
}

export type ZipLimits = Omit<ExportLimits, 'maxDownloadBytes'>;

const GiB = 1024 ** 3;

/**
 * The defaults of the EXPORT_MAX_* settings: room for a real large export (a 2 GiB one is
 * benchmarked) while a bomb is stopped long before it fills a disk.
 */
export const DEFAULT_EXPORT_LIMITS: ExportLimits = {
  maxDownloadBytes: 5 * GiB,
  maxUncompressedBytes: 20 * GiB,
  maxFiles: 10_000,
  maxRatio: 200,
};

/**
 * Small files are not held to the ratio: text of a few repeated lines can legitimately deflate
 * a thousandfold, and a file this small cannot amplify much (the total is capped anyway).
 */
export const RATIO_FLOOR_BYTES = 1024 ** 2;
