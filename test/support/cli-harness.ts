import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { main } from '../../src/cli/main.ts';
import type { CliIo } from '../../src/cli/io.ts';
import { AwsSecretStore } from '../../src/secret/aws-secret-store.ts';
import { captured } from './leak-guard.ts';

/** Runs the real binary as a child process, output captured for the leak guard. */
export async function runBin(argv: string[], env: Record<string, string | undefined>, options: { cwd?: string } = {}): Promise<CliRun & { ms: number }> {
  const started = Date.now();
  const child = spawn(process.execPath, [BIN, ...argv], { env: { PATH: process.env.PATH, ...env }, cwd: options.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const code = await new Promise<number>((resolve) => child.on('close', (c) => resolve(c ?? -1)));
  captured(`bin ${argv.slice(0, 2).join(' ')} stdout`, stdout);
  captured(`bin ${argv.slice(0, 2).join(' ')} stderr`, stderr);
  return { code, stdout, stderr, ms: Date.now() - started };
}

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

const BIN = fileURLToPath(new URL('../../bin/benchling-webhook.js', import.meta.url));

function sink() {
  const parts: string[] = [];
  return { write: (text: string) => parts.push(text), text: () => parts.join('') };
}

/**
 * Runs the real CLI in-process. The secret store is the real SDK client; its endpoint comes
 * from the run's env exactly as the SDK would read it from the process env.
 */
export async function runCli(argv: string[], env: Record<string, string | undefined>): Promise<CliRun> {
  const stdout = sink();
  const stderr = sink();
  const io: CliIo = {
    stdout,
    stderr,
    logs: stderr,
    env,
    readFile: (path) => readFile(path, 'utf8'),
    secretStore: (region) =>
      new AwsSecretStore(
        new SecretsManagerClient({
          region: region ?? env.AWS_REGION,
          endpoint: env.AWS_ENDPOINT_URL_SECRETS_MANAGER,
          credentials: { accessKeyId: env.AWS_ACCESS_KEY_ID ?? 'x', secretAccessKey: env.AWS_SECRET_ACCESS_KEY ?? 'x' },
          maxAttempts: 1,
        }),
      ),
  };
  const code = await main(argv, io);
  const run = { code, stdout: stdout.text(), stderr: stderr.text() };
  const label = `benchling-webhook ${argv.slice(0, 2).join(' ')}`;
  captured(`${label} stdout`, run.stdout);
  captured(`${label} stderr`, run.stderr);
  return run;
}
