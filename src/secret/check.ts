import { SECRET_FIELDS, type SecretField } from './fields.ts';
import { BenchlingSecretSchema, FIELD_SCHEMAS, type BenchlingSecret } from './schema.ts';
import { classifyEarlierAppKeys, type KeyReport } from './earlier-app-keys.ts';

export type FieldStatus = 'present' | 'missing' | 'invalid';

export interface FieldReport {
  field: SecretField;
  status: FieldStatus;
  /** Why the field is invalid; never contains the value. */
  reason?: string;
  flag: string;
  env: string;
}

/** `keys`: every key beyond the four fields, with its outcome (see earlier-app-keys.ts). */
export type SecretCheck =
  | { complete: true; secret: BenchlingSecret; fields: FieldReport[]; keys: KeyReport[] }
  | { complete: false; fields: FieldReport[]; keys: KeyReport[]; notAnObject?: true };

function isBlank(value: unknown): boolean {
  return value === undefined || value === null || (typeof value === 'string' && value.trim() === '');
}

function fieldStatus(field: SecretField, value: unknown): Pick<FieldReport, 'status' | 'reason'> {
  if (isBlank(value)) return { status: 'missing' };
  if (typeof value !== 'string') return { status: 'invalid', reason: `must be a string, not ${typeof value}` };
  const parsed = FIELD_SCHEMAS[field].safeParse(value);
  if (parsed.success) return { status: 'present' };
  return { status: 'invalid', reason: parsed.error.issues.map((i) => i.message).join('; ') };
}

/**
 * Checks anything that claims to be the secret and says, field by field, what is there.
 * This is the single gate every layer uses: the CLI on input, `validate` on what AWS
 * holds, and the service at start and on every re-read.
 */
export function checkSecret(raw: unknown): SecretCheck {
  const isObject = typeof raw === 'object' && raw !== null && !Array.isArray(raw);
  const record = (isObject ? raw : {}) as Record<string, unknown>;
  const fields = SECRET_FIELDS.map(({ name, flag, env }) => ({
    field: name,
    flag,
    env,
    ...fieldStatus(name, record[name]),
  }));
  const { keys } = classifyEarlierAppKeys(record);
  if (!isObject) return { complete: false, fields, keys, notAnObject: true };
  // A refused key (verification off, an unreadable value) makes the secret unusable as surely as a missing field.
  if (fields.some((f) => f.status !== 'present') || keys.some((k) => k.outcome === 'refused')) return { complete: false, fields, keys };
  return { complete: true, secret: BenchlingSecretSchema.parse(record), fields, keys };
}

/** The exact JSON that is stored: contract fields first, in contract order, then the rest. */
export function serializeSecret(secret: BenchlingSecret): string {
  const ordered: Record<string, unknown> = {};
  for (const { name } of SECRET_FIELDS) ordered[name] = secret[name];
  for (const [key, value] of Object.entries(secret)) if (!(key in ordered)) ordered[key] = value;
  return JSON.stringify(ordered);
}
