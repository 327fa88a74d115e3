import { readFile } from 'node:fs/promises';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import pino from 'pino';
import type { StackDeployer } from '../deploy/stack-deployer.ts';
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
  /** awsProfile: a named profile of ~/.aws/config (the Benchling profile's `awsProfile`); undefined keeps the SDK's default chain. */
  secretStore(region: string | undefined, awsProfile?: string): SecretStore;
  /** Deploys a synthesized stack; absent means the CDK toolkit. Tests pass one that drives a mocked CloudFormation. */
  stackDeployer?: StackDeployer;
}

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

export function println(sink: TextSink, text = ''): void {
  sink.write(`${text}\n`);
}
