import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Toolkit, type DeployOptions, type DeployResult, type ICloudAssemblySource, type IIoHost, type IoMessage, type IoRequest } from '@aws-cdk/toolkit-lib';
import type { AppError } from '../../src/errors/app-error.ts';
import { DeployAbandonedError, ProgressIoHost, progressLine } from '../../src/deploy/progress-host.ts';
import type { DeployRequest } from '../../src/deploy/stack-deployer.ts';
import { ToolkitStackDeployer } from '../../src/deploy/toolkit-deployer.ts';
import { synthStack } from '../infra/support.ts';

const STACK = 'BwDeployTarget';

function request(assemblyDir: string, lines: string[] = [], overrides: Partial<DeployRequest> = {}): DeployRequest {
  return { assemblyDir, stackName: STACK, changeSetName: 'benchling-webhook-20261205-080000000', region: 'us-east-1', awsProfile: undefined, requireApproval: 'never', progress: (line) => lines.push(line), ...overrides };
}

/** The real toolkit, except that `deploy` resolves its stack selection against the assembly instead of calling AWS. */
class SelectingToolkit extends Toolkit {
  selected: string[] = [];
  options?: DeployOptions;
  constructor(
    ioHost: IIoHost,
    private readonly behaviour: (host: IIoHost) => Promise<void> = async () => undefined,
  ) {
    super({ ioHost, color: false, emojis: false });
  }
  override async deploy(cx: ICloudAssemblySource, options: DeployOptions = {}): Promise<DeployResult> {
    this.options = options;
    this.selected = (await this.list(cx, { stacks: options.stacks })).map((stack) => stack.name);
    await this.behaviour(this.ioHost);
    return { stacks: [] };
  }
}

const synthesized = synthStack({}, { stackName: STACK }).outdir;

test('the toolkit deployer hands toolkit-lib the synthesized assembly, selects exactly the named stack, creates the named change set for review, then executes that one with rollback', async () => {
  let toolkit: SelectingToolkit | undefined;
  const deployer = new ToolkitStackDeployer(async (host) => (toolkit = new SelectingToolkit(host)));
  await deployer.createChangeSet(request(synthesized));
  assert.deepEqual(toolkit!.selected, [STACK]);
  assert.deepEqual(toolkit!.options?.deploymentMethod, { method: 'change-set', changeSetName: 'benchling-webhook-20261205-080000000', execute: false });
  await deployer.deploy(request(synthesized), new AbortController().signal);
  assert.deepEqual(toolkit!.selected, [STACK]);
  assert.deepEqual(toolkit!.options?.deploymentMethod, { method: 'execute-change-set', changeSetName: 'benchling-webhook-20261205-080000000' });
  assert.equal(toolkit!.options?.rollback, true);

  const other = new ToolkitStackDeployer(async (host) => new SelectingToolkit(host));
  // A name that matches nothing selects nothing: the toolkit refuses rather than deploying some other stack.
  await assert.rejects(other.deploy(request(synthesized, [], { stackName: 'NotInTheAssembly' }), new AbortController().signal), /Stack selection/);
});

test('abandoning the deploy makes the toolkit fail at its next message, so its polling ends', async () => {
  const abandon = new AbortController();
  let polls = 0;
  const pollForever = async (host: IIoHost) => {
    for (;;) {
      polls += 1;
      if (polls === 3) abandon.abort();
      await host.notify({ time: new Date(), level: 'debug', action: 'deploy', message: 'Stack has an ongoing operation in progress', data: undefined });
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  };
  const deployer = new ToolkitStackDeployer(async (host) => new SelectingToolkit(host, pollForever));
  await assert.rejects(deployer.deploy(request(synthesized), abandon.signal), DeployAbandonedError);
  assert.equal(polls, 3);
});

test('a missing bootstrap stack becomes an error that says to run cdk bootstrap', async () => {
  const unbootstrapped = async () => {
    throw new Error("SSM parameter /cdk-bootstrap/hnb659fds/version not found. Has the environment been bootstrapped? Please run 'cdk bootstrap'");
  };
  const deployer = new ToolkitStackDeployer(async (host) => new SelectingToolkit(host, unbootstrapped));
  await assert.rejects(deployer.deploy(request(synthesized), new AbortController().signal), (error: AppError) => {
    assert.equal(error.code, 'CDK_NOT_BOOTSTRAPPED');
    assert.match(error.message, /npx aws-cdk@2 bootstrap aws:\/\/<account>\/<region>/);
    return true;
  });
});

const message = (code: string, level: IoMessage<unknown>['level'], data: unknown, text = ''): IoMessage<unknown> =>
  ({ time: new Date(), level, action: 'deploy', code, message: text, data }) as IoMessage<unknown>;

test('progress is one short line per stack event worth seeing, with the percent done', () => {
  const activity = (status: string, type: string, id: string, reason?: string) =>
    message('CDK_TOOLKIT_I5502', 'info', {
      deployment: 'd',
      event: { ResourceStatus: status, ResourceType: type, LogicalResourceId: id, ResourceStatusReason: reason },
      progress: { total: 40, completed: 10, formatted: '10/40' },
    });
  assert.equal(progressLine(activity('CREATE_COMPLETE', 'AWS::SQS::Queue', 'Jobs')), ' 25% CREATE_COMPLETE AWS::SQS::Queue Jobs');
  assert.equal(progressLine(activity('CREATE_IN_PROGRESS', 'AWS::SQS::Queue', 'Jobs', 'Resource creation Initiated')), undefined);
  assert.equal(
    progressLine(activity('CREATE_IN_PROGRESS', 'AWS::ECS::Service', 'WebhookService', 'Eventual consistency check initiated')),
    ' 25% CREATE_IN_PROGRESS AWS::ECS::Service WebhookService: Eventual consistency check initiated',
  );
  assert.equal(
    progressLine(activity('CREATE_FAILED', 'AWS::ECS::Service', 'WorkerService', 'ECS Deployment Circuit Breaker was triggered')),
    ' 25% CREATE_FAILED AWS::ECS::Service WorkerService: ECS Deployment Circuit Breaker was triggered',
  );
  assert.equal(progressLine(message('CDK_TOOLKIT_I9999', 'debug', undefined, 'noise')), undefined);
  assert.equal(progressLine(message('CDK_TOOLKIT_W0000', 'warn', undefined, 'careful\n')), 'warning: careful');
});

test('--require-approval broadening refuses IAM-widening changes unattended; never accepts them', async () => {
  const ask = (permissionChangeType: string) =>
    ({ ...message('CDK_TOOLKIT_I5060', 'info', { permissionChangeType }), defaultResponse: true }) as IoRequest<unknown, boolean>;
  const lines: string[] = [];
  const strict = new ProgressIoHost((line) => lines.push(line), 'broadening');
  assert.equal(await strict.requestResponse(ask('broadening')), false);
  assert.equal(await strict.requestResponse(ask('none')), true);
  assert.match(lines.join('\n'), /--require-approval never/);
  assert.equal(await new ProgressIoHost(() => undefined, 'never').requestResponse(ask('broadening')), true);
});
