import { createWriteStream } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import zlib from 'node:zlib';
import type { CraftedExport } from '../../src/sandbox/index.ts';

/**
 * Hostile and malformed export ZIPs, written byte by byte so that nothing a ZIP library would
 * refuse to write stands in the way: a small deflate stream that expands to gigabytes, and a
 * central directory pointing many entries at the same bytes. Each is a CraftedExport, so the
 * sandbox can serve it as an entry's export download; none is ever whole in memory at its
 * expanded size.
 */

const MiB = 1024 * 1024;
const DEFLATE = 8;
const UTF8_NAMES = 0x0800;

interface Member {
  name: string;
  method: 0 | 8;
  crc32: number;
  compressedSize: number;
  uncompressedSize: number;
}

function localHeader(m: Member): Buffer {
  const name = Buffer.from(m.name, 'utf8');
  const h = Buffer.alloc(30);
  h.writeUInt32LE(0x04034b50, 0);
  h.writeUInt16LE(20, 4);
  h.writeUInt16LE(UTF8_NAMES, 6);
  h.writeUInt16LE(m.method, 8);
  h.writeUInt32LE(m.crc32 >>> 0, 14);
  h.writeUInt32LE(m.compressedSize, 18);
  h.writeUInt32LE(m.uncompressedSize, 22);
  h.writeUInt16LE(name.length, 26);
  return Buffer.concat([h, name]);
}

function centralHeader(m: Member, offset: number): Buffer {
  const name = Buffer.from(m.name, 'utf8');
  const h = Buffer.alloc(46);
  h.writeUInt32LE(0x02014b50, 0);
  h.writeUInt16LE(20, 4);
  h.writeUInt16LE(20, 6);
  h.writeUInt16LE(UTF8_NAMES, 8);
  h.writeUInt16LE(m.method, 10);
  h.writeUInt32LE(m.crc32 >>> 0, 16);
  h.writeUInt32LE(m.compressedSize, 20);
  h.writeUInt32LE(m.uncompressedSize, 24);
  h.writeUInt16LE(name.length, 28);
  h.writeUInt32LE(offset, 42);
  return Buffer.concat([h, name]);
}

function endOfCentralDirectory(entries: number, size: number, offset: number): Buffer {
  const e = Buffer.alloc(22);
  e.writeUInt32LE(0x06054b50, 0);
  e.writeUInt16LE(entries, 8);
  e.writeUInt16LE(entries, 10);
  e.writeUInt32LE(size, 12);
  e.writeUInt32LE(offset, 16);
  return e;
}

/** A crafted body and its length in bytes. */
export type CraftedBody = CraftedExport & { bytes: number };

/** A CraftedExport from parts made on demand; its length is announced unless `chunked`. */
function crafted(bytes: number, parts: () => Iterable<Buffer>, chunked: boolean): CraftedBody {
  return { size: chunked ? undefined : bytes, bytes, open: () => Readable.from(parts(), { objectMode: false }) };
}

/**
 * One file of `size` zeros, deflated. A deflate block of 1 MiB of zeros, ended by a full flush
 * (byte-aligned, no reference back), decodes the same wherever it stands: repeating it and
 * closing the stream with an empty final block gives the whole expansion at about 1,000:1
 * without deflating a byte more than one MiB. The CRC-32 of the zeros is computed the same way.
 */
export function zeroBombZip(options: {
  name?: string;
  size: number;
  chunked?: boolean;
  /** The uncompressed size the ZIP claims, when it should lie about it. */
  declaredSize?: number;
}): CraftedBody {
  const name = options.name ?? 'zeros.bin';
  if (options.size % MiB !== 0 || options.size / MiB > 4095) throw new Error('zeroBombZip: size must be whole MiB, under 4 GiB');
  const zeros = Buffer.alloc(MiB);
  const block = zlib.deflateRawSync(zeros, { level: 9, finishFlush: zlib.constants.Z_FULL_FLUSH });
  const last = zlib.deflateRawSync(Buffer.alloc(0), { level: 9 });
  const blocks = options.size / MiB;
  let crc = 0;
  for (let i = 0; i < blocks; i++) crc = zlib.crc32(zeros, crc);
  const member: Member = { name, method: DEFLATE, crc32: crc, compressedSize: blocks * block.length + last.length, uncompressedSize: options.declaredSize ?? options.size };
  const head = localHeader(member);
  const central = centralHeader(member, 0);
  const dataEnd = head.length + member.compressedSize;
  const end = endOfCentralDirectory(1, central.length, dataEnd);
  function* parts(): Iterable<Buffer> {
    yield head;
    // 64 blocks a chunk, so that the body flows in chunks of tens of KB rather than one KB.
    const run = Buffer.concat(Array.from({ length: 64 }, () => block));
    for (let left = blocks; left > 0; left -= 64) yield left >= 64 ? run : run.subarray(0, left * block.length);
    yield last;
    yield central;
    yield end;
  }
  return crafted(dataEnd + central.length + end.length, parts, options.chunked === true);
}

