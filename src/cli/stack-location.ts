import type { Env } from '../config/env.ts';
import type { CheckResult } from '../deploy/pre-deploy-gate.ts';
import { errorReason } from '../errors/error-reason.ts';
import { defaultStackName } from '../infra/inputs.ts';
import { parseSecretArn } from '../infra/secret-arn.ts';
import type { CommandContext } from './command-context.ts';

export interface StackLocation {
  stackName: string;
  region?: string;
}

/**
 * The stack a deploy works on and its region, known before the secret is synced or the
 * stack synthesized: --stack-name > the profile's > the default; the region as synth
 * resolves it (settings, CDK_DEFAULT_REGION, then the secret ARN's region).
 */
export function stackLocation(
  options: { profile: string; stackName?: string },
  env: Env,
  context: Pick<CommandContext, 'profile' | 'region'>,
  secretRef: string | undefined,
): StackLocation {
  let arnRegion: string | undefined;
  try {
    arnRegion = secretRef === undefined ? undefined : parseSecretArn(secretRef, 'the secret').region;
  } catch {
    // A secret name: the region comes from the settings or the SDK.
  }
  return {
    stackName: options.stackName ?? context.profile?.stackName ?? defaultStackName(options.profile),
    region: context.region ?? env.CDK_DEFAULT_REGION ?? arnRegion,
  };
}

/** `validate`'s reading of the stack's state: what deploy would meet, and its fix; skipped when CloudFormation cannot be asked. */
export async function stackStateCheck(location: StackLocation, awsProfile: string | undefined, env: Env): Promise<CheckResult> {
  const name = 'stack state';
  const [{ createOperateClients, destroyClients }, { readStack }, { classifyStack }] = await Promise.all([
    import('../operate/aws-clients.ts'),
    import('../deploy/stack-state-settle.ts'),
    import('../deploy/stack-state.ts'),
  ]);
  const clients = createOperateClients({ region: location.region, awsProfile }, env);
  try {
    const outcome = classifyStack(await readStack(clients.cloudFormation, location.stackName), location);
    switch (outcome.kind) {
      case 'absent':
      case 'ready':
        return { name, status: 'ok', detail: outcome.summary };
      case 'in-progress':
        return { name, status: 'ok', detail: `${outcome.summary}: deploy waits for it (--no-wait refuses)` };
      default:
        return { name, status: 'failed', detail: `[${outcome.code}] ${outcome.summary}`, fix: outcome.fix };
    }
  } catch (error) {
    return { name, status: 'skipped', detail: `CloudFormation could not be asked about ${location.stackName}: ${errorReason(error)}` };
  } finally {
    destroyClients(clients);
  }
}
