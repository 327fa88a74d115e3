import { DescribeTasksCommand, ListTasksCommand, type ECSClient } from '@aws-sdk/client-ecs';
import type { DeployClients } from './deploy-clients.ts';
import { fixFor } from './failure-fix.ts';
import { findEcsTargets, type EcsTargets } from './stack-services.ts';
import { failingContainer, toStoppedTask, type ContainerStop, type StoppedTask } from './stopped-task.ts';
import { TaskLogReader, type TaskLogs } from './task-logs.ts';
import { INITIAL_WATCH_STATE, observeStoppedTasks, unseenTaskArns, type WatchState } from './watch-state.ts';

export interface TaskFailure {
  task: StoppedTask;
  container?: ContainerStop;
  logs: TaskLogs;
  fix: string;
}

/** Resolves after `ms`, or as soon as the signal aborts; tests pass one that does not really wait. */
export type Sleep = (ms: number, signal: AbortSignal) => Promise<void>;

export interface EcsWatchOptions {
  clients: DeployClients;
  stackName: string;
  pollIntervalMs: number;
  maxFailures: number;
  /** When the deploy started: tasks stopped before belong to an earlier one. */
  since: Date;
  sleep: Sleep;
  /** Aborted when the deploy has ended and there is nothing left to watch for. */
  signal: AbortSignal;
  onFailure(failure: TaskFailure, count: number): void;
  /** A problem of the watcher itself (throttling, a missing permission): the deploy goes on. */
  onNotice(line: string): void;
}

export interface EcsWatchResult {
  failures: TaskFailure[];
  /** The failure limit was reached before the deploy ended. */
  gaveUp: boolean;
}

const DESCRIBE_LIMIT = 100;

async function stoppedTasksOf(ecs: ECSClient, targets: EcsTargets, state: WatchState): Promise<StoppedTask[]> {
  const perService = await Promise.all(
    targets.services.map(async (service) => {
      const listed = await ecs.send(new ListTasksCommand({ cluster: targets.cluster, serviceName: service.name, desiredStatus: 'STOPPED' }));
      const unseen = unseenTaskArns(state, listed.taskArns ?? []).slice(0, DESCRIBE_LIMIT);
      if (unseen.length === 0) return [];
      const described = await ecs.send(new DescribeTasksCommand({ cluster: targets.cluster, tasks: unseen }));
      return (described.tasks ?? []).map((task) => toStoppedTask(task, service.name));
    }),
  );
  return perService.flat();
}

/** A stack that a change set has not created yet has no resources to list. */
async function currentTargets(clients: DeployClients, stackName: string): Promise<EcsTargets | undefined> {
  try {
    return await findEcsTargets(clients.cloudFormation, stackName);
  } catch (error) {
    if ((error as Error).name === 'ValidationError' && /does not exist/.test((error as Error).message)) return undefined;
    throw error;
  }
}

async function explain(task: StoppedTask, reader: TaskLogReader): Promise<TaskFailure> {
  const container = failingContainer(task);
  const logs = container
    ? await reader.lastLines(task.taskDefinitionArn, container.name, task.taskId).catch((error: Error) => ({ lines: [], note: `the logs could not be read: ${error.message}` }))
    : { lines: [], note: 'the task has no containers' };
  return { task, container, logs, fix: fixFor(task.stoppedReason, logs.lines) };
}

/**
 * Polls the stack's ECS services for stopped tasks while the stack deploys, reports each
 * failed one as soon as it is seen (reason, container exit, last log lines), and gives up
 * after `maxFailures`: ECS would keep starting tasks that fail the same way for as long as
 * CloudFormation is willing to wait.
 */
export async function watchEcsServices(options: EcsWatchOptions): Promise<EcsWatchResult> {
  const reader = new TaskLogReader(options.clients.ecs, options.clients.logs);
  const failures: TaskFailure[] = [];
  const noticed = new Set<string>();
  let state = INITIAL_WATCH_STATE;
  while (!options.signal.aborted) {
    try {
      const targets = await currentTargets(options.clients, options.stackName);
      if (targets && !options.signal.aborted) {
        const step = observeStoppedTasks(state, await stoppedTasksOf(options.clients.ecs, targets, state), options);
        state = step.state;
        for (const task of step.newFailures) {
          const failure = await explain(task, reader);
          failures.push(failure);
          options.onFailure(failure, failures.length);
        }
        if (step.giveUp) return { failures, gaveUp: true };
      }
    } catch (error) {
      const line = `watch: cannot read the ECS tasks (${(error as Error).name}: ${(error as Error).message}); the deploy goes on`;
      if (!noticed.has(line)) options.onNotice(line);
      noticed.add(line);
    }
    await options.sleep(options.pollIntervalMs, options.signal);
  }
  return { failures, gaveUp: false };
}
