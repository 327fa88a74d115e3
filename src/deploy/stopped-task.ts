import type { Task } from '@aws-sdk/client-ecs';

export interface ContainerStop {
  name: string;
  exitCode?: number;
  reason?: string;
}

/** The part of an ECS task that says why it stopped, in the shape the watcher reasons about. */
export interface StoppedTask {
  taskArn: string;
  taskId: string;
  service: string;
  taskDefinitionArn?: string;
  stoppedReason: string;
  stopCode?: string;
  stoppedAt?: Date;
  containers: ContainerStop[];
}

/** The last segment of a task or service ARN (`.../cluster/<id>`). */
export function lastArnSegment(arn: string): string {
  return arn.slice(arn.lastIndexOf('/') + 1);
}

export function toStoppedTask(task: Task, service: string): StoppedTask {
  const taskArn = task.taskArn ?? '';
  return {
    taskArn,
    taskId: lastArnSegment(taskArn),
    service,
    taskDefinitionArn: task.taskDefinitionArn,
    stoppedReason: task.stoppedReason ?? '(ECS gave no reason)',
    stopCode: task.stopCode,
    stoppedAt: task.stoppedAt,
    containers: (task.containers ?? []).map((c) => ({ name: c.name ?? '?', exitCode: c.exitCode, reason: c.reason })),
  };
}

const HEALTH_CHECK_FAILURE = /health ?checks?/i;

/**
 * A rolling update stops old tasks on purpose, and a user may stop one by hand: those are not
 * failures. A task that never started, whose essential container exited, or that failed its
 * health checks is one: ECS will start another just like it, and it will fail the same way.
 */
export function isTaskFailure(task: StoppedTask): boolean {
  switch (task.stopCode) {
    case 'TaskFailedToStart':
    case 'EssentialContainerExited':
      return true;
    case 'ServiceSchedulerInitiated':
      return HEALTH_CHECK_FAILURE.test(task.stoppedReason);
    case 'UserInitiated':
    case 'SpotInterruption':
    case 'TerminationNotice':
      return false;
    default:
      return /Error|exited|failed/i.test(task.stoppedReason);
  }
}

/** The container to blame: the one that exited non-zero or carries a reason, else the first. */
export function failingContainer(task: StoppedTask): ContainerStop | undefined {
  return (
    task.containers.find((c) => c.exitCode !== undefined && c.exitCode !== 0) ??
    task.containers.find((c) => c.reason !== undefined) ??
    task.containers[0]
  );
}

export function describeContainer(container: ContainerStop): string {
  const parts = [
    container.exitCode === undefined ? 'no exit code (it never ran)' : `exit code ${container.exitCode}`,
    ...(container.reason ? [container.reason] : []),
  ];
  return `container ${container.name}: ${parts.join(', ')}`;
}
