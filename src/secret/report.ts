import { SECRETS_FLAG } from './fields.ts';
import type { FieldReport, SecretCheck } from './check.ts';
import type { SourceDescription } from './read-input.ts';

export interface SecretReport {
  complete: boolean;
  source: SourceDescription;
  fields: FieldReport[];
  /** One actionable sentence per field that is not present. */
  problems: string[];
}

function sourceHint(field: string, source: SourceDescription): string {
  switch (source.kind) {
    case 'inline-json':
    case 'file':
      return ` (or add "${field}" to the JSON given to ${SECRETS_FLAG})`;
    case 'aws':
      return ` (or add "${field}" to the secret ${source.awsId ?? ''} with \`benchling-webhook secrets sync\`)`;
    default:
      return '';
  }
}

function problemLine(field: FieldReport, source: SourceDescription): string {
  const what = field.status === 'missing' ? 'is missing' : `is invalid: it ${field.reason ?? 'is not accepted'}`;
  return `\`${field.field}\` ${what}: pass ${field.flag} or set ${field.env}${sourceHint(field.field, source)}`;
}

export function buildReport(check: SecretCheck, source: SourceDescription): SecretReport {
  const problems = check.fields.filter((f) => f.status !== 'present').map((f) => problemLine(f, source));
  if (!check.complete && 'notAnObject' in check) {
    problems.unshift(`the secret from ${source.label} is not a JSON object`);
  }
  return { complete: check.complete, source, fields: check.fields, problems };
}

const MARK = { present: '✓', missing: '✗', invalid: '✗' } as const;

/** The report as a terminal shows it: field names and states, never values. */
export function formatReport(report: SecretReport): string {
  const width = Math.max(...report.fields.map((f) => f.field.length));
  const lines = [`Benchling secret from ${report.source.label}:`];
  for (const f of report.fields) lines.push(`  ${MARK[f.status]} ${f.field.padEnd(width)}  ${f.status}`);
  if (report.problems.length > 0) lines.push('', ...report.problems);
  return lines.join('\n');
}
