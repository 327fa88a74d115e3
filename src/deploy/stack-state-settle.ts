import {
  ContinueUpdateRollbackCommand,
  DeleteStackCommand,
  DescribeStacksCommand,
  paginateListStackResources,
  type CloudFormationClient,
} from '@aws-sdk/client-cloudformation';
import { AppError, UsageError } from '../errors/app-error.ts';
import { awsCall } from '../operate/aws-failure.ts';
import { confirmChange, type ConfirmationPolicy } from './confirmation.ts';
import {
  classifyStack,
  formatOutcome,
  isInProgress,
  needsResources,
  type StackContext,
  type StackDescription,
  type StackOutcome,
  type StackResourceState,
} from './stack-state.ts';

function isMissingStack(error: unknown): boolean {
  return error instanceof Error && error.name === 'ValidationError' && /does not exist/.test(error.message);
}

async function resourcesOf(cfn: CloudFormationClient, stackId: string): Promise<StackResourceState[]> {
  const resources: StackResourceState[] = [];
  for await (const page of paginateListStackResources({ client: cfn }, { StackName: stackId })) {
    for (const r of page.StackResourceSummaries ?? []) {
      resources.push({ logicalId: r.LogicalResourceId ?? '?', type: r.ResourceType ?? '?', status: r.ResourceStatus ?? '?', reason: r.ResourceStatusReason, physicalId: r.PhysicalResourceId });
    }
  }
  return resources;
}

/** The stack by name or ARN, with its resources when its state calls for them; undefined when it does not exist. */
export async function readStack(cfn: CloudFormationClient, stackNameOrId: string): Promise<StackDescription | undefined> {
  return awsCall(`describe stack ${stackNameOrId}`, async () => {
    let stack;
    try {
      stack = (await cfn.send(new DescribeStacksCommand({ StackName: stackNameOrId }))).Stacks?.[0];
    } catch (error) {
      if (isMissingStack(error)) return undefined;
      throw error;
    }
    if (!stack?.StackStatus) return undefined;
    const id = stack.StackId ?? stackNameOrId;
    const resources = needsResources(stack.StackStatus) ? await resourcesOf(cfn, id) : [];
    return { id, name: stack.StackName ?? stackNameOrId, status: stack.StackStatus, statusReason: stack.StackStatusReason, resources };
  });
}

export interface SettleOptions {
  cloudFormation: CloudFormationClient;
  context: StackContext;
  /** --no-wait: refuse a stack that is in progress instead of waiting for it. */
  noWait: boolean;
  /** --skip-resources: the only resources a continued rollback may skip. */
  skipResources: readonly string[];
  confirmation: ConfirmationPolicy;
  pollMs: number;
  /** How long to wait for a stack in progress before giving up. */
  waitLimitMs: number;
  sleep(ms: number): Promise<void>;
  now(): number;
  say(line: string): void;
}

export interface SettledStack {
  /** The stack as first read, before anything was done to it: the deploy history records its state. */
  before: StackDescription | undefined;
  /** The stack a deploy can go on from: absent, or in a state it can update. */
  after: StackDescription | undefined;
}

function refuse(outcome: StackOutcome, extra = ''): AppError {
  return new AppError(outcome.code ?? 'STACK_STATE_UNSUPPORTED', `${outcome.summary}${extra}; fix: ${outcome.fix ?? 'bring it to a *_COMPLETE state'}`);
}

async function waitWhileInProgress(stack: StackDescription, options: SettleOptions): Promise<StackDescription | undefined> {
  const started = options.now();
  let current: StackDescription | undefined = stack;
  let shown = stack.status;
  while (current && isInProgress(current.status)) {
    const waited = options.now() - started;
    if (waited >= options.waitLimitMs) throw refuse(classifyStack(current, options.context), ` after waiting ${Math.round(waited / 1000)} s`);
    await options.sleep(options.pollMs);
    current = await readStack(options.cloudFormation, stack.id);
    const status = current?.status ?? 'gone';
    if (status !== shown) options.say(`  waited ${Math.round((options.now() - started) / 1000)} s: stack ${stack.name} is now ${status}`);
    shown = status;
  }
  return current;
}

function checkSkips(outcome: StackOutcome, skips: readonly string[]): void {
  const failed = new Set(outcome.resources.map((r) => r.logicalId));
  const unknown = skips.filter((id) => !failed.has(id));
  if (unknown.length > 0) {
    throw new UsageError(
      'SKIP_RESOURCES_UNKNOWN',
      `--skip-resources names ${unknown.join(', ')}, which did not fail the rollback; only these can be skipped: ${[...failed].join(', ') || '(none)'}`,
    );
  }
}

/** One step out of a blocking state, after confirmation; the stack as it then is. */
async function act(stack: StackDescription, outcome: StackOutcome, options: SettleOptions): Promise<StackDescription | undefined> {
  const cfn = options.cloudFormation;
  if (outcome.kind === 'update-rollback-failed') {
    checkSkips(outcome, options.skipResources);
    const skipping = options.skipResources.length > 0 ? `, skipping ${options.skipResources.join(', ')}` : '';
    await confirmChange(`Continue the rollback of ${stack.name}${skipping}?`, `continuing the rollback of ${stack.name}`, options.confirmation);
    await awsCall(`continue the rollback of ${stack.name}`, () =>
      cfn.send(new ContinueUpdateRollbackCommand({ StackName: stack.id, ResourcesToSkip: options.skipResources.length > 0 ? [...options.skipResources] : undefined })),
    );
    options.say(`continuing the rollback of ${stack.name}${skipping}`);
  } else {
    const why = outcome.kind === 'review-empty' ? 'the empty stack' : 'the failed stack';
    await confirmChange(`Delete ${why} ${stack.name} and create it again?`, `deleting ${why} ${stack.name}`, options.confirmation);
    await awsCall(`delete stack ${stack.name}`, () => cfn.send(new DeleteStackCommand({ StackName: stack.id })));
    options.say(`deleting ${why} ${stack.name}`);
  }
  return readStack(cfn, stack.id);
}

/**
 * Brings the stack to a state a deploy can start from, or stops with the state's code and
 * fix. Each outcome is printed as soon as the state is read. Deleting a stack and continuing
 * a rollback happen only after confirmation, and each at most once: if the stack comes back
 * to the same state, deploy stops and says so.
 */
export async function settleStack(options: SettleOptions): Promise<SettledStack> {
  const before = await readStack(options.cloudFormation, options.context.stackName);
  const acted = new Set<string>();
  let stack = before;
  for (;;) {
    const outcome = classifyStack(stack, options.context);
    if (outcome.kind === 'absent' || outcome.kind === 'ready') {
      options.say(formatOutcome(outcome));
      if (options.skipResources.length > 0 && !acted.has('update-rollback-failed')) {
        options.say(`--skip-resources ignored: the stack's rollback had not failed, so nothing is skipped`);
      }
      return { before, after: stack };
    }
    if (outcome.kind === 'delete-failed' || outcome.kind === 'blocked') throw refuse(outcome);
    if (outcome.kind === 'in-progress' && options.noWait) throw refuse(outcome, ' and --no-wait says not to wait');
    if (acted.has(outcome.kind)) throw refuse(outcome, ' again after deploy acted on it');
    options.say(formatOutcome(outcome));
    if (outcome.kind === 'in-progress') {
      stack = await waitWhileInProgress(stack!, options);
      continue;
    }
    acted.add(outcome.kind);
    stack = await act(stack!, outcome, options);
  }
}
