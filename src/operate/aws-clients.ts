import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { ECSClient } from '@aws-sdk/client-ecs';
import { S3Client } from '@aws-sdk/client-s3';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SQSClient } from '@aws-sdk/client-sqs';
import type { Env } from '../config/env.ts';
import { awsClientConfig as baseConfig, type AwsTarget } from './aws-client-config.ts';

export type { AwsTarget } from './aws-client-config.ts';

export interface OperateClients {
  cloudFormation: CloudFormationClient;
  ecs: ECSClient;
  sqs: SQSClient;
  cloudWatch: CloudWatchClient;
  logs: CloudWatchLogsClient;
  secretsManager: SecretsManagerClient;
  s3: S3Client;
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
