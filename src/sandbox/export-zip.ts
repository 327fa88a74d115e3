import type { Readable } from 'node:stream';
import { ZipFile } from 'yazl';
import type { AttachmentSource, SandboxEntry } from './entry-model.ts';
import { renderedFileName, renderEntry, type ExportFormat } from './entry-render.ts';
import { generatedBytes } from './generated-bytes.ts';

export interface ExportContent {
  entry: SandboxEntry;
  format: ExportFormat;
  attachments: ReadonlyMap<string, AttachmentSource>;
  /** A test's own bytes served instead of the ZIP the entry would export (see ExportTasks.craft). */
  crafted?: CraftedExport | undefined;
}

/**
 * The body of an export download chosen by a test: a malformed or hostile ZIP, or bytes that
 * are no ZIP at all. open() is called once per download, so a retried download gets it again.
 */
export interface CraftedExport {
  /** Announced as Content-Length; undefined sends the body chunked, with no length up front. */
  size?: number | undefined;
  open(): Readable;
}

export interface ExportZip {
  /** Known before the first byte, so the download can announce Content-Length as S3 does; a crafted body may leave it out. */
  size: number | undefined;
  stream: Readable;
  /** Stops generating content, for a client that went away. */
  dispose(): void;
}

/**
 * Builds the export ZIP on the fly, stored (not deflated) so that the total size is known up
 * front; generated attachments stream through, so a file of hundreds of MiB costs one chunk
 * of memory. Entry times are the entry's modifiedAt, so an unchanged entry exports the same
 * bytes.
 */
export async function buildExportZip(content: ExportContent): Promise<ExportZip> {
  if (content.crafted) {
    const stream = content.crafted.open();
    return { size: content.crafted.size, stream, dispose: () => stream.destroy() };
  }
  const zip = new ZipFile();
  const options = { compress: false, mtime: new Date(content.entry.modifiedAt) };
  const sources: Readable[] = [];
  zip.addBuffer(renderEntry(content.entry, content.format), renderedFileName(content.entry, content.format), options);
  for (const [name, source] of content.attachments) {
    if (typeof source === 'number') {
      zip.addReadStreamLazy(name, { ...options, size: source }, (callback) => {
        const stream = generatedBytes(name, source);
        sources.push(stream);
        callback(null, stream);
      });
    } else {
      zip.addBuffer(typeof source === 'string' ? Buffer.from(source) : source, name, options);
    }
  }
  const stream = zip.outputStream as Readable;
  const dispose = () => {
    for (const s of sources) s.destroy();
    stream.destroy();
  };
  return new Promise((resolve) => {
    const onSize = (size: number) => resolve({ size, stream, dispose });
    zip.end(undefined, onSize as unknown as () => void);
  });
}
