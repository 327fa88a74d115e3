import { readFile } from 'node:fs/promises';
import { GetTemplateCommand, type CloudFormationClient } from '@aws-sdk/client-cloudformation';
import type { Env } from '../config/env.ts';
import { formatPlan, planChangeSet, type ChangeSetPlan } from '../deploy/change-set-plan.ts';
import type { StackOutcome } from '../deploy/stack-state.ts';
import { errorReason } from '../errors/error-reason.ts';
import type { StackLocation } from './stack-location.ts';

export type ChangePreview =
  | { reached: true; stackState: Pick<StackOutcome, 'kind' | 'code' | 'summary' | 'fix'>; plan: ChangeSetPlan; replacementsAllowed: boolean }
  | { reached: false; reason: string };

async function deployedTemplate(cfn: CloudFormationClient, stackId: string): Promise<unknown> {
  const body = (await cfn.send(new GetTemplateCommand({ StackName: stackId }))).TemplateBody;
  return body === undefined ? undefined : (JSON.parse(body) as unknown);
}

/**
 * What `deploy --dry-run` can say about the change when CloudFormation answers, reading only:
 * the stack's state with its fix, and the plan from the deployed template against the new one.
 * Unreachable, it says why and the rest of the dry run stands.
 */
export async function previewChange(location: StackLocation, templatePath: string, awsProfile: string | undefined, env: Env): Promise<ChangePreview> {
  const [{ createOperateClients, destroyClients }, { readStack }, { classifyStack }, { templateChanges }] = await Promise.all([
    import('../operate/aws-clients.ts'),
    import('../deploy/stack-state-settle.ts'),
    import('../deploy/stack-state.ts'),
    import('../deploy/template-plan.ts'),
  ]);
  const clients = createOperateClients({ region: location.region, awsProfile }, env);
  try {
    const stack = await readStack(clients.cloudFormation, location.stackName);
    const { kind, code, summary, fix } = classifyStack(stack, location);
    // A stack deploy would delete first (a failed create, an empty review) starts from nothing.
    const starts = kind === 'absent' || kind === 'rollback-complete' || kind === 'review-empty';
    const before = starts || !stack ? undefined : await deployedTemplate(clients.cloudFormation, stack.id);
    const after = JSON.parse(await readFile(templatePath, 'utf8')) as object;
    return { reached: true, stackState: { kind, code, summary, fix }, plan: planChangeSet(templateChanges(before as object | undefined, after)), replacementsAllowed: false };
  } catch (error) {
    return { reached: false, reason: errorReason(error) };
  } finally {
    destroyClients(clients);
  }
}

export function formatPreview(stackName: string, preview: ChangePreview): string {
  if (!preview.reached) return `  change    not planned: CloudFormation could not be asked (${preview.reason})`;
  const state = `  state     ${preview.stackState.code ? `[${preview.stackState.code}] ` : ''}${preview.stackState.summary}${preview.stackState.fix ? `\n            fix: ${preview.stackState.fix}` : ''}`;
  const plan = formatPlan(stackName, preview.plan)
    .split('\n')
    .map((line) => `  ${line}`)
    .join('\n');
  const refused = preview.plan.statefulReplacements.length > 0 ? '\n  the deploy would refuse this replacement without --allow-replacement' : '';
  return `${state}\n${plan}${refused}\n  (from the deployed template; the deploy shows CloudFormation's own change set before it asks)`;
}
