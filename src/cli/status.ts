import { createOperateClients, destroyClients } from '../operate/aws-clients.ts';
import { readStackSnapshot } from '../operate/stack-snapshot.ts';
import { resolveStackTarget } from '../operate/stack-target.ts';
import { formatStatus } from '../operate/status-format.ts';
import { assessStatus } from '../operate/status-report.ts';
import type { StatusOptions } from './commands/status.ts';
import { println, type CliIo } from './io.ts';

/** `status --history`: the deploy records kept next to the profile, oldest first. */
async function history(options: StatusOptions, io: CliIo): Promise<number> {
  const { formatHistory, historyPaths, readHistory } = await import('../deploy/deploy-history.ts');
  const records = await readHistory(historyPaths(options.profile, io.env));
  println(io.stdout, options.json ? JSON.stringify({ profile: options.profile, deploys: records }) : formatHistory(records, options.profile));
  return 0;
}

/** `status`: exit 0 when the stack is healthy, 1 when anything in it is not. */
export async function status(options: StatusOptions, io: CliIo): Promise<number> {
  if (options.history) return history(options, io);
  const target = await resolveStackTarget(options, io.env);
  const clients = createOperateClients(target, io.env);
  try {
    const snapshot = await readStackSnapshot(clients, target.stackName);
    const report = assessStatus(snapshot);
    println(io.stdout, options.json ? JSON.stringify(report) : formatStatus(report));
    return report.healthy ? 0 : 1;
  } finally {
    destroyClients(clients);
  }
}
