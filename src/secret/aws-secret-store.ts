import {
  CreateSecretCommand,
  DescribeSecretCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  ResourceNotFoundException,
  SecretsManagerClient,
  TagResourceCommand,
} from '@aws-sdk/client-secrets-manager';
import { AppError } from '../errors/app-error.ts';
import { describeNetworkFailure, networkFailure } from '../errors/network-failure.ts';
import type { SecretDescription, SecretStore, SecretWriteResult, StoredSecret } from './secret-store.ts';

function toTags(tags: Record<string, string>) {
  return Object.entries(tags).map(([Key, Value]) => ({ Key, Value }));
}

/** Turns SDK failures into errors that say what to do; SDK messages never hold secret values. */
export function explainAwsError(error: unknown, id: string): AppError {
  const name = error instanceof Error ? error.name : 'Error';
  const detail = error instanceof Error ? error.message : String(error);
  if (error instanceof ResourceNotFoundException || name === 'ResourceNotFoundException') {
    return new AppError(
      'SECRET_NOT_FOUND',
      `Secrets Manager has no secret ${id}: create it with \`benchling-webhook secrets sync\` or check the region (AWS_REGION)`,
    );
  }
  if (name === 'AccessDeniedException') {
    return new AppError('SECRET_ACCESS_DENIED', `not allowed to use the secret ${id}: ${detail}`);
  }
  const network = networkFailure(error);
  if (network) {
    return new AppError(
      'SECRETS_MANAGER_UNREACHABLE',
      `cannot reach Secrets Manager for ${id}: ${describeNetworkFailure(network)}; check the network, the region, and AWS_ENDPOINT_URL_SECRETS_MANAGER if it is set (a network problem, not a credentials one)`,
    );
  }
  if (name === 'CredentialsProviderError') {
    return new AppError('AWS_CREDENTIALS_MISSING', 'no AWS credentials found: set AWS_PROFILE or run `aws configure`');
  }
  if (/region is missing/i.test(detail)) {
    return new AppError('AWS_REGION_MISSING', 'no AWS region: set AWS_REGION or pass --region');
  }
  return new AppError('SECRETS_MANAGER_ERROR', `Secrets Manager failed for ${id}: ${name}: ${detail}`);
}

/**
 * The client takes its endpoint, region and credentials from the SDK's own settings
 * (AWS_REGION, AWS_PROFILE, AWS_ENDPOINT_URL_SECRETS_MANAGER, …), so tests point it at the
 * loopback fake the same way a user points it at a VPC endpoint.
 */
export class AwsSecretStore implements SecretStore {
  constructor(private readonly client: SecretsManagerClient = new SecretsManagerClient({ maxAttempts: 2 })) {}

  private async call<T>(id: string, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      throw explainAwsError(error, id);
    }
  }

  read(id: string): Promise<StoredSecret> {
    return this.call(id, async () => {
      const out = await this.client.send(new GetSecretValueCommand({ SecretId: id }));
      return { arn: out.ARN ?? id, name: out.Name ?? id, versionId: out.VersionId ?? '', secretString: out.SecretString };
    });
  }

  async describe(id: string): Promise<SecretDescription | undefined> {
    try {
      const out = await this.client.send(new DescribeSecretCommand({ SecretId: id }));
      return { arn: out.ARN ?? id, name: out.Name ?? id, ...(out.KmsKeyId ? { kmsKeyId: out.KmsKeyId } : {}) };
    } catch (error) {
      const explained = explainAwsError(error, id);
      if (explained.code === 'SECRET_NOT_FOUND') return undefined;
      throw explained;
    }
  }

  create(name: string, secretString: string, tags: Record<string, string>): Promise<SecretWriteResult> {
    return this.call(name, async () => {
      const out = await this.client.send(
        new CreateSecretCommand({ Name: name, SecretString: secretString, Tags: toTags(tags) }),
      );
      return { arn: out.ARN ?? name, name: out.Name ?? name, versionId: out.VersionId ?? '' };
    });
  }

  putValue(id: string, secretString: string): Promise<SecretWriteResult> {
    return this.call(id, async () => {
      const out = await this.client.send(new PutSecretValueCommand({ SecretId: id, SecretString: secretString }));
      return { arn: out.ARN ?? id, name: out.Name ?? id, versionId: out.VersionId ?? '' };
    });
  }

  async tag(id: string, tags: Record<string, string>): Promise<void> {
    await this.call(id, () => this.client.send(new TagResourceCommand({ SecretId: id, Tags: toTags(tags) })));
  }
}
