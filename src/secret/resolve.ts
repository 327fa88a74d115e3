import type { Env } from '../config/env.ts';
import { checkSecret } from './check.ts';
import { readSecretInput, type ReadInputDeps, type SecretInput } from './read-input.ts';
import { buildReport, type SecretReport } from './report.ts';
import type { BenchlingSecret } from './schema.ts';
import { SECRETS_ENV, SECRETS_FLAG } from './fields.ts';
import { classifyWholeValue, selectSecretSource, type SecretFlags } from './source.ts';

export interface SecretRequest {
  flags: SecretFlags;
  env: Env;
  profile?: { name: string; secretRef?: string | undefined };
}

export interface ResolvedSecret {
  input: SecretInput;
  report: SecretReport;
  /** Present only when every field is present and valid. */
  secret?: BenchlingSecret;
  /** The older separate values were used: the caller prints the deprecation notice. */
  deprecated: boolean;
  /** The secret is in Secrets Manager and was not read (offline): nothing is known of its fields. */
  notRead?: boolean;
}

export interface ResolveOptions {
  /** false: a secret in Secrets Manager (an ARN or name, or the profile's) is named, not read. */
  readAws?: boolean;
}

/** Any input form → the one normalised secret, or a report naming what is missing. */
export async function resolveSecret(request: SecretRequest, deps: ReadInputDeps, options: ResolveOptions = {}): Promise<ResolvedSecret> {
  const source = selectSecretSource(request.flags, request.env, request.profile);
  if (options.readAws === false) {
    if (source.kind === 'profile') return unread(source.ref, `profile ${source.profile}`);
    if (source.kind === 'whole' && classifyWholeValue(source.value, source.origin).form === 'aws') {
      return unread(source.value.trim(), source.origin === 'flag' ? SECRETS_FLAG : SECRETS_ENV);
    }
  }
  const input = await readSecretInput(source, deps);
  const check = checkSecret(input.raw);
  const report = buildReport(check, input.source);
  const resolved: ResolvedSecret = { input, report, deprecated: source.kind === 'separate' };
  if (check.complete) resolved.secret = check.secret;
  return resolved;
}

function unread(ref: string, where: string): ResolvedSecret {
  const source = { kind: 'aws' as const, label: `${where} (Secrets Manager ${ref}, not read)`, awsId: ref };
  return { input: { source, raw: undefined }, report: { complete: false, source, fields: [], keys: [], problems: [] }, deprecated: false, notRead: true };
}
