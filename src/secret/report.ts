import { SECRETS_ENV, SECRETS_FLAG } from './fields.ts';
import type { FieldReport, SecretCheck } from './check.ts';
import type { KeyReport } from './earlier-app-keys.ts';
import type { SourceDescription } from './read-input.ts';

export interface SecretReport {
  complete: boolean;
  source: SourceDescription;
  fields: FieldReport[];
  /** Every other key of the secret: mapped, ignored, refused or unknown, with why. */
  keys: KeyReport[];
  /** One actionable sentence per field that is not present. */
  problems: string[];
}

/**
 * How to supply a field, in the form the user is already using. The whole secret in one
 * place (`--benchling-secrets @file`) comes first; the separate values are deprecated and
 * are only named to a user who is using them.
 */
function advice(field: FieldReport, source: SourceDescription): string {
  switch (source.kind) {
    case 'inline-json':
    case 'file':
      return `add "${field.field}" to the JSON of ${source.label}`;
    case 'aws':
      return `add "${field.field}" to the secret ${source.awsId ?? ''}: write the whole secret to a file and run \`benchling-webhook secrets sync ${SECRETS_FLAG} @secret.json\``;
    case 'separate':
      return `pass ${field.flag} or set ${field.env} (deprecated: better, the whole secret as ${SECRETS_FLAG} @secret.json)`;
    case 'none':
      return `give the whole secret as ${SECRETS_FLAG} @secret.json`;
  }
}

/** When nothing was given at all: one line for the whole secret, instead of four for its parts. */
export const NO_SECRET_ADVICE =
  `no Benchling secret given: pass ${SECRETS_FLAG} @secret.json (a JSON file with tenant, client_id, client_secret and app_definition_id) ` +
  `or a Secrets Manager ARN or name (env ${SECRETS_ENV}); \`benchling-webhook secrets sync ${SECRETS_FLAG} @secret.json\` stores it and records it in the profile`;

function problemLine(field: FieldReport, source: SourceDescription): string {
  const what = field.status === 'missing' ? 'is missing' : `is invalid: it ${field.reason ?? 'is not accepted'}`;
  return `\`${field.field}\` ${what}: ${advice(field, source)}`;
}

function refusalLine(key: KeyReport): string {
  return `\`${key.key}\` is refused [${key.code ?? 'SECRET_KEY_REFUSED'}]: ${key.reason}`;
}

export function buildReport(check: SecretCheck, source: SourceDescription): SecretReport {
  const problems =
    source.kind === 'none' && !check.complete ? [NO_SECRET_ADVICE] : check.fields.filter((f) => f.status !== 'present').map((f) => problemLine(f, source));
  problems.push(...check.keys.filter((k) => k.outcome === 'refused').map(refusalLine));
  if (!check.complete && 'notAnObject' in check) {
    problems.unshift(`the secret from ${source.label} is not a JSON object`);
  }
  return { complete: check.complete, source, fields: check.fields, keys: check.keys, problems };
}

const MARK = { present: '✓', missing: '✗', invalid: '✗' } as const;
const KEY_MARK = { mapped: '→', ignored: '–', refused: '✗', unknown: '?' } as const;

function keyLine(key: KeyReport, width: number): string {
  const what = key.outcome === 'mapped' ? `mapped to ${key.env ?? key.setting ?? ''}: ${key.reason}` : `${key.outcome}${key.code ? ` [${key.code}]` : ''}: ${key.reason}`;
  return `  ${KEY_MARK[key.outcome]} ${key.key.padEnd(width)}  ${what}`;
}

/** The other keys' lines: what becomes of each key the earlier app (or anyone) put in the secret. */
export function formatKeys(keys: readonly KeyReport[]): string[] {
  if (keys.length === 0) return [];
  const width = Math.max(...keys.map((k) => k.key.length));
  return ['', 'Other keys in the secret:', ...keys.map((k) => keyLine(k, width))];
}

/** The report as a terminal shows it: field names and states, never values. */
export function formatReport(report: SecretReport): string {
  const width = Math.max(...report.fields.map((f) => f.field.length));
  const lines = [`Benchling secret from ${report.source.label}:`];
  for (const f of report.fields) lines.push(`  ${MARK[f.status]} ${f.field.padEnd(width)}  ${f.status}`);
  lines.push(...formatKeys(report.keys));
  if (report.problems.length > 0) lines.push('', ...report.problems);
  return lines.join('\n');
}
