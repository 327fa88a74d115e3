import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { JwksCache, httpFetchJwks } from '../benchling/jwks-cache.ts';
import { requestToken } from '../benchling/oauth-probe.ts';
import { defaultApiBase, defaultJwksUrl } from '../benchling/tenant-urls.ts';
import type { Env } from '../config/env.ts';
import type { Profile } from '../config/profile.ts';
import { resolveSettings } from '../config/settings.ts';
import { AppError } from '../errors/app-error.ts';
import { errorReason } from '../errors/error-reason.ts';
import type { StackInputValues } from '../infra/inputs.ts';
import type { ResolvedSecret } from '../secret/resolve.ts';
import type { BenchlingSecret } from '../secret/schema.ts';
import type { SecretStore } from '../secret/secret-store.ts';
import { openObjectStore } from '../storage/open-store.ts';
import { keysTheStackOverrides } from './secret-keys-on-aws.ts';

/** The flags the gate reads: where Benchling and the registry are, and the stack's inputs for its template rules. */
export interface GateFlags extends StackInputValues {
  offline?: boolean;
  registry?: string;
  benchlingApiUrl?: string;
  benchlingJwksUrl?: string;
}

export interface GateInput {
  flags: GateFlags;
  profileName: string;
  profile: Profile | undefined;
  region: string | undefined;
  env: Env;
  /** The secret as the command resolved it from its inputs. */
  resolved: ResolvedSecret;
  /** Secrets Manager in the command's region, with the profile's AWS profile. */
  secretStore(): SecretStore;
}

export interface CheckResult {
  name: string;
  status: 'ok' | 'failed' | 'skipped';
  detail: string;
  fix?: string;
}

const ok = (name: string, detail: string): CheckResult => ({ name, status: 'ok', detail });
const failed = (name: string, detail: string, fix: string): CheckResult => ({ name, status: 'failed', detail, fix });
const skipped = (name: string, detail: string): CheckResult => ({ name, status: 'skipped', detail });

function secretFields(resolved: ResolvedSecret): CheckResult {
  const { report } = resolved;
  if (resolved.notRead) return skipped('secret fields', `${report.source.awsId ?? 'the secret'} is in Secrets Manager: not read (--offline)`);
  if (report.complete) return ok('secret fields', `all four present and valid (${report.source.label})`);
  return failed('secret fields', report.problems.join('; '), 'supply each missing field as named, then `benchling-webhook secrets sync`');
}

/** What becomes of each key beyond the four fields (the earlier app's keys, and any other): none goes unmentioned. */
function secretKeys(input: GateInput): CheckResult {
  const name = 'secret keys';
  const { resolved } = input;
  const { keys } = resolved.report;
  if (keys.length === 0) return ok(name, 'none besides the four fields');
  const outcome = (k: (typeof keys)[number]) =>
    `${k.key}: ${k.outcome === 'mapped' ? `mapped to ${k.env ?? ''}` : k.outcome}${k.code ? ` [${k.code}]` : ''} (${k.reason})`;
  const detail = keys.map(outcome).join('; ');
  const refused = keys.filter((k) => k.outcome === 'refused');
  if (refused.length > 0) return failed(name, detail, `fix or remove ${refused.map((k) => k.key).join(', ')} in the secret, then \`benchling-webhook secrets sync\``);
  const overridden = keysTheStackOverrides(resolved.input.raw, { env: input.env, profile: input.profile, bucketName: input.flags.bucketName });
  if (overridden.length === 0) return ok(name, detail);
  return failed(
    name,
    `${detail}; on AWS the stack sets ${overridden.map((o) => o.env).join(', ')} to other values than the secret's ${overridden.map((o) => o.key).join(', ')}`,
    'give the stack the same values: init --package-prefix / --package-link-key / --bucket-name, or PACKAGE_PREFIX, PACKAGE_LINK_KEY, LOG_LEVEL at synth and deploy',
  );
}

