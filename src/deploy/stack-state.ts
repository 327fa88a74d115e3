/**
 * What a stack's CloudFormation state means for a deploy, decided before anything changes.
 * Pure: a description of the stack in, a named outcome out, with its code and the exact
 * command or flag that resolves it. The settle step (stack-state-settle.ts) acts on it.
 */

export interface StackResourceState {
  logicalId: string;
  type: string;
  status: string;
  reason?: string;
  physicalId?: string;
}

export interface StackDescription {
  /** The stack's ARN, which keeps answering while the stack is being deleted. */
  id: string;
  name: string;
  status: string;
  statusReason?: string;
  /** Read only for the states whose handling names resources (see needsResources). */
  resources: StackResourceState[];
}

export type StackOutcomeKind =
  | 'absent'
  | 'ready'
  | 'in-progress'
  | 'rollback-complete'
  | 'review-empty'
  | 'update-rollback-failed'
  | 'delete-failed'
  | 'blocked';

export interface StackOutcome {
  kind: StackOutcomeKind;
  /** Set for every state a deploy cannot go straight on from. */
  code?: string;
  /** One line: which state, what it means. */
  summary: string;
  /** The exact command or flag that resolves it. */
  fix?: string;
  /** The resources the outcome names: those that failed, or those left behind. */
  resources: StackResourceState[];
}

export interface StackContext {
  stackName: string;
  region?: string;
}

const READY = new Set(['CREATE_COMPLETE', 'UPDATE_COMPLETE', 'UPDATE_ROLLBACK_COMPLETE', 'IMPORT_COMPLETE', 'IMPORT_ROLLBACK_COMPLETE']);

/** The states whose outcome names resources: only these pay for a ListStackResources call. */
export function needsResources(status: string): boolean {
  return ['UPDATE_ROLLBACK_FAILED', 'DELETE_FAILED', 'REVIEW_IN_PROGRESS', 'ROLLBACK_FAILED', 'IMPORT_ROLLBACK_FAILED'].includes(status);
}

export function isInProgress(status: string): boolean {
  return status.endsWith('_IN_PROGRESS') && status !== 'REVIEW_IN_PROGRESS';
}

function awsCli(command: string, context: StackContext, extra = ''): string {
  return `\`aws cloudformation ${command} --stack-name ${context.stackName}${extra}${context.region ? ` --region ${context.region}` : ''}\``;
}

function failedResources(stack: StackDescription): StackResourceState[] {
  return stack.resources.filter((r) => r.status.endsWith('_FAILED'));
}

/** `Bucket (AWS::S3::Bucket): reason`, one per resource. */
export function describeResources(resources: readonly StackResourceState[]): string {
  return resources.map((r) => `${r.logicalId} (${r.type})${r.reason ? `: ${r.reason}` : ''}`).join('; ');
}

function inProgress(stack: StackDescription, context: StackContext): StackOutcome {
  return {
    kind: 'in-progress',
    code: 'STACK_IN_PROGRESS',
    summary: `stack ${stack.name} is ${stack.status}: CloudFormation is still working on it`,
    fix: `deploy waits for it to settle, printing its progress; with --no-wait it refuses instead (follow it with \`benchling-webhook status\` or ${awsCli('describe-stack-events', context)})`,
    resources: [],
  };
}

function rollbackComplete(stack: StackDescription, context: StackContext): StackOutcome {
  return {
    kind: 'rollback-complete',
    code: 'STACK_ROLLBACK_COMPLETE',
    summary: `stack ${stack.name} is ${stack.status}: its creation failed${stack.statusReason ? ` (${stack.statusReason})` : ''} and it cannot be updated, only deleted`,
    fix: `deploy deletes it and creates it again once you confirm (\`benchling-webhook deploy --yes\` unattended); or delete it yourself: ${awsCli('delete-stack', context)}`,
    resources: [],
  };
}

function reviewEmpty(stack: StackDescription, context: StackContext): StackOutcome {
  return {
    kind: 'review-empty',
    code: 'STACK_REVIEW_EMPTY',
    summary: `stack ${stack.name} is REVIEW_IN_PROGRESS with no resources: a change set created it and was never executed`,
    fix: `deploy deletes the empty stack and creates it once you confirm (\`benchling-webhook deploy --yes\` unattended); or ${awsCli('delete-stack', context)}`,
    resources: [],
  };
}

