/**
 * The container image's dependencies, measured without Docker: the package.json,
 * package-lock.json and Dockerfile of a commit (default: the working tree) are put in a
 * temporary folder, the Dockerfile's own `npm ci` line runs there, and `npm ls --all
 * --parseable` lists what it installed. Prints the package count, their size on disk (each
 * package's own files, its nested node_modules counted as packages of their own) and the
 * largest ones.
 *
 *   node --import tsx bench/image-deps.ts [--rev COMMIT] [--top 10]
 */
import { execFile } from 'node:child_process';
import { lstat, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { promisify } from 'node:util';

const exec = promisify(execFile);
const { values } = parseArgs({ options: { rev: { type: 'string' }, top: { type: 'string', default: '10' } } });
const CLONE = fileURLToPath(new URL('../', import.meta.url));

async function fileAt(path: string): Promise<string> {
  if (values.rev === undefined) return readFile(join(CLONE, path), 'utf8');
  return (await exec('git', ['show', `${values.rev}:${path}`], { cwd: CLONE, maxBuffer: 64 * 1024 * 1024 })).stdout;
}

/** Bytes of the files under `dir`, not descending into node_modules. */
async function ownSize(dir: string): Promise<number> {
  let total = 0;
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules') continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) total += await ownSize(path);
    else total += (await lstat(path)).size;
  }
  return total;
}

const dir = await mkdtemp(join(tmpdir(), 'bw-image-deps-'));
try {
  const dockerfile = await fileAt('Dockerfile');
  const install = /npm ci((?: --[\w=-]+)+)/.exec(dockerfile)?.[1]?.trim().split(' ');
  if (!install) throw new Error('the Dockerfile runs no `npm ci`');
  await writeFile(join(dir, 'package.json'), await fileAt('package.json'));
  await writeFile(join(dir, 'package-lock.json'), await fileAt('package-lock.json'));
  await exec('npm', ['ci', ...install, '--no-audit', '--no-fund', '--prefer-offline'], { cwd: dir, maxBuffer: 64 * 1024 * 1024 });
  // npm ls exits non-zero when a peer dependency the image leaves out is missing: its list is still whole.
  const listed = await exec('npm', ['ls', '--all', '--parseable'], { cwd: dir, maxBuffer: 64 * 1024 * 1024 }).catch((error: { stdout: string }) => error);
  const packages = [...new Set(listed.stdout.split('\n').filter((line) => line.includes('node_modules')))];
  const sizes = await Promise.all(packages.map(async (path) => ({ name: relative(join(dir, 'node_modules'), path), bytes: await ownSize(path) })));
  const total = sizes.reduce((sum, p) => sum + p.bytes, 0);
  const mb = (bytes: number) => `${(bytes / 1e6).toFixed(1)} MB`;
  process.stdout.write(`${values.rev ?? 'working tree'}: npm ci ${install.join(' ')}\n`);
  process.stdout.write(`${packages.length} packages, ${mb(total)}\n`);
  for (const p of sizes.sort((a, b) => b.bytes - a.bytes).slice(0, Number(values.top))) process.stdout.write(`  ${mb(p.bytes).padStart(9)}  ${p.name}\n`);
} finally {
  await rm(dir, { recursive: true, force: true });
}
