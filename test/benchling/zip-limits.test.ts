import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import fc from 'fast-check';
import { checkZip, readZipEntries } from '../../src/benchling/zip-entries.ts';
import { DEFAULT_EXPORT_LIMITS, RATIO_FLOOR_BYTES, type ZipLimits } from '../../src/config/export-limits.ts';
import { Refusal } from '../../src/errors/refusal.ts';
import { filesZip, kernelCopiesZip, writeCrafted, zeroBombZip, type CraftedBody } from '../support/crafted-zips.ts';
import { appError } from './client-fixtures.ts';

const MiB = 1024 * 1024;
const GiB = 1024 * MiB;
const DEFAULTS: ZipLimits = DEFAULT_EXPORT_LIMITS;

function refusal(reason: string, message?: RegExp) {
  return (error: unknown) => {
    if (!(error instanceof Refusal)) throw new Error(`expected a Refusal, got ${String(error)}`);
    if (error.reason !== reason) throw new Error(`expected ${reason}, got ${error.reason}: ${error.message}`);
    if (error.code !== reason.toUpperCase()) throw new Error(`code ${error.code} is not ${reason.toUpperCase()}`);
    if (message && !message.test(error.message)) throw new Error(`message ${JSON.stringify(error.message)} does not match ${message}`);
    return true;
  };
}

describe('checkZip: the export limits, from the ZIP directory before any file is read', () => {
  let dir: string;
  let n = 0;
  const write = async (body: CraftedBody) => {
    const path = join(dir, `z${++n}.zip`);
    await writeCrafted(body, path);
    return path;
  };
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'zip-limits-'));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  test('a 1 MB deflate ZIP of one file expanding to 1 GiB is zip_bomb, refused without inflating it', async () => {
    const bomb = zeroBombZip({ size: GiB });
    assert.ok(bomb.bytes < 1.1 * MiB, `the ZIP is ${bomb.bytes} bytes`);
    const path = await write(bomb);
    const started = performance.now();
    await assert.rejects(checkZip(path, DEFAULTS), refusal('zip_bomb', /"zeros\.bin" would expand from \d+ to 1073741824 bytes, more than 200 times: EXPORT_MAX_RATIO/));
    const ms = performance.now() - started;
    assert.ok(ms < 500, `refused after ${ms.toFixed(0)} ms: the data was not read`);
  });

  test('a 66 KB ZIP whose directory points 800 entries at one kernel is zip_overlapping_entries, though each entry alone passes', async () => {
    const overlap = kernelCopiesZip({ count: 800 });
    assert.ok(overlap.bytes < 70 * 1024, `the ZIP is ${overlap.bytes} bytes`);
    assert.ok(overlap.kernelRatio < DEFAULTS.maxRatio, `kernel ratio ${overlap.kernelRatio}`);
    assert.ok(800 * 2 * MiB < DEFAULTS.maxUncompressedBytes && 800 < DEFAULTS.maxFiles);
    const path = await write(overlap);
    await assert.rejects(checkZip(path, DEFAULTS), refusal('zip_overlapping_entries', /"copies\/\d{5}\.bin" and "copies\/\d{5}\.bin" share bytes/));
    // The same files, each with its own copy of the kernel, are an honest ZIP.
    const honest = await write(kernelCopiesZip({ count: 20, overlap: false }));
    assert.deepEqual(await checkZip(honest, DEFAULTS), { files: 20, bytes: 20 * 2 * MiB });
  });

  test('files adding up past EXPORT_MAX_UNCOMPRESSED are export_uncompressed_too_large', async () => {
    const path = await write(kernelCopiesZip({ count: 20, overlap: false }));
    await assert.rejects(checkZip(path, { ...DEFAULTS, maxUncompressedBytes: 39 * MiB }), refusal('export_uncompressed_too_large', /at least 41943040 bytes uncompressed, more than the limit of 40894464 bytes: EXPORT_MAX_UNCOMPRESSED/));
  });

  test('entries over EXPORT_MAX_FILES are export_too_many_files, folders counted; at the limit it passes', async () => {
    const files = Array.from({ length: 9 }, (_, i) => ({ name: `f${i}.txt`, data: `file ${i}` }));
    const path = await write(filesZip([...files, { name: 'folder/', data: '' }]));
    assert.deepEqual(await checkZip(path, { ...DEFAULTS, maxFiles: 10 }), { files: 9, bytes: files.reduce((s, f) => s + f.data.length, 0) });
    await assert.rejects(checkZip(path, { ...DEFAULTS, maxFiles: 9 }), refusal('export_too_many_files', /holds 10 entries, more than the limit of 9: EXPORT_MAX_FILES/));
  });

  test('a file over the ratio is zip_bomb only above the 1 MiB floor and above EXPORT_MAX_RATIO', async () => {
    const atFloor = await write(zeroBombZip({ size: RATIO_FLOOR_BYTES }));
    assert.deepEqual(await checkZip(atFloor, DEFAULTS), { files: 1, bytes: RATIO_FLOOR_BYTES });
    const twoMiB = await write(zeroBombZip({ size: 2 * MiB }));
    await assert.rejects(checkZip(twoMiB, DEFAULTS), refusal('zip_bomb'));
    assert.deepEqual(await checkZip(twoMiB, { ...DEFAULTS, maxRatio: 2000 }), { files: 1, bytes: 2 * MiB });
  });

  test('a ZIP that under-declares its file is cut off at the declared size while streaming (EXPORT_ZIP_CORRUPT)', async () => {
    // The directory claims 1 MiB, so it passes every limit; the data would inflate to 1 GiB.
    const path = await write(zeroBombZip({ size: GiB, declaredSize: MiB }));
    assert.deepEqual(await checkZip(path, DEFAULTS), { files: 1, bytes: MiB });
    let streamed = 0;
    await assert.rejects(
      (async () => {
        for await (const file of readZipEntries(path)) for await (const chunk of await file.open()) streamed += (chunk as Buffer).length;
      })(),
      appError('EXPORT_ZIP_CORRUPT', /too many bytes/),
    );
    assert.ok(streamed <= MiB, `${streamed} bytes came out of a file declared as ${MiB}`);
  });

  test('property: checkZip refuses exactly when the count or the total passes its limit, else reports both', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ size: fc.nat({ max: 3000 }), deflate: fc.boolean() }), { maxLength: 12 }),
        fc.integer({ min: 1, max: 14 }),
        fc.integer({ min: 1, max: 20_000 }),
        async (files, maxFiles, maxUncompressedBytes) => {
          const path = await write(filesZip(files.map((f, i) => ({ name: `d/${i}.bin`, data: Buffer.alloc(f.size, i), deflate: f.deflate }))));
          const total = files.reduce((s, f) => s + f.size, 0);
          const limits = { maxFiles, maxUncompressedBytes, maxRatio: DEFAULTS.maxRatio };
          const outcome = await checkZip(path, limits).then(
            (result) => result,
            (error: unknown) => error,
          );
          if (files.length > maxFiles) assert.ok(outcome instanceof Refusal && outcome.reason === 'export_too_many_files', String(outcome));
          else if (total > maxUncompressedBytes) assert.ok(outcome instanceof Refusal && outcome.reason === 'export_uncompressed_too_large', String(outcome));
          else assert.deepEqual(outcome, { files: files.length, bytes: total });
          await rm(path);
        },
      ),
      { numRuns: 60 },
    );
  });
});
