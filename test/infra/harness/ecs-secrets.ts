import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { nameValues, type CfnValue } from '../../../src/infra/rules/template.ts';
import type { Intrinsics } from './intrinsics.ts';
import type { LoopbackAws } from './loopback-aws.ts';

/** A task ECS stopped before its containers ran, with the stopped reason ECS reports. */
export class TaskStartError extends Error {
  constructor(readonly stoppedReason: string) {
    super(stoppedReason);
    this.name = 'TaskStartError';
  }
}

const PREFIX =
  'ResourceInitializationError: unable to pull secrets or registry auth: execution resource retrieval failed: ' +
  'unable to retrieve secret from asm: service call has been retried 1 time(s): ';

interface ValueFrom {
  secretId: string;
  jsonKey?: string;
  versionStage?: string;
  versionId?: string;
}

/** `arn:aws:secretsmanager:<region>:<account>:secret:<name>[:<json-key>:<version-stage>:<version-id>]`. */
function parseValueFrom(valueFrom: string): ValueFrom {
  const parts = valueFrom.split(':');
  const [jsonKey, versionStage, versionId] = parts.slice(7);
  return { secretId: parts.slice(0, 7).join(':'), jsonKey: jsonKey || undefined, versionStage: versionStage || undefined, versionId: versionId || undefined };
}

/**
 * What the ECS agent does with a container's `secrets` before the container exists: fetch
 * each secret with the execution role, pick the JSON key, and stop the task when a secret or
 * a key is missing, with the same stopped reason ECS gives.
 */
export async function resolveEcsSecrets(secrets: CfnValue | undefined, intrinsics: Intrinsics, aws: LoopbackAws, where: string): Promise<Record<string, string>> {
  const client = new SecretsManagerClient({ region: aws.region, endpoint: aws.secrets.url, credentials: aws.credentials, maxAttempts: 1 });
  const values: Record<string, string> = {};
  try {
    for (const { name, value } of nameValues(secrets, 'ValueFrom')) {
      const ref = parseValueFrom(intrinsics.resolve(value, `${where}.Secrets.${name}`));
      let text: string;
      try {
        const out = await client.send(new GetSecretValueCommand({ SecretId: ref.secretId, VersionStage: ref.versionStage, VersionId: ref.versionId }));
        text = out.SecretString ?? '';
      } catch (error) {
        throw new TaskStartError(`${PREFIX}${(error as Error).name}: ${(error as Error).message}`);
      }
      if (ref.jsonKey === undefined) {
        values[name] = text;
        continue;
      }
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch {
        throw new TaskStartError(`${PREFIX}retrieved secret from Secrets Manager was not valid json for json key ${ref.jsonKey}`);
      }
      const field = typeof json === 'object' && json !== null ? (json as Record<string, unknown>)[ref.jsonKey] : undefined;
      if (field === undefined) throw new TaskStartError(`${PREFIX}retrieved secret from Secrets Manager did not contain json key ${ref.jsonKey}`);
      values[name] = typeof field === 'string' ? field : JSON.stringify(field);
    }
  } finally {
    client.destroy();
  }
  return values;
}
