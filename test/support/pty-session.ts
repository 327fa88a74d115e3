import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { captured } from './leak-guard.ts';

export interface TerminalStep {
  /** Text to wait for (ANSI escapes removed), after where the previous step's text was seen. */
  expect: string;
  /** Keys to type then: text, '\r' for Enter, '\x1b[B' for the down arrow, '\x15' to clear the line. */
  send?: string;
  timeout?: number;
}

export interface TerminalRun {
  code: number;
  /** The step whose text never appeared, or null when the whole script played. */
  failed: string | null;
  /** Seconds from the start until each step's text appeared, and until the command exited. */
  seenAt: number[];
  exitAt: number;
  transcript: string;
}

const DRIVER = fileURLToPath(new URL('./pty-driver.py', import.meta.url));
const BIN = fileURLToPath(new URL('../../bin/benchling-webhook.js', import.meta.url));

/**
 * Runs the real binary in a pseudo-terminal (Python's standard pty module: no native npm
 * package) and types the steps' keys as a person would; the transcript goes to the leak guard.
 */
export async function runInTerminal(argv: string[], env: Record<string, string | undefined>, steps: TerminalStep[]): Promise<TerminalRun> {
  const child = spawn('python3', [DRIVER, JSON.stringify(steps), '--', process.execPath, BIN, ...argv], {
    env: { PATH: process.env.PATH, TERM: 'xterm-256color', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const code = await new Promise<number>((resolve) => child.on('close', (c) => resolve(c ?? -1)));
  if (code !== 0) throw new Error(`the pty driver failed (exit ${code}): ${stderr}`);
  const run = JSON.parse(stdout) as TerminalRun;
  captured(`terminal ${argv.slice(0, 2).join(' ')}`, run.transcript);
  return run;
}
