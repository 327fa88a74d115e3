import { readFile } from 'node:fs/promises';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { CliIo } from '../../src/cli/io.ts';
import { main } from '../../src/cli/main.ts';
import type { StackDeployer } from '../../src/deploy/stack-deployer.ts';
import { AwsSecretStore } from '../../src/secret/aws-secret-store.ts';
import { captured } from '../support/leak-guard.ts';

export interface TimedRun {
  code: number;
  stdout: string;
  stderr: string;
  /** When each stderr line was written. */
  stderrLines: { at: number; text: string }[];
  endedAt: number;
}

/** As runCli, plus the deployer and a timestamp on every stderr write. */
export async function runDeploy(argv: string[], env: Record<string, string | undefined>, deployer: StackDeployer): Promise<TimedRun> {
  const stdout: string[] = [];
  const stderrLines: { at: number; text: string }[] = [];
  const stderr = { write: (text: string) => stderrLines.push({ at: Date.now(), text }) };
  const io: CliIo = {
    stdout: { write: (text: string) => stdout.push(text) },
    stderr,
    logs: stderr,
    env,
    readFile: (path) => readFile(path, 'utf8'),
    secretStore: (region) =>
      new AwsSecretStore(new SecretsManagerClient({ region: region ?? env.AWS_REGION, endpoint: env.AWS_ENDPOINT_URL_SECRETS_MANAGER, credentials: { accessKeyId: 'x', secretAccessKey: 'x' }, maxAttempts: 1 })),
    stackDeployer: deployer,
  };
  const code = await main(argv, io);
  const run = { code, stdout: stdout.join(''), stderr: stderrLines.map((l) => l.text).join(''), stderrLines, endedAt: Date.now() };
  captured('deploy stdout', run.stdout);
  captured('deploy stderr', run.stderr);
  return run;
}