function updateRollbackFailed(stack: StackDescription, context: StackContext): StackOutcome {
  const failed = failedResources(stack);
  const names = failed.map((r) => r.logicalId).join(',');
  return {
    kind: 'update-rollback-failed',
    code: 'STACK_UPDATE_ROLLBACK_FAILED',
    summary: `stack ${stack.name} is UPDATE_ROLLBACK_FAILED: ${failed.length > 0 ? `the rollback could not restore ${describeResources(failed)}` : stack.statusReason ?? 'the rollback failed'}`,
    fix:
      'fix what the reasons name (often a resource changed or deleted by hand), then deploy continues the rollback once you confirm ' +
      `(\`benchling-webhook deploy --yes\`, or ${awsCli('continue-update-rollback', context)}); ` +
      `a resource that cannot be restored is skipped only when named: \`benchling-webhook deploy --yes --skip-resources ${names || '<LogicalId>'}\` ` +
      '(CloudFormation then marks it rolled back without touching it)',
    resources: failed,
  };
}

function deleteFailed(stack: StackDescription, context: StackContext): StackOutcome {
  const left = stack.resources.filter((r) => r.status !== 'DELETE_COMPLETE');
  const failed = failedResources(stack);
  const named = (failed.length > 0 ? failed : left).map((r) => r.logicalId);
  return {
    kind: 'delete-failed',
    code: stack.status === 'DELETE_FAILED' ? 'STACK_DELETE_FAILED' : `STACK_${stack.status}`,
    summary: `stack ${stack.name} is ${stack.status}: left behind ${left.length > 0 ? describeResources(left) : '(no resources listed)'}`,
    fix:
      'remove or empty what is named (a bucket with objects, a resource in use elsewhere), then `benchling-webhook destroy`; ' +
      `or keep them and delete the rest: ${awsCli('delete-stack', context, named.length > 0 ? ` --retain-resources ${named.join(' ')}` : '')}; then deploy again`,
    resources: left,
  };
}

/** The outcome for a stack, or for none (`undefined`: it does not exist yet). */
export function classifyStack(stack: StackDescription | undefined, context: StackContext): StackOutcome {
  if (!stack || stack.status === 'DELETE_COMPLETE') return { kind: 'absent', summary: `stack ${context.stackName} does not exist yet: deploy creates it`, resources: [] };
  const { status } = stack;
  if (READY.has(status)) return { kind: 'ready', summary: `stack ${stack.name} is ${status}: ready to update`, resources: [] };
  if (isInProgress(status)) return inProgress(stack, context);
  switch (status) {
    case 'ROLLBACK_COMPLETE':
    case 'CREATE_FAILED':
      return rollbackComplete(stack, context);
    case 'REVIEW_IN_PROGRESS':
      if (stack.resources.length === 0) return reviewEmpty(stack, context);
      break;
    case 'UPDATE_ROLLBACK_FAILED':
      return updateRollbackFailed(stack, context);
    case 'DELETE_FAILED':
    case 'ROLLBACK_FAILED':
      return deleteFailed(stack, context);
    case 'UPDATE_FAILED':
      // A stack deployed with rollback disabled: CloudFormation accepts another update.
      return { kind: 'ready', summary: `stack ${stack.name} is UPDATE_FAILED with rollback disabled: the next update may fix it`, resources: [] };
  }
  return {
    kind: 'blocked',
    code: 'STACK_STATE_UNSUPPORTED',
    summary: `stack ${stack.name} is ${status}${stack.statusReason ? ` (${stack.statusReason})` : ''}: deploy does not know how to go on from it`,
    fix: `look at it with ${awsCli('describe-stack-events', context)} and bring it to a *_COMPLETE state, then deploy again`,
    resources: failedResources(stack),
  };
}

/** The outcome as printed: the summary, then its fix. */
export function formatOutcome(outcome: StackOutcome): string {
  const head = outcome.code ? `stack state [${outcome.code}]: ${outcome.summary}` : `stack state: ${outcome.summary}`;
  return outcome.fix ? `${head}\n  fix: ${outcome.fix}` : head;
}
