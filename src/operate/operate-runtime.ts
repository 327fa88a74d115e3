import { setTimeout as delay } from 'node:timers/promises';

/**
 * What `status`, `logs` and `destroy` need from the world besides AWS: time, waiting, the
 * user's interrupt and the user's answers. Tests swap it for a clock they drive, because
 * `runCli` builds the CliIo and a poll loop must not wait real seconds in a test.
 */
export interface OperateRuntime {
  now(): number;
  /** Resolves early, without throwing, when the signal aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
  /** Aborts on Ctrl-C; dispose() stops listening. */
  interruption(): { signal: AbortSignal; dispose(): void };
  /** Whether a person can answer a prompt. */
  interactive(): boolean;
  /** Asks for a line of text. */
  ask(message: string): Promise<string>;
  /** Asks a yes/no question; no is the default answer. */
  confirm(message: string): Promise<boolean>;
}

const processRuntime: OperateRuntime = {
  now: () => Date.now(),
  sleep: async (ms, signal) => {
    await delay(ms, undefined, { signal }).catch(() => undefined);
  },
  interruption: () => {
    const controller = new AbortController();
    const abort = () => controller.abort();
    process.once('SIGINT', abort);
    return { signal: controller.signal, dispose: () => process.off('SIGINT', abort) };
  },
  interactive: () => process.stdin.isTTY === true && process.stdout.isTTY === true,
  ask: async (message) => {
    const { input } = await import('@inquirer/prompts');
    return input({ message });
  },
  confirm: async (message) => {
    const { confirm } = await import('@inquirer/prompts');
    return confirm({ message, default: false });
  },
};

let current: OperateRuntime = processRuntime;

export function operateRuntime(): OperateRuntime {
  return current;
}

/** Replaces parts of the runtime until the returned function is called. */
export function useOperateRuntime(overrides: Partial<OperateRuntime>): () => void {
  const previous = current;
  current = { ...previous, ...overrides };
  return () => {
    current = previous;
  };
}
