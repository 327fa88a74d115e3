import { readFile } from 'node:fs/promises';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { main } from '../../src/cli/main.ts';
import type { CliIo } from '../../src/cli/io.ts';
import { AwsSecretStore } from '../../src/secret/aws-secret-store.ts';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Every output a test run produced, so the leak test can scan all of it. */
export const capturedOutputs: string[] = [];

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
  capturedOutputs.push(run.stdout, run.stderr);
  return run;
}
