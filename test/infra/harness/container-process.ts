import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

export const PROJECT_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** The image's ENTRYPOINT, read from the Dockerfile so the harness runs what the image runs. */
export function imageEntrypoint(): string[] {
  const dockerfile = readFileSync(`${PROJECT_ROOT}Dockerfile`, 'utf8');
  const match = /^ENTRYPOINT\s+(\[.*\])\s*$/m.exec(dockerfile);
  if (!match) throw new Error('the Dockerfile has no exec-form ENTRYPOINT');
  return JSON.parse(match[1]!) as string[];
}

/**
 * The image runs the compiled CLI (`node dist/cli/run.js`); here the same module runs from the
 * clone's src/ through tsx, never from a dist/ that an earlier build left older than src/.
 */
export function fromSources(entrypoint: readonly string[]): string[] {
  return entrypoint.flatMap((part) => {
    const compiled = /^dist\/(.+)\.js$/.exec(part);
    return compiled ? ['--import', 'tsx', `src/${compiled[1]!}.ts`] : [part];
  });
}

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

export type Readiness = { path: string } | { line: RegExp };

export class ContainerExited extends Error {
  constructor(
    readonly exitCode: number | null,
    readonly output: string,
    /** From the process's launch to its exit: what "the container exited within N s" measures. */
    readonly lifetimeMs: number,
  ) {
    super(`the container exited with ${exitCode} before it was ready:\n${output}`);
    this.name = 'ContainerExited';
  }
}

/** A container's process on this machine, its output kept for assertions. */
export class ContainerProcess {
  private text = '';
  readonly exited: Promise<number | null>;
  private readonly launchedAt = performance.now();
  private exitedAt: number | undefined;

  private constructor(
    private readonly child: ChildProcess,
    readonly url: string,
    private readonly env: Record<string, string>,
  ) {
    child.stdout?.on('data', (d: Buffer) => (this.text += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (this.text += d.toString()));
    this.exited = new Promise((resolve) =>
      child.once('exit', (code) => {
        this.exitedAt = performance.now();
        resolve(code);
      }),
    );
  }

  /** Runs `entrypoint + command` from the image's WORKDIR (the project root) with exactly `env`. */
  static launch(command: readonly string[], env: Record<string, string>, port: number): ContainerProcess {
    const [program, ...args] = fromSources(imageEntrypoint());
    const executable = program === 'node' ? process.execPath : program!;
    const child = spawn(executable, [...args, ...command], { cwd: PROJECT_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    return new ContainerProcess(child, `http://127.0.0.1:${port}`, env);
  }

  /** Runs a task definition's CMD-form health check as ECS does, in this container's environment; its exit code. */
  async healthCheck(check: unknown): Promise<number | null> {
    const command = (check as { Command?: string[] } | undefined)?.Command;
    if (command?.[0] !== 'CMD' || command.length < 2) throw new Error(`not a CMD-form health check: ${JSON.stringify(check)}`);
    const [program, ...args] = command.slice(1);
    const child = spawn(program === 'node' ? process.execPath : program!, args, { cwd: PROJECT_ROOT, env: this.env, stdio: 'ignore' });
    return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
  }

  get output(): string {
    return this.text;
  }

  /**
   * Waits until `path` answers 200 (a container that serves HTTP) or the output shows `line`
   * (one that does not); fails at once if the process exits first.
   */
  async waitReady(ready: Readiness, timeoutMs: number): Promise<void> {
    let exited = false;
    void this.exited.then(() => (exited = true));
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (exited) {
        const code = await this.exited;
        throw new ContainerExited(code, this.text, this.exitedAt! - this.launchedAt);
      }
      if (await this.isReady(ready)) return;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`the container was not ready (${'path' in ready ? ready.path : String(ready.line)}) after ${timeoutMs} ms:\n${this.text}`);
  }

  private async isReady(ready: Readiness): Promise<boolean> {
    if ('line' in ready) return ready.line.test(this.text);
    return fetch(`${this.url}${ready.path}`).then(
      (r) => r.status === 200,
      () => false,
    );
  }

  /** SIGTERM as ECS sends it, then SIGKILL after the stop timeout. */
  async stop(stopTimeoutMs = 5000): Promise<number | null> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return this.exited;
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), stopTimeoutMs);
    const code = await this.exited;
    clearTimeout(timer);
    return code;
  }
}
