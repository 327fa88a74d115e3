import { readFile } from 'node:fs/promises';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import pino from 'pino';
import { AwsSecretStore } from '../secret/aws-secret-store.ts';
import type { SecretStore } from '../secret/secret-store.ts';
import type { Env } from '../secret/source.ts';

export interface TextSink {
  write(text: string): unknown;
}

/** Everything a command touches outside itself, so tests run commands in-process on loopback. */
export interface CliIo {
  stdout: TextSink;
  stderr: TextSink;
  /** Where JSON log lines go: stderr, buffered in a real process so a busy service is not slowed by them. */
  logs: TextSink;
  env: Env;
  readFile(path: string): Promise<string>;
  secretStore(region: string | undefined): SecretStore;
}

export function processIo(): CliIo {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    // Written without blocking the event loop; pino flushes what is pending when the process exits.
    logs: pino.destination({ dest: 2, sync: false }),
    env: process.env,
    readFile: (path) => readFile(path, 'utf8'),
    secretStore: (region) => new AwsSecretStore(new SecretsManagerClient({ region, maxAttempts: 2 })),
  };
}

export function println(sink: TextSink, text = ''): void {
  sink.write(`${text}\n`);
}
