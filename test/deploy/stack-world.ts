import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  CloudFormationClient,
  ContinueUpdateRollbackCommand,
  CreateChangeSetCommand,
  DeleteChangeSetCommand,
  DeleteStackCommand,
  DescribeChangeSetCommand,
  DescribeStacksCommand,
  ExecuteChangeSetCommand,
  ListStackResourcesCommand,
  type Change,
  type StackResourceSummary,
} from '@aws-sdk/client-cloudformation';
import type { AwsClientStub } from 'aws-sdk-client-mock';
import { abortableSleep } from '../../src/deploy/abortable-sleep.ts';
import type { DeployRequest, StackDeployer } from '../../src/deploy/stack-deployer.ts';
import { captured } from '../support/leak-guard.ts';

/**
 * One CloudFormation stack, played through aws-sdk-client-mock (CloudFormation has no
 * loopback double): its status moves as the calls that change it are made, and every such
 * call is recorded, so a test can show that nothing changed before a confirmation.
 */
export const STACK_ID = 'arn:aws:cloudformation:us-east-1:123456789012:stack/BenchlingWebhookStack/1';

/** The calls that change a stack: none of them may happen before a confirmation. */
export const CHANGING_CALLS = ['CreateChangeSet', 'ExecuteChangeSet', 'DeleteStack', 'ContinueUpdateRollback'] as const;

export const addChange = (logicalId: string, type: string): Change => ({ Type: 'Resource', ResourceChange: { Action: 'Add', LogicalResourceId: logicalId, ResourceType: type } });
export const replaceChange = (logicalId: string, type: string): Change => ({
  Type: 'Resource',
  ResourceChange: { Action: 'Modify', Replacement: 'True', LogicalResourceId: logicalId, ResourceType: type },
});

export interface StackWorldOptions {
  /** Undefined: the stack does not exist. */
  status?: string;
  statusReason?: string;
  resources?: StackResourceSummary[];
  /** What the next change set holds; empty means "no changes". */
  changes?: Change[];
  /** The statuses the stack passes through after ExecuteChangeSet, one per DescribeStacks; it stays on the last. */
  afterExecute?: string[];
  outputs?: Record<string, string>;
}

export class StackWorld {
  status: string | undefined;
  statusReason: string | undefined;
  resources: StackResourceSummary[];
  changes: Change[];
  afterExecute: string[];
  outputs: Record<string, string>;
  /** Statuses still to come, one per DescribeStacks. */
  private upcoming: (string | undefined)[] = [];
  readonly calls: { command: string; input: Record<string, unknown>; at: number }[] = [];
  /** When each DescribeStacks answered. */
  readonly reads: number[] = [];

  constructor(stub: AwsClientStub<CloudFormationClient>, options: StackWorldOptions = {}) {
    this.status = options.status;
    this.statusReason = options.statusReason;
    this.resources = options.resources ?? [];
    this.changes = options.changes ?? [addChange('Bucket', 'AWS::S3::Bucket')];
    this.afterExecute = options.afterExecute ?? ['CREATE_IN_PROGRESS', 'CREATE_COMPLETE'];
    this.outputs = options.outputs ?? {};
    const record = (command: string) => (input: Record<string, unknown>) => this.calls.push({ command, input, at: Date.now() });
    stub.on(DescribeStacksCommand).callsFake(() => this.describe());
    stub.on(ListStackResourcesCommand).callsFake(() => ({ StackResourceSummaries: this.resources }));
    stub.on(CreateChangeSetCommand).callsFake((input) => {
      record('CreateChangeSet')(input);
      if (this.status === undefined) this.status = 'REVIEW_IN_PROGRESS';
      return { Id: `${STACK_ID}/changeSet/${input.ChangeSetName}`, StackId: STACK_ID };
    });
    stub.on(DescribeChangeSetCommand).callsFake(() =>
      this.changes.length > 0
        ? { Status: 'CREATE_COMPLETE', Changes: this.changes }
        : { Status: 'FAILED', StatusReason: "The submitted information didn't contain changes. Submit different information to create a change set.", Changes: [] },
    );
    stub.on(DeleteChangeSetCommand).callsFake((input) => record('DeleteChangeSet')(input));
    stub.on(ExecuteChangeSetCommand).callsFake((input) => {
      record('ExecuteChangeSet')(input);
      this.upcoming = [...this.afterExecute];
    });
    stub.on(DeleteStackCommand).callsFake((input) => {
      record('DeleteStack')(input);
      this.upcoming = ['DELETE_IN_PROGRESS', undefined];
    });
    stub.on(ContinueUpdateRollbackCommand).callsFake((input) => {
      record('ContinueUpdateRollback')(input);
      this.upcoming = ['UPDATE_ROLLBACK_IN_PROGRESS', 'UPDATE_ROLLBACK_COMPLETE'];
    });
  }

