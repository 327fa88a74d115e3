import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { captured } from './leak-guard.ts';
import { parseLogLine } from './log-line.ts';

const BIN = fileURLToPath(new URL('../../bin/benchling-webhook.js', import.meta.url));
export const SERVE_ARGS = ['serve', '--host', '127.0.0.1', '--port', '0'];

/** `benchling-webhook serve` as a child process, its JSON log lines parsed as they come. */
export class ServeProcess {
  readonly logs: Record<string, unknown>[] = [];
  protected child: ChildProcess | undefined;
  protected output = '';
  url = '';

  constructor(
    protected readonly env: Record<string, string | undefined>,
    /** The working directory, for a process that reads or writes relative paths. */
    protected readonly cwd?: string,
  ) {}

  /** The real binary, as a user runs it. */
  async start(timeoutMs = 10_000): Promise<this> {
    this.launch([BIN, ...SERVE_ARGS], 'ignore');
    this.url = (await this.waitFor(/listening on (\S+)/, timeoutMs))[1]!;
    return this;
  }

  /** The child's process id, for watching its memory (attack-watch.ts). */
  get pid(): number {
    const pid = this.child?.pid;
    if (pid === undefined) throw new Error('serve is not running');
    return pid;
  }

  /** Everything the process wrote to stdout and stderr so far, as written. */
  get outputText(): string {
    return this.output;
  }

  /** Log lines with this message. */
  messages(msg: string): Record<string, unknown>[] {
    return this.logs.filter((l) => l.msg === msg);
  }

  /** The first log line with this message, once it has arrived: stderr may trail stdout's "listening on". */
  async message(msg: string, timeoutMs = 5_000): Promise<Record<string, unknown>> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const [line] = this.messages(msg);
      if (line) return line;
      if (Date.now() > deadline) throw new Error(`serve logged no "${msg}" within ${timeoutMs} ms:\n${this.output}`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
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

  protected launch(args: string[], stdin: 'ignore' | 'pipe'): ChildProcess {
    const child = spawn(process.execPath, args, { env: { PATH: process.env.PATH, ...this.env }, cwd: this.cwd, stdio: [stdin, 'pipe', 'pipe'] });
    this.child = child;
    let pending = '';
    child.stderr!.on('data', (d: Buffer) => {
      this.output += d.toString();
      pending += d.toString();
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) if (line.startsWith('{')) this.logs.push(parseLogLine(line));
    });
    child.stdout!.on('data', (d: Buffer) => (this.output += d.toString()));
    return child;
  }

  /** Resolves with the first match of `pattern` in the output; rejects if the process exits first. */
  protected waitFor(pattern: RegExp, timeoutMs: number): Promise<RegExpExecArray> {
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
