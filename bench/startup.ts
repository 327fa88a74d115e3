/**
 * Start-up of the installed package against Node's own start, measured in the same run:
 * `node -e 0`; `benchling-webhook --help`; `serve` refusing an incomplete secret (what a task
 * with a broken secret does before it exits); and, for comparison, `--help` from this clone,
 * which runs src/ through tsx. The four are interleaved, round after round, so that load
 * from other processes falls on all of them; each line gives the fastest and the median wall
 * time and the median's ratio to `node -e 0`.
 *
 * The package is packed from this clone and installed into a temporary folder, as a user gets
 * it (`--tarball FILE` installs that one instead).
 *
 *   node --import tsx bench/startup.ts [--rounds 20] [--tarball FILE]
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: { rounds: { type: 'string', default: '20' }, tarball: { type: 'string' } } });
const ROUNDS = Number(values.rounds);
const CLONE = fileURLToPath(new URL('../', import.meta.url));

interface Exit {
  code: number | null;
  ms: number;
  stdout: string;
  stderr: string;
}

function run(program: string, args: readonly string[], cwd: string, env: NodeJS.ProcessEnv = process.env): Promise<Exit> {
  const started = performance.now();
  const child = spawn(program, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve, reject) =>
    child.on('close', (code) => {
      const ms = performance.now() - started;
      if (code === null) reject(new Error(`${program} ${args.join(' ')} was killed:\n${stderr}`));
      else resolve({ code, ms, stdout, stderr });
    }),
  );
}

async function install(dir: string): Promise<string> {
  let tarball = values.tarball;
  if (tarball === undefined) {
    const packed = await run('npm', ['pack', '--json', '--pack-destination', dir], CLONE);
    if (packed.code !== 0) throw new Error(`npm pack failed:\n${packed.stderr}`);
    tarball = join(dir, (JSON.parse(packed.stdout) as { filename: string }[])[0]!.filename);
  }
  const installed = await run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', tarball], dir);
  if (installed.code !== 0) throw new Error(`npm install failed:\n${installed.stderr}`);
  return join(dir, 'node_modules', 'benchling-webhook', 'bin', 'benchling-webhook.js');
}

interface Case {
  label: string;
  args: string[];
  cwd: string;
  expectedCode: number;
}

const dir = await mkdtemp(join(tmpdir(), 'bw-startup-bench-'));
try {
  const bin = await install(dir);
  const env = { ...process.env, XDG_CONFIG_HOME: join(dir, 'config'), XDG_DATA_HOME: join(dir, 'data') };
  const cases: Case[] = [
    { label: 'node -e 0', args: ['-e', '0'], cwd: dir, expectedCode: 0 },
    { label: 'installed: --help', args: [bin, '--help'], cwd: dir, expectedCode: 0 },
    { label: 'installed: serve, incomplete secret (refused)', args: [bin, 'serve', '--benchling-secrets', '{"tenant":"acme"}'], cwd: dir, expectedCode: 1 },
    { label: 'clone (tsx): --help', args: [join(CLONE, 'bin', 'benchling-webhook.js'), '--help'], cwd: CLONE, expectedCode: 0 },
  ];
  const times = new Map<Case, number[]>(cases.map((c) => [c, []]));
  // One unmeasured round first: the file system cache, not the code, decides a first start.
  for (let round = 0; round <= ROUNDS; round++) {
    for (const c of cases) {
      const exit = await run(process.execPath, c.args, c.cwd, env);
      if (exit.code !== c.expectedCode) throw new Error(`${c.label}: exit ${exit.code}, expected ${c.expectedCode}:\n${exit.stdout}${exit.stderr}`);
      if (round > 0) times.get(c)!.push(exit.ms);
    }
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const floor = median(times.get(cases[0]!)!);
  process.stdout.write(`${ROUNDS} rounds, Node ${process.version}\n`);
  for (const c of cases) {
    const xs = times.get(c)!;
    const line = `${c.label.padEnd(48)} min ${Math.min(...xs).toFixed(0).padStart(5)} ms   median ${median(xs).toFixed(0).padStart(5)} ms   ${(median(xs) / floor).toFixed(2)}× node -e 0\n`;
    process.stdout.write(line);
  }
} finally {
  await rm(dir, { recursive: true, force: true });
}
