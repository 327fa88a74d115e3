import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AppError } from '../errors/app-error.ts';
import { serializeSecret } from '../secret/check.ts';
import { diffSecretFields, hasChanges } from '../secret/diff.ts';
import { parseSecretJson } from '../secret/read-input.ts';
import { formatReport } from '../secret/report.ts';
import type { BenchlingSecret } from '../secret/schema.ts';
import { println, type CliIo } from './io.ts';
import { commandContext, resolveCommandSecret, type CommandContext } from './secret-options.ts';
import { formatChecks, runChecks, type ValidateOptions } from './validate.ts';

export interface DeployOptions extends ValidateOptions {
  dryRun?: boolean;
  secretName?: string;
  out?: string;
}

interface SecretPlan {
  name: string;
  arn?: string;
  action: 'create' | 'update' | 'unchanged';
  fields: string[];
  changes: string[];
}

/** What `secrets sync` would do, without doing it. */
async function planSecret(secret: BenchlingSecret, target: string, context: CommandContext, io: CliIo, offline: boolean): Promise<SecretPlan> {
  const body = JSON.parse(serializeSecret(secret)) as Record<string, unknown>;
  const fields = Object.keys(body);
  if (offline) return { name: target, action: 'update', fields, changes: ['(not compared: --offline)'] };
  const store = io.secretStore(context.region);
  const existing = await store.describe(target);
  if (!existing) return { name: target, action: 'create', fields, changes: fields };
  const current = await store.read(existing.arn);
  const diff = diffSecretFields(current.secretString === undefined ? {} : parseSecretJson(current.secretString, `the secret ${current.name}`), body);
  const changes = [...diff.added.map((f) => `+${f}`), ...diff.changed.map((f) => `~${f}`), ...diff.removed.map((f) => `-${f}`)];
  return { name: existing.name, arn: existing.arn, action: hasChanges(diff) ? 'update' : 'unchanged', fields, changes };
}

async function synthPlan(arn: string | undefined, options: DeployOptions, io: CliIo): Promise<{ stackName?: string; template?: string; note?: string }> {
  if (!arn) return { note: 'the template is synthesized once the secret exists (its ARN goes into the stack)' };
  const [{ resolveStackInputs }, { readProfile }, { synthesize }] = await Promise.all([
    import('../infra/inputs.ts'),
    import('../config/profile.ts'),
    import('../infra/synthesize.ts'),
  ]);
  const inputs = resolveStackInputs({ ...options, benchlingSecrets: arn }, { env: io.env, profileName: options.profile, profile: await readProfile(options.profile, io.env) });
  const outdir = options.out ?? (await mkdtemp(join(tmpdir(), 'bw-deploy-plan-')));
  const result = synthesize({ ...inputs, outdir, cloudFormationValidation: false });
  return { stackName: inputs.stackName, template: result.templatePath };
}

/**
 * `deploy`: gate → secrets sync → synth → deploy. The gate runs first and a broken secret
 * ends the command in well under a second, before anything touches AWS. `--dry-run` prints
 * the plan and changes nothing anywhere.
 */
export async function deploy(options: DeployOptions, io: CliIo): Promise<number> {
  const context = await commandContext(options, io);
  const resolved = await resolveCommandSecret(options, context, io);
  if (!resolved.secret) {
    println(io.stderr, formatReport(resolved.report));
    println(io.stderr, 'deploy: stopped at the gate, before any AWS call: the Benchling secret is incomplete');
    return 1;
  }
  const checks = (await runChecks(options, io)).filter((c) => c.name !== 'secret in AWS' && c.name !== 'template rules');
  if (checks.some((c) => c.status === 'failed')) {
    println(io.stderr, `deploy: stopped at the gate\n${formatChecks(checks)}`);
    return 1;
  }
  if (!options.dryRun) {
    throw new AppError(
      'DEPLOY_NOT_AVAILABLE',
      'deploying through the CDK toolkit is not built yet: use `deploy --dry-run` for the plan, or `benchling-webhook secrets sync`, `benchling-webhook synth --out cdk.out` and `npx cdk deploy --app cdk.out`',
    );
  }
  const target = options.secretName ?? resolved.input.aws?.arn ?? context.profile?.secretArn ?? `benchling-webhook/${options.profile}`;
  const secret = await planSecret(resolved.secret, target, context, io, options.offline === true);
  const stack = await synthPlan(secret.arn ?? (resolved.input.aws?.arn || context.profile?.secretArn), options, io);
  const plan = { dryRun: true, gate: checks, secret, stack };
  if (options.json) println(io.stdout, JSON.stringify(plan));
  else {
    println(io.stdout, `deploy plan (dry run: nothing is written, CloudFormation is not touched)\n${formatChecks(checks)}`);
    println(io.stdout, `  secret    ${secret.action} ${secret.name}: fields ${secret.fields.join(', ')}${secret.changes.length ? ` (changes ${secret.changes.join(' ')})` : ''}`);
    println(io.stdout, stack.template ? `  stack     ${stack.stackName}: template ${stack.template}` : `  stack     ${stack.note}`);
  }
  return 0;
}
