import { AppError } from '../errors/app-error.ts';
import type { DeployClients } from './deploy-clients.ts';
import type { DeployOutcome } from './deploy-report.ts';
import { watchEcsServices, type Sleep, type TaskFailure } from './ecs-watcher.ts';
import type { DeployRequest, StackDeployer } from './stack-deployer.ts';
import { describeStack } from '../operate/cloudformation-stack.ts';

export interface DeployAndWatchOptions {
  deployer: StackDeployer;
  clients: DeployClients;
  request: DeployRequest;
  pollIntervalMs: number;
  maxFailures: number;
  sleep: Sleep;
  now(): Date;
  onFailure(failure: TaskFailure, count: number): void;
  onNotice(line: string): void;
}

function errorText(error: unknown): string {
  if (error instanceof AppError) return `${error.code}: ${error.message}`;
  return error instanceof Error ? error.message : String(error);
}

/**
 * Runs the stack deploy and the ECS watcher side by side. Whichever ends first decides: the
 * deploy ending stops the watcher; the watcher giving up abandons the deploy, so a task that
 * can never start costs a few poll intervals instead of CloudFormation's hour-long wait.
 */
export async function deployAndWatch(options: DeployAndWatchOptions): Promise<DeployOutcome> {
  const { stackName } = options.request;
  const stopWatching = new AbortController();
  const abandonDeploy = new AbortController();
  const since = options.now();
  const deploying = options.deployer.deploy(options.request, abandonDeploy.signal).then(
    () => ({ ended: 'deploy' as const, error: undefined }),
    (error: unknown) => ({ ended: 'deploy' as const, error: error ?? new Error('the deploy failed') }),
  );
  const watching = watchEcsServices({ ...options, stackName, since, signal: stopWatching.signal });
  const first = await Promise.race([deploying, watching.then((result) => ({ ended: 'watch' as const, result }))]);
  if (first.ended === 'watch') {
    // The watcher returns before it is stopped only when it gives up.
    abandonDeploy.abort();
    return { status: 'abandoned', stackName, failures: first.result.failures };
  }
  stopWatching.abort();
  const { failures } = await watching;
  if (first.error !== undefined) return { status: 'failed', stackName, error: errorText(first.error), failures };
  return { status: 'deployed', stack: await describeStack(options.clients.cloudFormation, stackName), failures };
}
