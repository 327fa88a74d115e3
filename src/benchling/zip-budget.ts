import { RATIO_FLOOR_BYTES, type ZipLimits } from '../config/export-limits.ts';
import { overlappingEntries, tooManyFiles, uncompressedTooLarge, zipBomb } from './export-refusals.ts';

/** What the ZIP says of one entry: where it lies in the file and how large it is. */
export interface ZipMemberFacts {
  name: string;
  /** Offset of its local header. */
  headerStart: number;
  /** Offset of its first data byte (after the local header's name and extra field). */
  dataStart: number;
  compressedSize: number;
  uncompressedSize: number;
}

interface Span {
  name: string;
  start: number;
  end: number;
}

/**
 * The export limits, checked against a ZIP's directory before any file is read. Sizes come
 * from the directory; the reader enforces them on the data (a stream longer than its declared
 * size fails), so the declared sizes bound what the worker writes.
 */
export class ZipBudget {
  private files = 0;
  private bytes = 0;
  private readonly spans: Span[] = [];

  constructor(private readonly limits: ZipLimits) {}

  /** The count from the end-of-central-directory record: refused before reading any entry. */
  checkEntryCount(count: number): void {
    if (count > this.limits.maxFiles) throw tooManyFiles(this.limits.maxFiles, count);
  }

  /** Throws the refusal this entry earns; folders (names ending in `/`) are not counted as files. */
  admit(member: ZipMemberFacts): void {
    const { maxRatio, maxUncompressedBytes } = this.limits;
    const { uncompressedSize: uncompressed, compressedSize: compressed } = member;
    if (uncompressed > RATIO_FLOOR_BYTES && uncompressed > maxRatio * compressed) throw zipBomb(maxRatio, member.name, uncompressed, compressed);
    this.bytes += uncompressed;
    if (this.bytes > maxUncompressedBytes) throw uncompressedTooLarge(maxUncompressedBytes, this.bytes);
    if (!member.name.endsWith('/')) this.files++;
    this.spans.push({ name: member.name, start: member.headerStart, end: member.dataStart + compressed });
  }

  /** After the last entry: no two entries may share bytes of the file. Files and bytes, folders not counted. */
  finish(): { files: number; bytes: number } {
    const spans = [...this.spans].sort((a, b) => a.start - b.start);
    for (let i = 1; i < spans.length; i++) {
      if (spans[i]!.start < spans[i - 1]!.end) throw overlappingEntries(spans[i - 1]!.name, spans[i]!.name);
    }
    return { files: this.files, bytes: this.bytes };
  }
}
