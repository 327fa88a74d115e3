import assert from 'node:assert/strict';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { after, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { LocalDirectoryStore } from '../../src/storage/local-directory-store.ts';
import { tempDirs } from '../queue/temp-dirs.ts';
import { BodyFailure, collect, generatedStream, MiB } from './generated-streams.ts';
import { storeContract } from './store-contract.ts';

const dirs = tempDirs();
after(() => dirs.removeAll());

storeContract({
  name: 'local directory',
  async open() {
    return new LocalDirectoryStore(join(await dirs.make(), 'registry'));
  },
  // Stream buffers only: a put writes each chunk before it asks for the next.
  maxLeadBytes: 1 * MiB,
  leadTestBytes: 20 * MiB,
});

/** Every file under dir, as paths relative to it. */
async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((entry) => entry.isFile()).map((entry) => relative(dir, join(entry.parentPath, entry.name)));
}

describe('local directory specifics', () => {
  test('keys are files under the root; physical keys are file:// URLs of those files', async () => {
    const root = join(await dirs.make(), 'my registry');
    const store = new LocalDirectoryStore(root);
    const put = await store.putObject('benchling/EXP 1/a b#.txt', 'hello');
    assert.equal(await readFile(join(root, 'benchling', 'EXP 1', 'a b#.txt'), 'utf8'), 'hello');
    assert.equal(put.physicalKey, `file://${root.replaceAll(' ', '%20')}/benchling/EXP%201/a%20b%23.txt`);
    assert.equal(fileURLToPath(put.physicalKey), join(root, 'benchling', 'EXP 1', 'a b#.txt'));
    assert.equal(put.versionId, undefined);
    assert.equal(store.describe(), root);
  });

  test('hostile keys never reach outside the root (property)', async () => {
    const sandbox = await dirs.make();
    const root = join(sandbox, 'root');
    const store = new LocalDirectoryStore(root);
    const segment = fc.oneof(
      fc.constantFrom('..', '.', '', 'a', '...', '..\\..', '\\', '\0', 'C:', '~', '%2e%2e', '.~tmp-1', 'ü', ' '),
      fc.string({ maxLength: 4 }),
    );
    const hostileKey = fc.tuple(fc.constantFrom('', '/', '//', '\\', '../'), fc.array(segment, { maxLength: 6 })).map(([lead, parts]) => lead + parts.join('/'));
    await fc.assert(
      fc.asyncProperty(hostileKey, async (key) => {
        const segments = key.split('/');
        const mustRefuse = key.startsWith('/') || segments.includes('..') || key.includes('\\') || key.includes('\0');
        try {
          await store.putObject(key, 'x');
        } catch (error) {
          // A valid key may still collide with an earlier one (a file where it needs a folder).
          const allowed = mustRefuse ? ['storage_key_invalid'] : ['storage_key_invalid', 'storage_key_conflict'];
          assert.ok(allowed.includes((error as { code?: string }).code ?? ''), `${JSON.stringify(key)}: ${String(error)}`);
          return;
        }
        assert.ok(!mustRefuse, `${JSON.stringify(key)} was accepted`);
        const path = fileURLToPath(store.physicalKey(key));
        assert.ok(path.startsWith(root + sep), `${JSON.stringify(key)} maps to ${path}`);
      }),
      { numRuns: 300 },
    );
    const outside = (await filesUnder(sandbox)).filter((file) => !file.startsWith(`root${sep}`));
    assert.deepEqual(outside, []);
  });

  test('a failed put leaves no object and no temp file; a crash leftover is never listed', async () => {
    const root = await dirs.make();
    const store = new LocalDirectoryStore(root);
    await store.putObject('data/kept.txt', 'kept');
    await assert.rejects(store.putStream('data/lost.bin', generatedStream(4 * MiB, { failAfter: 2 * MiB }).stream), BodyFailure);
    await assert.rejects(store.putStream('data/kept.txt', generatedStream(4 * MiB, { failAfter: 1 }).stream), BodyFailure);
    await assert.rejects(store.putStream('data/short.bin', generatedStream(10).stream, { size: 11 }), { code: 'storage_size_mismatch' });
    assert.deepEqual(await filesUnder(root), [join('data', 'kept.txt')]);
    assert.equal(await readFile(join(root, 'data', 'kept.txt'), 'utf8'), 'kept');

    // What a process killed mid-write leaves behind.
    await writeFile(join(root, 'data', '.~tmp-0123456789abcdef'), 'half an object');
    assert.deepEqual(await collect(store.listKeys('')), ['data/kept.txt']);
    assert.deepEqual(await collect(store.listKeys('data/.~')), []);
  });

  test('files no key could name are not listed', async () => {
    const root = await dirs.make();
    const store = new LocalDirectoryStore(root);
    await store.putObject('ok/file', 'x');
    await writeFile(join(root, 'ok', 'back\\slash'), 'x');
    await writeFile(join(root, 'ok', 'new\nline'), 'x');
    assert.deepEqual(await collect(store.listKeys('')), ['ok/file']);
  });

  test('an object cannot also be a folder: a clear error, not a crash', async () => {
    const store = new LocalDirectoryStore(await dirs.make());
    await store.putObject('a', 'file');
    await assert.rejects(store.putObject('a/b', 'below a file'), { code: 'storage_key_conflict' });
    await store.putObject('c/d', 'x');
    await assert.rejects(store.putObject('c', 'over a folder'), { code: 'storage_key_conflict' });
    assert.equal(await store.getObject('a/b'), undefined);
    assert.equal(await store.getObject('c'), undefined);
    assert.equal(await store.getStream('c'), undefined);
  });

  test('check creates a missing registry directory and reports one it cannot use', async () => {
    const parent = await dirs.make();
    const fresh = new LocalDirectoryStore(join(parent, 'new', 'registry'));
    assert.deepEqual(await fresh.check(), { ok: true });
    assert.deepEqual(await readdir(join(parent, 'new', 'registry')), [], 'the probe file is gone');

    await writeFile(join(parent, 'plain-file'), '');
    const blocked = await new LocalDirectoryStore(join(parent, 'plain-file', 'registry')).check();
    assert.equal(blocked.ok, false);
    assert.match(blocked.ok ? '' : blocked.reason, /plain-file.*not writable \(ENOTDIR\)/);
  });

  test('a prefix that names part of a folder lists that folder', async () => {
    const store = new LocalDirectoryStore(await dirs.make());
    await mkdir(join(store.root, 'empty', 'folder'), { recursive: true });
    await store.putObject('.quilt/named_packages/benchling/EXP1/latest', 'h1');
    await store.putObject('.quilt/named_packages/benchling/EXP2/1700000000', 'h2');
    await store.putObject('.quilt/packages/h1', 'm');
    assert.deepEqual(await collect(store.listKeys('.quilt/named_pack')), ['.quilt/named_packages/benchling/EXP1/latest', '.quilt/named_packages/benchling/EXP2/1700000000']);
    assert.deepEqual(await collect(store.listKeys('empty')), []);
  });
});
