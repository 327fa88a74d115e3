import { isTaskFailure, type StoppedTask } from './stopped-task.ts';

/** What the watcher has seen so far: every stopped task once, and the failures among them. */
export interface WatchState {
  readonly seen: ReadonlySet<string>;
  readonly failures: readonly StoppedTask[];
}

export interface WatchRule {
  /** Tasks stopped before the deploy started belong to an earlier deploy. */
  since: Date;
  maxFailures: number;
}

export interface WatchStep {
  state: WatchState;
  /** Failures to report now, oldest first, never past the limit. */
  newFailures: StoppedTask[];
  /** The limit is reached: stop waiting for CloudFormation. */
  giveUp: boolean;
}

export const INITIAL_WATCH_STATE: WatchState = { seen: new Set(), failures: [] };

/** Only tasks not described before need a DescribeTasks call. */
export function unseenTaskArns(state: WatchState, arns: readonly string[]): string[] {
  return [...new Set(arns)].filter((arn) => !state.seen.has(arn));
}

function stoppedTime(task: StoppedTask): number {
  return task.stoppedAt?.getTime() ?? Number.POSITIVE_INFINITY;
}

export function observeStoppedTasks(state: WatchState, described: readonly StoppedTask[], rule: WatchRule): WatchStep {
  const seen = new Set(state.seen);
  described.forEach((task) => seen.add(task.taskArn));
  const room = Math.max(0, rule.maxFailures - state.failures.length);
  const newFailures = described
    .filter((task) => !state.seen.has(task.taskArn) && isTaskFailure(task) && stoppedTime(task) >= rule.since.getTime())
    .sort((a, b) => stoppedTime(a) - stoppedTime(b))
    .slice(0, room);
  const failures = [...state.failures, ...newFailures];
  return { state: { seen, failures }, newFailures, giveUp: failures.length >= rule.maxFailures };
}
