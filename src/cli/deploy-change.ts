import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { ConfirmationPolicy } from '../deploy/confirmation.ts';
import { confirmChange } from '../deploy/confirmation.ts';
import { changeSetName, describeChangeSet, discardChangeSet, hasNoChanges } from '../deploy/change-set.ts';
import { checkReplacements, formatPlan, isEmptyPlan, planChangeSet } from '../deploy/change-set-plan.ts';
import { appendRecord, readTemplate, saveAssembly, templateHash, type DeployRecord, type HistoryPaths } from '../deploy/deploy-history.ts';
import type { DeployOutcome } from '../deploy/deploy-report.ts';
import type { ApprovalLevel, StackDeployer } from '../deploy/stack-deployer.ts';
import type { SettledStack } from '../deploy/stack-state-settle.ts';
import type { OperateClients } from '../operate/aws-clients.ts';
import type { OperateRuntime } from '../operate/operate-runtime.ts';

/** What a deploy needs once the stack is in a state to deploy to and its assembly is ready. */
export interface ChangeToDeploy {
  assemblyDir: string;
  stackName: string;
  region: string | undefined;
  awsProfile: string | undefined;
  settled: SettledStack;
  /** What the record says the deploy runs: the package version and the image. */
  version: string;
  image: string;
  /** Set on --rollback: the record gone back to (its assembly is already kept). */
  rollbackTo?: DeployRecord;
}

export interface DeploySteps {
  deployer: StackDeployer;
  clients: Pick<OperateClients, 'cloudFormation' | 'ecs' | 'logs'>;
  history: HistoryPaths;
  confirmation: ConfirmationPolicy;
  allowReplacement: boolean;
  requireApproval: ApprovalLevel;
  runtime: Pick<OperateRuntime, 'now'>;
  say(line: string): void;
  /** Runs once the change is confirmed (or found empty), before it is executed: the deferred secret update. */
  beforeExecute?: () => Promise<void>;
  /** Executes the change set while watching the ECS tasks. */
  execute(request: { assemblyDir: string; stackName: string; changeSetName: string }): Promise<DeployOutcome>;
}

export type ChangeResult = { status: 'unchanged'; stackName: string } | DeployOutcome;

async function record(change: ChangeToDeploy, steps: DeploySteps, hash: string, outcome: DeployRecord['outcome'], at: Date): Promise<void> {
  await mkdir(dirname(steps.history.log), { recursive: true, mode: 0o700 });
  if (!change.rollbackTo) await saveAssembly(steps.history, hash, change.assemblyDir);
  await appendRecord(steps.history, {
    at: at.toISOString(),
    version: change.version,
    stackName: change.stackName,
    image: change.image,
    templateHash: hash,
    outcome,
    previousState: change.settled.before?.status ?? 'NONE',
    ...(change.rollbackTo ? { rollbackTo: change.rollbackTo.at } : {}),
  });
}

/**
 * The plan before the change: the change set is created and described, its plan printed, a
 * replaced bucket, queue or secret refused without --allow-replacement, and the change
 * confirmed (a terminal, or --yes) before it is executed. A change set that is not executed
 * is deleted again, so a refusal leaves the stack as it was. Every deploy that reaches
 * CloudFormation is recorded in the profile's deploy history.
 */
export async function deployChange(change: ChangeToDeploy, steps: DeploySteps): Promise<ChangeResult> {
  const at = new Date(steps.runtime.now());
  const name = changeSetName(at);
  const { stackName } = change;
  const cfn = steps.clients.cloudFormation;
  const hash = templateHash(await readTemplate(change.assemblyDir, stackName));
  const stackIsNew = change.settled.after === undefined;
  await steps.deployer.createChangeSet({
    assemblyDir: change.assemblyDir,
    stackName,
    changeSetName: name,
    region: change.region,
    awsProfile: change.awsProfile,
    requireApproval: steps.requireApproval,
    progress: steps.say,
  });
  const description = await describeChangeSet(cfn, stackName, name);
  const plan = planChangeSet(description.changes);
  steps.say(formatPlan(stackName, plan));
  if (hasNoChanges(description) || isEmptyPlan(plan)) {
    await discardChangeSet(cfn, stackName, name, stackIsNew);
    await steps.beforeExecute?.();
    await record(change, steps, hash, 'unchanged', at);
    return { status: 'unchanged', stackName };
  }
  try {
    checkReplacements(stackName, plan, steps.allowReplacement);
    await confirmChange(`Deploy this change to ${stackName}?`, `deploying the change to ${stackName}`, steps.confirmation);
  } catch (error) {
    await discardChangeSet(cfn, stackName, name, stackIsNew);
    throw error;
  }
  await steps.beforeExecute?.();
  const outcome = await steps.execute({ assemblyDir: change.assemblyDir, stackName, changeSetName: name });
  await record(change, steps, hash, outcome.status, at);
  return outcome;
}
