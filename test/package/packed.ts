import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { captured } from '../support/leak-guard.ts';

export const PROJECT_ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface ProcessRun {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

/**
 * The environment of every npm and CLI process here: this one's, without the `npm_*`
 * variables that `npm run` sets for its own script (they would make a nested npm act on this
 * clone), except the registry, cache and user config a user may have pointed npm at.
 */
export function childEnv(extra: Record<string, string | undefined> = {}): Record<string, string | undefined> {
  const kept = new Set(['npm_config_registry', 'npm_config_cache', 'npm_config_userconfig']);
  const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.toLowerCase().startsWith('npm_') || kept.has(key.toLowerCase())));
  return { ...env, ...extra };
}

/** Runs a program to its end; its output goes through the leak guard. */
export async function runProgram(
  program: string,
  args: readonly string[],
  options: { cwd: string; env?: Record<string, string | undefined>; timeoutMs?: number },
): Promise<ProcessRun> {
  const started = performance.now();
  const child = spawn(program, args, { cwd: options.cwd, env: options.env ?? childEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 300_000);
  const code = await new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
  clearTimeout(timer);
  const label = [program, ...args.slice(0, 2)].join(' ');
  captured(`${label} stdout`, stdout);
  captured(`${label} stderr`, stderr);
  return { code, stdout, stderr, ms: Math.round(performance.now() - started) };
}

/** npm as a user runs it, quiet about audits and funding; the cache is used before the registry. */
export function npm(args: readonly string[], cwd: string, timeoutMs?: number): Promise<ProcessRun> {
  return runProgram('npm', [...args, '--no-audit', '--no-fund', '--prefer-offline'], { cwd, timeoutMs });
}

export interface PackedFile {
  path: string;
}

/** `npm pack` of this clone into `destination` (prepack builds dist/ first): the tarball and the files in it. */
export async function packProject(destination: string): Promise<{ tarball: string; files: string[]; run: ProcessRun }> {
  const run = await runProgram('npm', ['pack', '--json', '--pack-destination', destination], { cwd: PROJECT_ROOT });
  if (run.code !== 0) throw new Error(`npm pack failed:\n${run.stderr}`);
  const [packed] = JSON.parse(run.stdout) as { filename: string; files: PackedFile[] }[];
  return { tarball: join(destination, packed!.filename), files: packed!.files.map((f) => f.path), run };
}

/** What `npm pack --dry-run` would put in the tarball, as it lists it (no script runs). */
export async function dryRunFiles(): Promise<string[]> {
  const run = await runProgram('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: PROJECT_ROOT });
  if (run.code !== 0) throw new Error(`npm pack --dry-run failed:\n${run.stderr}`);
  const [packed] = JSON.parse(run.stdout) as { files: PackedFile[] }[];
  return packed!.files.map((f) => f.path);
}

export interface RunningProcess {
  /** The first match of the pattern that showed the process ready. */
  match: RegExpExecArray;
  output(): string;
  /** SIGTERM, as ECS stops a container; its exit code. */
  stop(): Promise<number | null>;
}

/** Starts a long-running program and resolves once its output matches `ready`; rejects if it exits first. */
export function startProgram(
  program: string,
  args: readonly string[],
  options: { cwd: string; env: Record<string, string | undefined>; ready: RegExp; timeoutMs?: number },
): Promise<RunningProcess> {
  const child = spawn(program, args, { cwd: options.cwd, env: options.env, stdio: ['ignore', 'pipe', 'pipe'] });
  let text = '';
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const label = [program, ...args.slice(0, 2)].join(' ');
  const running: Omit<RunningProcess, 'match'> = {
    output: () => text,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      const code = await exited;
      captured(`${label} output`, text);
      return code;
    },
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${label} did not show ${options.ready} within ${options.timeoutMs ?? 20_000} ms:\n${text}`));
    }, options.timeoutMs ?? 20_000);
    const check = (d: Buffer) => {
      text += d.toString();
      const match = options.ready.exec(text);
      if (!match) return;
      clearTimeout(timer);
      resolve({ ...running, match });
    };
    child.stdout.on('data', check);
    child.stderr.on('data', check);
    void exited.then((code) => {
      clearTimeout(timer);
      captured(`${label} output`, text);
      reject(new Error(`${label} exited with ${code} before it was ready:\n${text}`));
    });
  });
}

/** The fenced ```ts block of README.md's "Use the constructs in your CDK app" section: what users copy. */
export async function readmeSnippet(): Promise<string> {
  const readme = await readFile(join(PROJECT_ROOT, 'README.md'), 'utf8');
  const section = readme.split(/^## /m).find((part) => part.startsWith('Use the constructs in your CDK app'));
  const snippet = section && /```ts\n([\s\S]*?)```/.exec(section)?.[1];
  if (!snippet) throw new Error('README.md has no "## Use the constructs in your CDK app" section with a ```ts block');
  return snippet;
}
