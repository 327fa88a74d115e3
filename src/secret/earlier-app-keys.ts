import { SETTINGS, type SettingKey } from '../config/settings.ts';
import { SECRET_FIELD_NAMES } from './fields.ts';

/**
 * Teams moving from the earlier Benchling→Quilt app bring its secret, which holds more than
 * the four fields of this project's contract. Every other key is classified here, so that
 * none is silently ignored:
 * - mapped: the value becomes a runtime setting, used only when no flag, env var or profile
 *   sets that setting (flags > env > profile > secret > default);
 * - ignored: the key has no meaning here, and the report says why;
 * - refused: the value asks for something this project never does (or cannot be read), and
 *   the secret is not accepted until it is fixed;
 * - unknown: neither this project nor the earlier app knows the key; it is kept, unused.
 * Reports carry key names, settings and reasons; never a value.
 */
export type KeyOutcome = 'mapped' | 'ignored' | 'refused' | 'unknown';

export interface KeyReport {
  key: string;
  outcome: KeyOutcome;
  /** For mapped keys: the setting the value feeds, and its env var. */
  setting?: SettingKey;
  env?: string;
  /** Why the key is ignored, refused or unknown, or how a mapped value is used. */
  reason: string;
  /** For refused keys: the error code a refusal carries. */
  code?: string;
}

export interface EarlierAppKeys {
  keys: KeyReport[];
  /** The mapped values, already in the form the setting parses. */
  settings: Partial<Record<SettingKey, string>>;
}

/** Refusal codes: stable, for --json output and for tests. */
export const VERIFICATION_OFF = 'SECRET_VERIFICATION_OFF';
export const KEY_INVALID = 'SECRET_KEY_INVALID';

type Conversion = { ok: true; value: string } | { ok: false; reason: string };

interface MappedKey {
  setting: SettingKey;
  convert(value: unknown): Conversion;
}

function nonEmptyString(value: unknown): Conversion {
  if (typeof value !== 'string') return { ok: false, reason: `must be a string, not ${value === null ? 'null' : typeof value}` };
  const trimmed = value.trim();
  return trimmed === '' ? { ok: false, reason: 'is empty' } : { ok: true, value: trimmed };
}

const BUCKET_NAME = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

function bucketRegistry(value: unknown): Conversion {
  const text = nonEmptyString(value);
  if (!text.ok) return text;
  const name = text.value.replace(/^s3:\/\//, '').replace(/\/$/, '');
  if (!BUCKET_NAME.test(name)) return { ok: false, reason: 'is not an S3 bucket name (3–63 lower-case letters, digits, dots, hyphens)' };
  return { ok: true, value: `s3://${name}` };
}

/** The earlier app took Python's level names; pino has no CRITICAL, its nearest is fatal. */
const PYTHON_LEVELS: Record<string, string> = { DEBUG: 'debug', INFO: 'info', WARNING: 'warn', WARN: 'warn', ERROR: 'error', CRITICAL: 'fatal' };

function pythonLevel(value: unknown): Conversion {
  const text = nonEmptyString(value);
  if (!text.ok) return text;
  const level = PYTHON_LEVELS[text.value.toUpperCase()];
  return level === undefined ? { ok: false, reason: 'must be one of DEBUG, INFO, WARNING, ERROR, CRITICAL' } : { ok: true, value: level };
}

// Maps, not object literals: a key such as `constructor` must not find an inherited entry.
const MAPPED = new Map<string, MappedKey>(Object.entries({
  pkg_prefix: { setting: 'packagePrefix', convert: nonEmptyString },
  pkg_key: { setting: 'packageLinkKey', convert: nonEmptyString },
  user_bucket: { setting: 'registry', convert: bucketRegistry },
  log_level: { setting: 'logLevel', convert: pythonLevel },
} satisfies Record<string, MappedKey>));

const IGNORED = new Map<string, string>(Object.entries({
  webhook_allow_list:
    'the source-IP allow-list belongs to the stack, not the running service: pass --allow-cidrs to init (or allowCidrs in the profile) before synth/deploy',
  workflow: 'this project chooses no Quilt workflow by name: a registry with a workflow config applies its own',
  queue_url: 'the earlier app did not use it either; the job queue is the QUEUE setting',
}));

const TRUE_VALUES: readonly unknown[] = [true, 'true', '1', 1];
const FALSE_VALUES: readonly unknown[] = [false, 'false', '0', 0];

function verificationKey(value: unknown): KeyReport {
  const key = 'enable_webhook_verification';
  if (TRUE_VALUES.includes(value)) {
    return { key, outcome: 'ignored', reason: 'webhook verification is always on here; the key has nothing to turn on' };
  }
  if (FALSE_VALUES.includes(value)) {
    return {
      key,
      outcome: 'refused',
      code: VERIFICATION_OFF,
      reason: 'webhook verification is never off in production: remove the key or set it to true (`serve --insecure-skip-verify` exists for local experiments only)',
    };
  }
  return { key, outcome: 'refused', code: KEY_INVALID, reason: 'the value must be true or false: remove the key or set it to true' };
}

function mappedKey(key: string, spec: MappedKey, value: unknown): { report: KeyReport; value?: string } {
  const env = SETTINGS[spec.setting].env;
  const converted = spec.convert(value);
  if (!converted.ok) {
    return { report: { key, outcome: 'refused', code: KEY_INVALID, setting: spec.setting, env, reason: `the value ${converted.reason}: fix or remove the key (or set ${env} instead)` } };
  }
  const reason = `used as ${env} unless a flag, ${env} or the profile sets it`;
  return { report: { key, outcome: 'mapped', setting: spec.setting, env, reason }, value: converted.value };
}

function classifyKey(key: string, value: unknown): { report: KeyReport; value?: string } {
  const mapped = MAPPED.get(key);
  if (mapped) return mappedKey(key, mapped, value);
  if (key === 'enable_webhook_verification') return { report: verificationKey(value) };
  const ignored = IGNORED.get(key);
  if (ignored !== undefined) return { report: { key, outcome: 'ignored', reason: ignored } };
  return { report: { key, outcome: 'unknown', reason: 'neither this project nor the earlier app knows this key: it is kept and not used (check its spelling)' } };
}

/** Every key of the secret beyond the four contract fields, each with its outcome, in the secret's order. */
export function classifyEarlierAppKeys(secret: Record<string, unknown>): EarlierAppKeys {
  const keys: KeyReport[] = [];
  const settings: Partial<Record<SettingKey, string>> = {};
  for (const [key, value] of Object.entries(secret)) {
    if ((SECRET_FIELD_NAMES as readonly string[]).includes(key)) continue;
    const classified = classifyKey(key, value);
    keys.push(classified.report);
    if (classified.value !== undefined && classified.report.setting) settings[classified.report.setting] = classified.value;
  }
  return { keys, settings };
}

/** The earlier-app keys this module knows, for documentation and tests. */
export const EARLIER_APP_KEYS = [...MAPPED.keys(), 'enable_webhook_verification', ...IGNORED.keys()];
