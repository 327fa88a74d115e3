import type { StatusReport } from './status-report.ts';

type Row = [mark: string, label: string, text: string];

const mark = (healthy: boolean) => (healthy ? '✓' : '✗');

function serviceRows(report: StatusReport): Row[] {
  return report.services.map((s) => {
    const d = s.deployment;
    const deployment = d ? `  deployment ${d.rolloutState ?? '?'}${d.updatedAt ? ` ${d.updatedAt}` : ''}${d.rolloutStateReason ? ` (${d.rolloutStateReason})` : ''}` : '';
    return [mark(s.healthy), s.role, `${s.running}/${s.desired} running, ${s.pending} pending${deployment}`];
  });
}

function queueRows(report: StatusReport): Row[] {
  const rows: Row[] = [];
  if (report.queue) rows.push([' ', 'queue', `${report.queue.waiting} waiting, ${report.queue.inFlight} in flight`]);
  if (report.deadLetters) rows.push([mark(report.deadLetters.healthy), 'dead letters', `${report.deadLetters.waiting + report.deadLetters.inFlight} jobs`]);
  return rows;
}

/** Which stack the report is of, as the command line named it: the way back to it from another command. */
export interface StatusTarget {
  profile: string;
  stackName?: string | undefined;
  region?: string | undefined;
}

/** The `jobs` command that lists these dead letters, with the flags that found this stack. */
export function jobsListCommand(target: StatusTarget): string {
  const flags = [`--profile ${target.profile}`, ...(target.stackName ? [`--stack-name ${target.stackName}`] : []), ...(target.region ? [`--region ${target.region}`] : [])];
  return `benchling-webhook jobs list ${flags.join(' ')}`;
}

/** A compact summary: one aligned row per thing, ✗ on whatever is unhealthy, the verdict last. */
export function formatStatus(report: StatusReport, target: StatusTarget): string {
  const { stack } = report;
  const rows: Row[] = [
    [mark(stack.healthy), 'stack', `${stack.name} (${stack.region}) ${stack.status}${stack.lastUpdated ? `  updated ${stack.lastUpdated}` : ''}${stack.statusReason ? `  ${stack.statusReason}` : ''}`],
    [' ', 'url', report.webhookUrl ?? '(no WebhookUrl output)'],
    ...serviceRows(report),
    ...queueRows(report),
    ...report.alarms.map((a): Row => [mark(a.healthy), 'alarm', `${a.name} ${a.state}${a.healthy ? '' : `: ${a.reason}`}`]),
  ];
  const width = Math.max(...rows.map(([, label]) => label.length));
  const lines = rows.map(([m, label, text]) => `${m} ${label.padEnd(width)}  ${text}`);
  if (report.deadLetters && !report.deadLetters.healthy) lines.push(`see the dead jobs, then retry or purge them: ${jobsListCommand(target)}`);
  lines.push(report.healthy ? 'healthy' : `unhealthy: ${report.problems.length} problem(s)`);
  return lines.join('\n');
}
