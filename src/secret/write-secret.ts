import { AppError } from '../errors/app-error.ts';
import { serializeSecret } from './check.ts';
import { diffSecretFields, hasChanges, type FieldDiff } from './diff.ts';
import { parseSecretJson } from './read-input.ts';
import type { BenchlingSecret } from './schema.ts';
import type { SecretStore, SecretWriteResult } from './secret-store.ts';

/** What a write did, by field name only: the values stay out of every output. */
export interface SecretWrite extends SecretWriteResult {
  action: 'created' | 'updated' | 'unchanged';
  fields: string[];
  changes: FieldDiff;
}

const ARN = /^arn:aws[\w-]*:secretsmanager:/;

function tagsFor(profile: string): Record<string, string> {
  return { 'managed-by': 'benchling-webhook', 'benchling-webhook:profile': profile };
}

/** Where a profile's secret is written when neither a flag, the input nor the profile names one. */
export function defaultSecretName(profile: string): string {
  return `benchling-webhook/${profile}`;
}

/**
 * Creates the secret or puts a new version when a field changed; `secrets sync`, `deploy`
 * and `init` all store it this way. A target given as an ARN must already exist: an ARN
 * cannot be created, only a name.
 */
export async function writeSecret(
  store: SecretStore,
  target: string,
  secret: BenchlingSecret,
  profile: string,
): Promise<SecretWrite> {
  const body = serializeSecret(secret);
  const fields = Object.keys(JSON.parse(body) as object);
  const existing = await store.describe(target);
  if (!existing) {
    if (ARN.test(target)) {
      throw new AppError('SECRET_NOT_FOUND', `Secrets Manager has no secret ${target}: pass --secret-name NAME to create one`);
    }
    const created = await store.create(target, body, tagsFor(profile));
    return { action: 'created', ...created, fields, changes: diffSecretFields({}, JSON.parse(body)) };
  }
  const current = await store.read(existing.arn);
  const before = current.secretString === undefined ? {} : parseSecretJson(current.secretString, `the secret ${current.name}`);
  const changes = diffSecretFields(before, JSON.parse(body));
  if (!hasChanges(changes)) {
    return { action: 'unchanged', arn: current.arn, name: current.name, versionId: current.versionId, fields, changes };
  }
  const written = await store.putValue(existing.arn, body);
  await store.tag(existing.arn, tagsFor(profile));
  return { action: 'updated', ...written, fields, changes };
}
