import type { Env } from '../config/env.ts';
import { UsageError } from '../errors/app-error.ts';
import { SECRET_FIELDS, SECRETS_ENV, SECRETS_FLAG, type SecretField } from './fields.ts';

/** The secret options as commander hands them over (camelCase of the flag names). */
export interface SecretFlags {
  benchlingSecrets?: string;
  benchlingTenant?: string;
  benchlingClientId?: string;
  benchlingClientSecret?: string;
  benchlingAppDefinitionId?: string;
}

export type SeparateValues = Partial<Record<SecretField, string>>;

/** Where the secret comes from, decided before anything is read. */
export type SecretSource =
  | { kind: 'whole'; origin: 'flag' | 'env'; value: string }
  | { kind: 'separate'; values: SeparateValues }
  | { kind: 'profile'; profile: string; ref: string }
  | { kind: 'none' };

function given(value: string | undefined): value is string {
  return value !== undefined && value !== '';
}

function separateFrom(pick: (spec: (typeof SECRET_FIELDS)[number]) => string | undefined): SeparateValues {
  const values: SeparateValues = {};
  for (const spec of SECRET_FIELDS) {
    const value = pick(spec);
    if (given(value)) values[spec.name] = value;
  }
  return values;
}

const SEPARATE_FLAGS = SECRET_FIELDS.map((f) => f.flag).join(', ');
const SEPARATE_ENVS = SECRET_FIELDS.map((f) => f.env).join(', ');

/**
 * Precedence is flags > env > profile. Within one level the whole secret and the separate
 * values are exclusive: accepting both would mean silently dropping one of them, which is
 * how the incident's secret lost a field.
 */
export function selectSecretSource(
  flags: SecretFlags,
  env: Env,
  profile?: { name: string; secretRef?: string | undefined },
): SecretSource {
  const separateFlags = separateFrom((spec) => flags[spec.option]);
  const separateEnv = separateFrom((spec) => env[spec.env]);

  if (given(flags.benchlingSecrets)) {
    if (Object.keys(separateFlags).length > 0) {
      const named = SECRET_FIELDS.filter((f) => f.name in separateFlags).map((f) => f.flag);
      throw new UsageError(
        'SECRET_INPUT_CONFLICT',
        `${SECRETS_FLAG} cannot be combined with ${named.join(', ')}: pass the whole secret in one place`,
      );
    }
    return { kind: 'whole', origin: 'flag', value: flags.benchlingSecrets };
  }
  if (Object.keys(separateFlags).length > 0) {
    return { kind: 'separate', values: { ...separateEnv, ...separateFlags } };
  }
  if (given(env[SECRETS_ENV])) {
    if (Object.keys(separateEnv).length > 0) {
      const named = SECRET_FIELDS.filter((f) => f.name in separateEnv).map((f) => f.env);
      throw new UsageError(
        'SECRET_INPUT_CONFLICT',
        `${SECRETS_ENV} cannot be combined with ${named.join(', ')}: unset one or the other`,
      );
    }
    return { kind: 'whole', origin: 'env', value: env[SECRETS_ENV] };
  }
  if (Object.keys(separateEnv).length > 0) return { kind: 'separate', values: separateEnv };
  if (profile && given(profile.secretRef)) {
    return { kind: 'profile', profile: profile.name, ref: profile.secretRef };
  }
  return { kind: 'none' };
}

export const DEPRECATION_NOTICE =
  `notice: ${SEPARATE_FLAGS} and ${SEPARATE_ENVS} are deprecated; ` +
  `put the four in a JSON file and pass ${SECRETS_FLAG} @file, or run \`benchling-webhook secrets sync ${SECRETS_FLAG} @file\` once and use the profile`;

export type WholeValue =
  | { form: 'inline-json'; json: string }
  | { form: 'file'; path: string }
  | { form: 'aws'; id: string };

// Secrets Manager names: 1–512 of these characters; ARNs use the same set plus ':'.
const SECRET_ID = /^[A-Za-z0-9/_+=.@:-]{1,2048}$/;

/** The value of --benchling-secrets / BENCHLING_SECRETS: inline JSON, @file, or an ARN or name. */
export function classifyWholeValue(value: string, origin: 'flag' | 'env'): WholeValue {
  const trimmed = value.trim();
  const where = origin === 'flag' ? SECRETS_FLAG : SECRETS_ENV;
  if (/^[{[]/.test(trimmed)) return { form: 'inline-json', json: trimmed };
  if (trimmed.startsWith('@')) {
    const path = trimmed.slice(1);
    if (path === '') throw new UsageError('SECRET_FILE_MISSING_PATH', `${where} @file needs a path after @`);
    return { form: 'file', path };
  }
  if (SECRET_ID.test(trimmed)) return { form: 'aws', id: trimmed };
  // The value is not echoed: a user who pasted a credential here must not see it in CI logs.
  throw new UsageError(
    'SECRET_INPUT_UNRECOGNISED',
    `${where} must be inline JSON ({"tenant": …}), @path/to/secret.json, or a Secrets Manager ARN or name`,
  );
}
