import { fileURLToPath } from 'node:url';
import { SERVE_ARGS, ServeProcess } from './serve-process.ts';

const CHILD = fileURLToPath(new URL('./warm-serve-child.ts', import.meta.url));

/**
 * `serve` as a child process (see warm-serve-child.ts) whose modules are loaded ahead of time
 * by `warm()`, then started by `go()`: rounds of kill-and-restart then cost no start-up each.
 */
export class WarmServe extends ServeProcess {
  async warm(timeoutMs = 20_000): Promise<this> {
    this.launch(['--import', 'tsx', CHILD, ...SERVE_ARGS], 'pipe');
    await this.waitFor(/^warm$/m, timeoutMs);
    return this;
  }

  async go(timeoutMs = 20_000): Promise<this> {
    this.child!.stdin!.write('go\n');
    this.url = (await this.waitFor(/listening on (\S+)/, timeoutMs))[1]!;
    return this;
  }
}