/** The secret the stack will read is the one in AWS: it is read back and checked again. */
async function secretInAws(input: GateInput, offline: boolean): Promise<{ check: CheckResult; arn?: string }> {
  const name = 'secret in AWS';
  const { resolved } = input;
  const arn = resolved.input.aws?.arn ?? (resolved.notRead ? resolved.input.source.awsId : undefined) ?? input.profile?.secretArn;
  if (!arn && offline) return { check: skipped(name, 'none recorded for this profile yet: `deploy` stores it, or run `benchling-webhook secrets sync`') };
  if (!arn) return { check: failed(name, 'no Secrets Manager secret is recorded for this profile', 'run `benchling-webhook secrets sync`') };
  if (resolved.input.aws) {
    const fine = resolved.report.complete;
    return { arn, check: fine ? ok(name, `${arn} read back complete`) : failed(name, `${arn} is incomplete`, 'run `benchling-webhook secrets sync` with the missing fields') };
  }
  if (offline) return { arn, check: skipped(name, `${arn} (not read back: --offline)`) };
  try {
    const { checkSecret } = await import('../secret/check.ts');
    const { parseSecretJson } = await import('../secret/read-input.ts');
    const stored = await input.secretStore().read(arn);
    const check = checkSecret(stored.secretString === undefined ? undefined : parseSecretJson(stored.secretString, `the secret ${arn}`));
    const missing = [
      ...check.fields.filter((f) => f.status !== 'present').map((f) => `${f.field} ${f.status}`),
      ...check.keys.filter((k) => k.outcome === 'refused').map((k) => `${k.key} refused [${k.code ?? 'SECRET_KEY_REFUSED'}]`),
    ];
    if (missing.length > 0) return { arn, check: failed(name, `${arn}: ${missing.join(', ')}`, 'run `benchling-webhook secrets sync` to write the complete secret') };
    return { arn, check: ok(name, `${arn} read back complete`) };
  } catch (error) {
    return { arn, check: failed(name, errorReason(error), awsFix(error, 'check AWS_REGION and credentials, or run `benchling-webhook secrets sync`')) };
  }
}

/**
 * A secret under a customer-managed KMS key is readable by the tasks only with kms:Decrypt
 * on that key, which the stack grants when told the key: otherwise every task would stop on
 * its first read, after the deploy had started.
 */
async function secretEncryption(arn: string, input: GateInput): Promise<CheckResult> {
  const name = 'secret encryption';
  const given = input.flags.secretKmsKeyArn ?? input.profile?.secretKmsKeyArn;
  try {
    const { isDefaultSecretKey, namesKey } = await import('../infra/kms-key-arn.ts');
    const kmsKeyId = (await input.secretStore().describe(arn))?.kmsKeyId;
    if (isDefaultSecretKey(kmsKeyId)) return ok(name, "Secrets Manager's default key: no grant needed");
    if (given !== undefined && namesKey(kmsKeyId!, given)) return ok(name, `KMS key ${given}: the tasks get kms:Decrypt on it`);
    return failed(
      name,
      `the secret is encrypted with the KMS key ${kmsKeyId}${given === undefined ? '' : `, not ${given}`}: the tasks could not decrypt it`,
      "pass --secret-kms-key-arn with that key's ARN (not an alias), or set secretKmsKeyArn in the profile",
    );
  } catch (error) {
    return failed(name, errorReason(error), awsFix(error, 'check AWS_REGION and credentials (secretsmanager:DescribeSecret)'));
  }
}

/** An AWS call that got no answer is a network problem; anything else is the caller's usual fix. */
function awsFix(error: unknown, otherwise: string): string {
  return error instanceof AppError && error.code.endsWith('_UNREACHABLE') ? 'check the network, and AWS_ENDPOINT_URL_SECRETS_MANAGER if it is set' : otherwise;
}

/** A call that got no answer says nothing about the credentials: the fix is where Benchling is, not what the secret holds. */
const UNANSWERED = new Set(['BENCHLING_UNREACHABLE', 'BENCHLING_TIMEOUT']);

function reachFix(url: string, where: string, unchecked: string): string {
  return `check the network and that ${new URL(url).host} is right (${where}); ${unchecked} could not be checked`;
}

async function oauth(secret: BenchlingSecret, apiBase: string): Promise<CheckResult> {
  const error = await requestToken(apiBase, secret, { maxAttempts: 2 });
  if (error === undefined) return ok('Benchling OAuth', `token issued by ${apiBase}`);
  if (error instanceof AppError && UNANSWERED.has(error.code)) return failed('Benchling OAuth', errorReason(error), reachFix(apiBase, "the secret's tenant, or --benchling-api-url / BENCHLING_API_URL", 'the client id and secret'));
  return failed('Benchling OAuth', errorReason(error), 'check client_id and client_secret in the Benchling developer console, then `benchling-webhook secrets sync`');
}

