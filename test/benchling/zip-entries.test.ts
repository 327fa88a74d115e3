import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import { ZipFile } from 'yazl';
import { checkZip, readZipEntries, type ZipEntry } from '../../src/benchling/zip-entries.ts';
import { appError } from './client-fixtures.ts';

async function zipBytes(files: Record<string, string>, directories: string[] = []): Promise<Buffer> {
  const zip = new ZipFile();
  for (const [name, text] of Object.entries(files)) zip.addBuffer(Buffer.from(text), name, { compress: name.endsWith('.txt') });
  for (const dir of directories) zip.addEmptyDirectory(dir);
  zip.end();
  const chunks: Buffer[] = [];
  for await (const chunk of zip.outputStream as Readable) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** yazl refuses unsafe names, so they are written over a safe name of the same length. */
function renamed(zip: Buffer, from: string, to: string): Buffer {
  assert.equal(from.length, to.length);
  return Buffer.from(zip.toString('latin1').replaceAll(from, to), 'latin1');
}

async function text(entry: ZipEntry): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of await entry.open()) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

describe('readZipEntries', () => {
  let dir: string;
  let n = 0;
  const write = async (bytes: Buffer) => {
    const path = join(dir, `z${++n}.zip`);
    await writeFile(path, bytes);
    return path;
  };
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'zip-entries-'));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  test('yields each file with its size and a stream of its bytes, stored or deflated; directories are skipped', async () => {
    const path = await write(await zipBytes({ 'Entry.html': '<h1>x</h1>', 'data/a.txt': 'alpha '.repeat(1000), 'data/b.csv': 'b,c\n1,2\n' }, ['empty/']));
    const seen: [string, number, string][] = [];
    for await (const entry of readZipEntries(path)) seen.push([entry.path, entry.size, await text(entry)]);
    assert.deepEqual(seen, [
      ['Entry.html', 10, '<h1>x</h1>'],
      ['data/a.txt', 6000, 'alpha '.repeat(1000)],
      ['data/b.csv', 8, 'b,c\n1,2\n'],
    ]);
    assert.deepEqual(await checkZip(path), { files: 3, bytes: 6018 });
  });

  test('backslashes (written by some Windows tools) are read as separators', async () => {
    const path = await write(renamed(await zipBytes({ 'dir_file.bin': 'x' }), 'dir_file', 'dir\\file'));
    const names: string[] = [];
    for await (const entry of readZipEntries(path)) names.push(entry.path);
    assert.deepEqual(names, ['dir/file.bin']);
  });

  test('a caller may stop early; an entry opened after iteration moved past the end is refused', async () => {
    const path = await write(await zipBytes({ 'a.bin': 'a', 'b.bin': 'b' }));
    for await (const entry of readZipEntries(path)) {
      assert.equal(await text(entry), 'a');
      break;
    }
    const all: ZipEntry[] = [];
    for await (const entry of readZipEntries(path)) all.push(entry);
    await assert.rejects(all[0]!.open(), appError('EXPORT_ZIP_ENTRY_STALE'));
  });

  for (const [safe, unsafe] of [
    ['zz/evil.txt', '../evil.txt'],
    ['xtmp/evil.txt', '/tmp/evil.txt'],
    ['Cx/evil.txt', 'C:/evil.txt'],
    ['a_xx_ev.txt', 'a\\..\\ev.txt'],
    ['a/b/xx/c.txt', 'a/b/../c.txt'],
    ['a/x/c.txt', 'a/./c.txt'],
    ['a/xevil.txt', 'a//evil.txt'],
  ] as const) {
    test(`an entry named ${JSON.stringify(unsafe)} fails the ZIP with EXPORT_ZIP_UNSAFE_PATH`, async () => {
      const path = await write(renamed(await zipBytes({ 'ok.bin': 'fine', [safe]: 'payload' }), safe, unsafe));
      const names: string[] = [];
      await assert.rejects(
        (async () => {
          for await (const entry of readZipEntries(path)) names.push(entry.path);
        })(),
        appError('EXPORT_ZIP_UNSAFE_PATH', /unsafe path/),
      );
      assert.deepEqual(names, ['ok.bin'], 'entries before the bad one were yielded, none after');
    });
  }

  test('a truncated ZIP is EXPORT_ZIP_CORRUPT', async () => {
    const whole = await zipBytes({ 'a.bin': 'x'.repeat(5000), 'b.bin': 'y'.repeat(5000) });
    for (const cut of [0, 100, Math.floor(whole.length / 2), whole.length - 10]) {
      const path = await write(whole.subarray(0, cut));
      await assert.rejects(checkZip(path), appError('EXPORT_ZIP_CORRUPT', /truncated or corrupt/), `cut at ${cut}`);
    }
  });

  test('file data that fails its CRC makes the stream error with EXPORT_ZIP_CORRUPT', async () => {
    const zip = await zipBytes({ 'a.bin': 'the quick brown fox' });
    const path = await write(renamed(zip, 'quick', 'quack'));
    for await (const entry of readZipEntries(path)) {
      await assert.rejects(text(entry), appError('EXPORT_ZIP_CORRUPT', /a\.bin.*CRC-32 mismatch/));
    }
  });
});
