import type { Env } from '../config/env.ts';
import { checkSecret } from './check.ts';
import { readSecretInput, type ReadInputDeps, type SecretInput } from './read-input.ts';
import { buildReport, type SecretReport } from './report.ts';
import type { BenchlingSecret } from './schema.ts';
import { selectSecretSource, type SecretFlags } from './source.ts';

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
}

/** Any input form → the one normalised secret, or a report naming what is missing. */
export async function resolveSecret(request: SecretRequest, deps: ReadInputDeps): Promise<ResolvedSecret> {
  const source = selectSecretSource(request.flags, request.env, request.profile);
  const input = await readSecretInput(source, deps);
  const check = checkSecret(input.raw);
  const report = buildReport(check, input.source);
  const resolved: ResolvedSecret = { input, report, deprecated: source.kind === 'separate' };
  if (check.complete) resolved.secret = check.secret;
  return resolved;
}