async function jwks(url: string): Promise<CheckResult> {
  const cache = new JwksCache({ fetchJwks: (u) => httpFetchJwks(u), url });
  const status = await cache.warm();
  if (status.ok) return ok('app definition keys', `${status.keys} signing key(s) at ${url}`);
  if (status.unreachable) return failed('app definition keys', status.reason, reachFix(url, '--benchling-jwks-url / BENCHLING_JWKS_URL', 'the app definition'));
  return failed('app definition keys', status.reason, 'check app_definition_id (appdef_…) against the app in the Benchling developer console');
}

async function registry(location: string, input: GateInput): Promise<CheckResult> {
  try {
    const store = await openObjectStore(location, { region: input.region, s3Endpoint: input.env.AWS_ENDPOINT_URL_S3 });
    const status = await store.check();
    return status.ok ? ok('registry', `${store.describe()} is writable`) : failed('registry', status.reason, 'create the bucket or grant the role s3:ListBucket, s3:GetObject and s3:PutObject on it');
  } catch (error) {
    return failed('registry', errorReason(error), 'set REGISTRY to s3://bucket-name or a local directory');
  }
}

async function templateRules(arn: string | undefined, input: GateInput): Promise<CheckResult> {
  const name = 'template rules';
  if (!arn) return skipped(name, 'needs the secret ARN: run `benchling-webhook secrets sync` first');
  const outdir = await mkdtemp(join(tmpdir(), 'bw-validate-'));
  try {
    const [{ resolveStackInputs }, { synthesize }] = await Promise.all([import('../infra/inputs.ts'), import('../infra/synthesize.ts')]);
    const inputs = resolveStackInputs({ ...input.flags, benchlingSecrets: arn }, { env: input.env, profileName: input.profileName, profile: input.profile });
    synthesize({ ...inputs, outdir, cloudFormationValidation: false });
    return ok(name, 'synth with cdk-nag and the project rules passes');
  } catch (error) {
    return failed(name, errorReason(error), 'fix the stack settings named above');
  } finally {
    await rm(outdir, { recursive: true, force: true });
  }
}

/**
 * The pre-deploy gate: every problem in one pass, each failed check with its fix. `validate`
 * prints it; `deploy` stops on it before anything touches AWS.
 */
export async function runGate(input: GateInput): Promise<CheckResult[]> {
  const { resolved, flags } = input;
  const { values, origins } = resolveSettings(['registry', 'benchlingApiUrl', 'benchlingJwksUrl'], { flags, env: input.env, profile: input.profile });
  // Before a first deploy with a new bucket there is nothing to check yet; the local default is for `serve`.
  const registryCheck = () =>
    origins.registry === 'default'
      ? Promise.resolve(skipped('registry', 'none set: the stack creates a new bucket (set --registry or REGISTRY to check an existing one)'))
      : registry(values.registry!, input);
  const offline = flags.offline === true;
  const checks = [secretFields(resolved), secretKeys(input)];
  const aws = await secretInAws(input, offline);
  checks.push(aws.check);
  if (aws.arn !== undefined) checks.push(offline ? skipped('secret encryption', '--offline') : await secretEncryption(aws.arn, input));
  const secret = resolved.secret;
  if (offline) {
    checks.push(skipped('Benchling OAuth', '--offline'), skipped('app definition keys', '--offline'), skipped('registry', '--offline'));
  } else if (secret) {
    checks.push(
      await oauth(secret, values.benchlingApiUrl ?? defaultApiBase(secret)),
      await jwks(values.benchlingJwksUrl ?? defaultJwksUrl(secret)),
      await registryCheck(),
    );
  } else {
    checks.push(skipped('Benchling OAuth', 'needs the complete secret'), skipped('app definition keys', 'needs the complete secret'));
    checks.push(await registryCheck());
  }
  checks.push(await templateRules(aws.arn, input));
  return checks;
}

const MARK = { ok: '✓', failed: '✗', skipped: '–' } as const;

export function formatChecks(checks: CheckResult[]): string {
  const width = Math.max(...checks.map((c) => c.name.length));
  return checks
    .map((c) => [`  ${MARK[c.status]} ${c.name.padEnd(width)}  ${c.detail}`, ...(c.fix ? [`      fix: ${c.fix}`] : [])].join('\n'))
    .join('\n');
}
