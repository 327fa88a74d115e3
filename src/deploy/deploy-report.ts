import type { StackSummary } from '../operate/cloudformation-stack.ts';
import type { TaskFailure } from './ecs-watcher.ts';
import { describeContainer } from './stopped-task.ts';

/** The CfnOutput of BenchlingWebhookStack that holds the endpoint to give Benchling. */
const WEBHOOK_URL_OUTPUT = 'WebhookUrl';

export type DeployOutcome =
  | { status: 'deployed'; stack: StackSummary; failures: TaskFailure[] }
  /** Tasks kept failing: the deploy was abandoned before CloudFormation finished. */
  | { status: 'abandoned'; stackName: string; failures: TaskFailure[] }
  | { status: 'failed'; stackName: string; error: string; failures: TaskFailure[] };

const indent = (lines: readonly string[], by = '    '): string[] => lines.map((line) => `${by}${line}`);

/** Printed the moment a failed task is seen, so the reason is on screen while the deploy still runs. */
export function formatTaskFailure(failure: TaskFailure, count: number, maxFailures: number): string {
  const { task, container, logs } = failure;
  const lines = [`ECS task ${task.taskId} of service ${task.service} stopped (failure ${count} of ${maxFailures}): ${task.stoppedReason}`];
  if (task.stopCode) lines.push(`  stop code: ${task.stopCode}`);
  if (container) lines.push(`  ${describeContainer(container)}`);
  if (logs.lines.length > 0) lines.push(`  last log lines (${logs.location?.group} ${logs.location?.stream}):`, ...indent(logs.lines));
  else if (logs.note) lines.push(`  logs: ${logs.note}`);
  return lines.join('\n');
}

function reasonsAndFixes(failures: readonly TaskFailure[]): string[] {
  const reasons = new Map<string, number>();
  failures.forEach((f) => reasons.set(f.task.stoppedReason, (reasons.get(f.task.stoppedReason) ?? 0) + 1));
  const fixes = [...new Set(failures.map((f) => f.fix))];
  return [
    'reasons:',
    ...[...reasons].map(([reason, times]) => `  ${times}× ${reason}`),
    fixes.length === 1 ? `fix: ${fixes[0]}` : 'fix:',
    ...(fixes.length === 1 ? [] : fixes.map((fix) => `  - ${fix}`)),
  ];
}

function formatDeployed(stack: StackSummary): string {
  const url = stack.outputs[WEBHOOK_URL_OUTPUT];
  if (!url) return `deployed ${stack.name} (${stack.status}), but it has no ${WEBHOOK_URL_OUTPUT} output: run \`benchling-webhook status\``;
  return [
    `deployed ${stack.name} (${stack.status})`,
    `webhook URL: ${url}`,
    'next: in the Benchling Developer Console open the app, paste this URL as its Webhook URL and choose "Suffixed" routing',
    '      (Benchling then calls …/event, …/canvas and …/lifecycle); then install the app in your tenant',
  ].join('\n');
}

/** The final word of `deploy`, for a terminal. */
export function formatOutcome(outcome: DeployOutcome, maxFailures: number): string {
  switch (outcome.status) {
    case 'deployed':
      return formatDeployed(outcome.stack);
    case 'abandoned':
      return [
        `deploy: stopped waiting for ${outcome.stackName} after ${outcome.failures.length} failed ECS tasks (--max-task-failures ${maxFailures});`,
        '  CloudFormation was not waited for: the ECS deployment circuit breaker rolls the service back and the stack follows.',
        ...reasonsAndFixes(outcome.failures),
      ].join('\n');
    case 'failed':
      return [`deploy of ${outcome.stackName} failed: ${outcome.error}`, ...(outcome.failures.length > 0 ? reasonsAndFixes(outcome.failures) : [])].join('\n');
  }
}

function failureJson(failure: TaskFailure) {
  const { task } = failure;
  return {
    service: task.service,
    taskArn: task.taskArn,
    stoppedReason: task.stoppedReason,
    stopCode: task.stopCode,
    container: failure.container,
    logStream: failure.logs.location?.stream,
    logLines: failure.logs.lines,
    fix: failure.fix,
  };
}

/** The final word of `deploy --json`: one object. */
export function outcomeJson(outcome: DeployOutcome): Record<string, unknown> {
  const failures = outcome.failures.map(failureJson);
  switch (outcome.status) {
    case 'deployed':
      return { status: 'deployed', stackName: outcome.stack.name, stackStatus: outcome.stack.status, webhookUrl: outcome.stack.outputs[WEBHOOK_URL_OUTPUT], outputs: outcome.stack.outputs, failures };
    case 'abandoned':
      return { status: 'abandoned', stackName: outcome.stackName, failures };
    case 'failed':
      return { status: 'failed', stackName: outcome.stackName, error: outcome.error, failures };
  }
}
