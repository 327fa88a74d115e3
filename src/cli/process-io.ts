import { readFile } from 'node:fs/promises';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import pino from 'pino';
import { AwsSecretStore } from '../secret/aws-secret-store.ts';
import type { CliIo } from './io.ts';

/**
 * The real process's I/O. It is kept apart from io.ts (whose types and println every command
 * imports) because loading the AWS SDK and pino takes longer than Node's own start: only a
 * command that runs pays for it, never `--help`.
 */
export function processIo(): CliIo {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    // Written without blocking the event loop; pino flushes what is pending when the process exits.
    logs: pino.destination({ dest: 2, sync: false }),
    env: process.env,
    readFile: (path) => readFile(path, 'utf8'),
    secretStore: (region, awsProfile) => new AwsSecretStore(new SecretsManagerClient({ region, profile: awsProfile, maxAttempts: 2 })),
  };
}
