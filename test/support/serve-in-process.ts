import { readFile } from 'node:fs/promises';
import type { CliIo } from '../../src/cli/io.ts';
import { serve } from '../../src/cli/serve.ts';
import type { ServeOptions } from '../../src/cli/commands/serve.ts';
import { AwsSecretStore } from '../../src/secret/aws-secret-store.ts';
import { captured } from './leak-guard.ts';
import { parseLogLine } from './log-line.ts';

/**
 * The real `serve` composition in this process (service + worker), stopped on demand.
 * AWS clients read their endpoints from process.env, as in a real process.
 */
export interface ServeInProcess {
  url: string;
  logs: Record<string, unknown>[];
  stop(): Promise<number>;
}

export async function serveInProcess(options: Partial<ServeOptions>, env: Record<string, string | undefined>): Promise<ServeInProcess> {
  const out: string[] = [];
  const err: string[] = [];
  const logLines: string[] = [];
  let stop!: () => void;
  const until = new Promise<void>((resolve) => (stop = resolve));
  const io: CliIo = {
    stdout: { write: (t: string) => out.push(t) },
    stderr: { write: (t: string) => err.push(t) },
    logs: { write: (t: string) => logLines.push(t) },
    env,
    readFile: (path) => readFile(path, 'utf8'),
    secretStore: () => new AwsSecretStore(),
  };
  const done = serve({ profile: 'default', host: '127.0.0.1', port: '0', secretTtl: '60', ...options }, io, until);
  const started = Date.now();
  while (!out.join('').includes('listening on')) {
    const early = await Promise.race([done, new Promise((resolve) => setTimeout(() => resolve(undefined), 20))]);
    if (early !== undefined) throw new Error(`serve ended with ${String(early)}:\n${err.join('')}${logLines.join('')}`);
    if (Date.now() - started > 10_000) throw new Error(`serve did not start:\n${err.join('')}`);
  }
  const url = /listening on (\S+)/.exec(out.join(''))![1]!;
  const parsed: Record<string, unknown>[] = [];
  return {
    url,
    get logs() {
      parsed.length = 0;
      for (const line of logLines.join('').split('\n')) if (line.startsWith('{')) parsed.push(parseLogLine(line));
      return parsed;
    },
    stop: async () => {
      stop();
      const code = await done;
      captured('serve (in process) output', out.join('') + err.join('') + logLines.join(''));
      return code;
    },
  };
}