/**
 * `count` files of `kernelSize` bytes each, all the same deflated kernel. The kernel repeats an
 * 8 KiB pseudo-random block, so it compresses well but less than the default ratio limit
 * (about 140:1). With `overlap` (the default) the ZIP holds the kernel once and every
 * central-directory entry points at it, so only the overlap gives it away; without, each file
 * has its own copy, as an honest (if large) ZIP would.
 */
export function kernelCopiesZip(options: { count: number; kernelSize?: number; overlap?: boolean }): CraftedBody & { kernelRatio: number } {
  const kernelSize = options.kernelSize ?? 2 * MiB;
  const block = Buffer.from(Array.from({ length: 8192 }, (_, i) => (i * 2654435761) >>> 24));
  const kernel = Buffer.concat(Array.from({ length: Math.ceil(kernelSize / block.length) }, () => block)).subarray(0, kernelSize);
  const data = zlib.deflateRawSync(kernel, { level: 9 });
  const crc = zlib.crc32(kernel);
  const member = (name: string): Member => ({ name, method: DEFLATE, crc32: crc, compressedSize: data.length, uncompressedSize: kernelSize });
  const names = Array.from({ length: options.count }, (_, i) => `copies/${String(i).padStart(5, '0')}.bin`);
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  if (options.overlap !== false) {
    locals.push(localHeader(member('kernel.bin')), data);
    for (const name of names) centrals.push(centralHeader(member(name), 0));
  } else {
    let offset = 0;
    for (const name of names) {
      const head = localHeader(member(name));
      locals.push(head, data);
      centrals.push(centralHeader(member(name), offset));
      offset += head.length + data.length;
    }
  }
  const dataEnd = locals.reduce((sum, b) => sum + b.length, 0);
  const central = Buffer.concat(centrals);
  const end = endOfCentralDirectory(options.count, central.length, dataEnd);
  const parts = () => [...locals, central, end];
  return { ...crafted(dataEnd + central.length + end.length, parts, false), kernelRatio: kernelSize / data.length };
}

/** Plain files, stored or deflated as a ZIP writer would write them; names may repeat, and a file may fail its CRC. */
export function filesZip(files: { name: string; data: Buffer | string; deflate?: boolean; badCrc?: boolean }[]): CraftedBody {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const file of files) {
    const raw = Buffer.from(file.data);
    const data = file.deflate ? zlib.deflateRawSync(raw) : raw;
    const crc32 = zlib.crc32(raw) ^ (file.badCrc ? 1 : 0);
    const m: Member = { name: file.name, method: file.deflate ? DEFLATE : 0, crc32, compressedSize: data.length, uncompressedSize: raw.length };
    const local = Buffer.concat([localHeader(m), data]);
    centrals.push(centralHeader(m, offset));
    locals.push(local);
    offset += local.length;
  }
  const central = Buffer.concat(centrals);
  const body = Buffer.concat([...locals, central, endOfCentralDirectory(files.length, central.length, offset)]);
  return crafted(body.length, () => [body], false);
}

/** `length` bytes that are no ZIP at all, made as they are read, optionally without a Content-Length. */
export function endlessBody(options: { size: number; chunked?: boolean; onRead?: (bytes: number) => void }): CraftedBody {
  const chunk = Buffer.alloc(1024 * 1024, 0x5a);
  function* parts(): Iterable<Buffer> {
    let sent = 0;
    while (sent < options.size) {
      const part = chunk.subarray(0, Math.min(chunk.length, options.size - sent));
      sent += part.length;
      options.onRead?.(sent);
      yield part;
    }
  }
  return crafted(options.size, parts, options.chunked === true);
}

/** Writes a crafted body to a file, as a download would. */
export async function writeCrafted(body: CraftedExport, path: string): Promise<void> {
  await pipeline(body.open(), createWriteStream(path));
}