  /** Plays the next statuses on the following DescribeStacks calls, staying on the last. */
  then(...statuses: (string | undefined)[]): this {
    this.upcoming = statuses;
    return this;
  }

  changed(): string[] {
    return this.calls.map((c) => c.command).filter((c) => (CHANGING_CALLS as readonly string[]).includes(c));
  }

  private describe() {
    this.reads.push(Date.now());
    if (this.upcoming.length > 0) {
      this.status = this.upcoming.shift();
      if (this.status === undefined) this.resources = [];
    }
    if (this.status === undefined) {
      throw Object.assign(new Error('Stack with id BenchlingWebhookStack does not exist'), { name: 'ValidationError', $metadata: {} });
    }
    const outputs = Object.entries(this.outputs).map(([OutputKey, OutputValue]) => ({ OutputKey, OutputValue }));
    return { Stacks: [{ StackId: STACK_ID, StackName: 'BenchlingWebhookStack', StackStatus: this.status, StackStatusReason: this.statusReason, CreationTime: new Date(), Outputs: outputs }] };
  }
}

const CLOUDFORMATION_PATIENCE_MS = 20_000;

/**
 * Stands in for toolkit-lib (whose deploy also needs STS, SSM, S3/ECR asset publishing and a
 * Docker build): it creates and executes the change set through the mocked CloudFormation
 * client and polls the stack until it settles, exactly as long as the stack says it is in progress.
 */
export class MockedCloudFormationDeployer implements StackDeployer {
  request?: DeployRequest;
  template = '';
  startedAt = 0;
  signal?: AbortSignal;

  constructor(private readonly onStart: (at: number) => void = () => undefined) {}

  async createChangeSet(request: DeployRequest): Promise<void> {
    this.request = request;
    this.template = await readFile(join(request.assemblyDir, `${request.stackName}.template.json`), 'utf8');
    captured('template handed to the deployer', this.template);
    const cloudFormation = new CloudFormationClient({ region: request.region });
    await cloudFormation.send(new CreateChangeSetCommand({ StackName: request.stackName, ChangeSetName: request.changeSetName, TemplateBody: this.template }));
  }

  async deploy(request: DeployRequest, signal: AbortSignal): Promise<void> {
    Object.assign(this, { request, signal, startedAt: Date.now() });
    assert.ok(this.template, 'the change set was created before it is executed');
    this.onStart(this.startedAt);
    const cloudFormation = new CloudFormationClient({ region: request.region });
    await cloudFormation.send(new ExecuteChangeSetCommand({ StackName: request.stackName, ChangeSetName: request.changeSetName }));
    while (!signal.aborted) {
      // CloudFormation's own wait, shortened: a watcher that never gives up fails the test here instead of hanging it.
      if (Date.now() - this.startedAt > CLOUDFORMATION_PATIENCE_MS) throw new Error('the stack is still in progress: CloudFormation timed out');
      const status = (await cloudFormation.send(new DescribeStacksCommand({ StackName: request.stackName }))).Stacks?.[0]?.StackStatus ?? '';
      if (!status.endsWith('_IN_PROGRESS')) {
        if (status === 'CREATE_COMPLETE' || status === 'UPDATE_COMPLETE') return;
        throw new Error(`the stack ended ${status}`);
      }
      await abortableSleep(50, signal);
    }
    throw new Error('abandoned');
  }
}
