import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { ECSClient } from '@aws-sdk/client-ecs';
import { S3Client } from '@aws-sdk/client-s3';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SQSClient } from '@aws-sdk/client-sqs';
import { ENV_KEY, ENV_SECRET, ENV_SESSION } from '@aws-sdk/credential-provider-env';
import type { Env } from '../config/env.ts';

export interface AwsTarget {
  region: string | undefined;
  /** A named profile of ~/.aws/config; undefined leaves credentials to the SDK's default chain. */
  awsProfile: string | undefined;
}

export interface OperateClients {
  cloudFormation: CloudFormationClient;
  ecs: ECSClient;
  sqs: SQSClient;
  cloudWatch: CloudWatchClient;
  logs: CloudWatchLogsClient;
  secretsManager: SecretsManagerClient;
  s3: S3Client;
}

type Service = 'CLOUDFORMATION' | 'ECS' | 'SQS' | 'CLOUDWATCH' | 'CLOUDWATCH_LOGS' | 'SECRETS_MANAGER' | 'S3';

/**
 * The SDK reads these settings from process.env; commands get their env through CliIo, so
 * they are passed on explicitly and an in-process run behaves as the real binary does.
 */
function baseConfig(service: Service, target: AwsTarget, env: Env) {
  const endpoint = env[`AWS_ENDPOINT_URL_${service}`] ?? env.AWS_ENDPOINT_URL;
  // A named profile must win over keys in the environment, as it does for the aws CLI.
  const [accessKeyId, secretAccessKey, sessionToken] = [ENV_KEY, ENV_SECRET, ENV_SESSION].map((name) => env[name]);
  const keys = target.awsProfile === undefined && accessKeyId && secretAccessKey ? { accessKeyId, secretAccessKey, sessionToken } : undefined;
  return { region: target.region, profile: target.awsProfile, endpoint, credentials: keys, maxAttempts: 3 };
}

export function createOperateClients(target: AwsTarget, env: Env): OperateClients {
  const sqsConfig = baseConfig('SQS', target, env);
  const s3Config = baseConfig('S3', target, env);
  return {
    cloudFormation: new CloudFormationClient(baseConfig('CLOUDFORMATION', target, env)),
    ecs: new ECSClient(baseConfig('ECS', target, env)),
    // A local SQS names its queues after hosts that may not resolve: calls keep to the endpoint.
    sqs: new SQSClient({ ...sqsConfig, useQueueUrlAsEndpoint: sqsConfig.endpoint === undefined }),
    cloudWatch: new CloudWatchClient(baseConfig('CLOUDWATCH', target, env)),
    logs: new CloudWatchLogsClient(baseConfig('CLOUDWATCH_LOGS', target, env)),
    secretsManager: new SecretsManagerClient(baseConfig('SECRETS_MANAGER', target, env)),
    s3: new S3Client({ ...s3Config, forcePathStyle: s3Config.endpoint !== undefined }),
  };
}

export function destroyClients(clients: OperateClients): void {
  for (const client of Object.values(clients)) client.destroy();
}
