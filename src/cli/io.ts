import type { StackDeployer } from '../deploy/stack-deployer.ts';
import type { SecretStore } from '../secret/secret-store.ts';
import type { Env } from '../config/env.ts';

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

export function println(sink: TextSink, text = ''): void {
  sink.write(`${text}\n`);
}
