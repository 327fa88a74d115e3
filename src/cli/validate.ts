import { formatChecks, runGate, type CheckResult } from '../deploy/pre-deploy-gate.ts';
import { commandContext, resolveCommandSecret } from './command-context.ts';
import type { ValidateOptions } from './commands/validate.ts';
import { println, type CliIo } from './io.ts';

/** The gate on the command's own profile, region and secret, resolved from its options. */
export async function runChecks(options: ValidateOptions, io: CliIo): Promise<CheckResult[]> {
  const context = await commandContext(options, io);
  const resolved = await resolveCommandSecret(options, context, io, { offline: options.offline === true });
  return runGate({
    flags: options,
    profileName: options.profile,
    profile: context.profile,
    region: context.region,
    env: io.env,
    resolved,
    secretStore: () => io.secretStore(context.region, context.profile?.awsProfile),
  });
}

/** The state of the stack a deploy would update: a stack CloudFormation cannot update fails the gate with its fix. */
async function stackState(options: ValidateOptions, io: CliIo): Promise<CheckResult> {
  if (options.offline) return { name: 'stack state', status: 'skipped', detail: '--offline' };
  const { stackLocation, stackStateCheck } = await import('./stack-location.ts');
  const context = await commandContext(options, io);
  const secretRef = options.benchlingSecrets ?? io.env.BENCHLING_SECRETS ?? context.profile?.secretArn;
  return stackStateCheck(stackLocation(options, io.env, context, secretRef), context.profile?.awsProfile, io.env);
}

/** `validate`: the pre-deploy gate. Every problem in one pass, each ✗ with its fix. */
export async function validate(options: ValidateOptions, io: CliIo): Promise<number> {
  const checks = await runChecks(options, io);
  checks.push(await stackState(options, io));
  const passed = checks.every((c) => c.status !== 'failed');
  if (options.json) println(io.stdout, JSON.stringify({ ok: passed, checks }));
  else println(io.stdout, `benchling-webhook validate (profile ${options.profile})${options.offline ? ', offline' : ''}\n${formatChecks(checks)}`);
  return passed ? 0 : 1;
}
