import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { captured } from './leak-guard.ts';

const BIN = fileURLToPath(new URL('../../bin/benchling-webhook.js', import.meta.url));

/** `benchling-webhook serve` as a child process, its JSON log lines parsed as they come. */
export class ServeProcess {
  readonly logs: Record<string, unknown>[] = [];
  private child: ChildProcess | undefined;
  private output = '';
  url = '';

  constructor(private readonly env: Record<string, string | undefined>) {}

  async start(timeoutMs = 10_000): Promise<this> {
    const child = spawn(process.execPath, [BIN, 'serve', '--host', '127.0.0.1', '--port', '0'], {
      env: { PATH: process.env.PATH, ...this.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    let pending = '';
    child.stderr!.on('data', (d: Buffer) => {
      this.output += d.toString();
      pending += d.toString();
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) if (line.startsWith('{')) this.logs.push(JSON.parse(line) as Record<string, unknown>);
    });
    this.url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`serve did not start:\n${this.output}`)), timeoutMs);
      child.stdout!.on('data', (d: Buffer) => {
        this.output += d.toString();
        const match = /listening on (\S+)/.exec(this.output);
        if (match) {
          clearTimeout(timer);
          resolve(match[1]!);
        }
      });
      child.once('exit', (code) => reject(new Error(`serve exited with ${code}:\n${this.output}`)));
    });
    return this;
  }

  /** Log lines with this message. */
  messages(msg: string): Record<string, unknown>[] {
    return this.logs.filter((l) => l.msg === msg);
  }

  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<number | null> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return child?.exitCode ?? null;
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill(signal);
    const code = await exited;
    captured('serve process output', this.output);
    return code;
  }
}
