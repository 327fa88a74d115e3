import { ENV_KEY, ENV_SECRET, ENV_SESSION } from '@aws-sdk/credential-provider-env';
import type { Env } from '../config/env.ts';

export interface AwsTarget {
  region: string | undefined;
  /** A named profile of ~/.aws/config; undefined leaves credentials to the SDK's default chain. */
  awsProfile: string | undefined;
}

export type AwsService = 'CLOUDFORMATION' | 'ECS' | 'SQS' | 'CLOUDWATCH' | 'CLOUDWATCH_LOGS' | 'SECRETS_MANAGER' | 'S3';

/**
 * The settings every AWS client of a command is built with. The SDK reads these from
 * process.env; commands get their env through CliIo, so they are passed on explicitly and an
 * in-process run behaves as the real binary does. Kept apart from the clients themselves so
 * that a command needing one client does not load every SDK.
 */
export function awsClientConfig(service: AwsService, target: AwsTarget, env: Env) {
  const endpoint = env[`AWS_ENDPOINT_URL_${service}`] ?? env.AWS_ENDPOINT_URL;
  // A named profile must win over keys in the environment, as it does for the aws CLI.
  const [accessKeyId, secretAccessKey, sessionToken] = [ENV_KEY, ENV_SECRET, ENV_SESSION].map((name) => env[name]);
  const keys = target.awsProfile === undefined && accessKeyId && secretAccessKey ? { accessKeyId, secretAccessKey, sessionToken } : undefined;
  return { region: target.region, profile: target.awsProfile, endpoint, credentials: keys, maxAttempts: 3 };
}
