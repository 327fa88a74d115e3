import { updateProfile } from '../config/profile.ts';
import { AppError } from '../errors/app-error.ts';
import { serializeSecret } from '../secret/check.ts';
import { diffSecretFields, hasChanges, type FieldDiff } from '../secret/diff.ts';
import { parseSecretJson } from '../secret/read-input.ts';
import { formatReport } from '../secret/report.ts';
import type { BenchlingSecret } from '../secret/schema.ts';
import type { SecretStore, SecretWriteResult } from '../secret/secret-store.ts';
import { println, type CliIo } from './io.ts';
import { commandContext, resolveCommandSecret, type CommonOptions } from './secret-options.ts';

export interface SyncOptions extends CommonOptions {
  secretName?: string;
}

export interface SyncResult extends SecretWriteResult {
  action: 'created' | 'updated' | 'unchanged';
  fields: string[];
  changes: FieldDiff;
  profilePath: string;
}

const ARN = /^arn:aws[\w-]*:secretsmanager:/;

function tagsFor(profile: string): Record<string, string> {
  return { 'managed-by': 'benchling-webhook', 'benchling-webhook:profile': profile };
}

export type SecretWrite = Omit<SyncResult, 'profilePath'>;

export function defaultSecretName(profile: string): string {
  return `benchling-webhook/${profile}`;
}

/** Creates the secret or puts a new version when a field changed; `init` stores its answers the same way. */
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

export function describeChanges(changes: FieldDiff): string {
  const parts = (['added', 'changed', 'removed'] as const)
    .filter((kind) => changes[kind].length > 0)
    .map((kind) => `${kind} ${changes[kind].join(', ')}`);
  return parts.length > 0 ? parts.join('; ') : 'no field changes';
}

function formatResult(result: SyncResult): string {
  const verb = { created: 'created', updated: 'updated', unchanged: 'already up to date:' }[result.action];
  const lines = [`${verb} secret ${result.name}`, `  arn:     ${result.arn}`, `  fields:  ${result.fields.join(', ')}`];
  if (result.action === 'updated') lines.push(`  changes: ${describeChanges(result.changes)} (new version is AWSCURRENT)`);
  lines.push(`  profile: secret ARN recorded in ${result.profilePath}`);
  return lines.join('\n');
}

/**
 * `secrets sync`: validate first, so nothing incomplete ever reaches AWS; then create the
 * secret or put a new version, and record its ARN in the profile for every later command.
 */
export async function secretsSync(options: SyncOptions, io: CliIo): Promise<number> {
  const context = await commandContext(options, io);
  const resolved = await resolveCommandSecret(options, context, io);
  if (!resolved.secret) {
    println(io.stdout, options.json ? JSON.stringify({ written: false, report: resolved.report }) : formatReport(resolved.report));
    println(io.stderr, 'nothing was written: the secret is incomplete');
    return 1;
  }
  const target =
    options.secretName ?? resolved.input.aws?.arn ?? context.profile?.secretArn ?? defaultSecretName(options.profile);
  const written = await writeSecret(io.secretStore(context.region, context.profile?.awsProfile), target, resolved.secret, options.profile);
  const profilePath = await updateProfile(options.profile, io.env, (p) => ({ ...p, secretArn: written.arn }));
  const result: SyncResult = { ...written, profilePath };
  context.log.info({ action: result.action, arn: result.arn, fields: result.fields }, 'secret synced');
  println(io.stdout, options.json ? JSON.stringify(result) : formatResult(result));
  return 0;
}
