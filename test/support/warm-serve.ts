import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { captured } from './leak-guard.ts';

const CHILD = fileURLToPath(new URL('./warm-serve-child.ts', import.meta.url));

/**
 * `serve` as a child process (see warm-serve-child.ts): spawned and loaded ahead of time by
 * `warm()`, started by `go()`. Its JSON log lines are parsed as they come, as ServeProcess does.
 */
export class WarmServe {
  readonly logs: Record<string, unknown>[] = [];
  private child: ChildProcess | undefined;
  private output = '';
  url = '';

  constructor(private readonly env: Record<string, string | undefined>) {}

  async warm(timeoutMs = 20_000): Promise<this> {
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD, 'serve', '--host', '127.0.0.1', '--port', '0'], {
      env: { PATH: process.env.PATH, ...this.env },
      stdio: ['pipe', 'pipe', 'pipe'],
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
    child.stdout!.on('data', (d: Buffer) => (this.output += d.toString()));
    await this.waitFor(/^warm$/m, timeoutMs);
    return this;
  }

  async go(timeoutMs = 20_000): Promise<this> {
    this.child!.stdin!.write('go\n');
    this.url = (await this.waitFor(/listening on (\S+)/, timeoutMs))[1]!;
    return this;
  }

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

  private waitFor(pattern: RegExp, timeoutMs: number): Promise<RegExpExecArray> {
    const child = this.child!;
    return new Promise((resolve, reject) => {
      const check = () => {
        const match = pattern.exec(this.output);
        if (!match) return;
        cleanup();
        resolve(match);
      };
      const exited = (code: number | null) => {
        cleanup();
        reject(new Error(`serve exited with ${code}:\n${this.output}`));
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`serve did not get to ${pattern}:\n${this.output}`));
      }, timeoutMs);
      const cleanup = () => {
        clearTimeout(timer);
        child.stdout!.off('data', check);
        child.off('exit', exited);
      };
      child.stdout!.on('data', check);
      child.once('exit', exited);
      check();
    });
  }
}
