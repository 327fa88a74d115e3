import { UsageError } from '../errors/app-error.ts';
import { errorReason } from '../errors/error-reason.ts';
import { createOperateClients, destroyClients, type OperateClients } from '../operate/aws-clients.ts';
import { operateRuntime } from '../operate/operate-runtime.ts';
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

/** Often enough to see a deployment move, rarely enough for DescribeStacks' and ECS's request quotas. */
const DEFAULT_WATCH_SECONDS = 10;

/** --watch's interval in ms, or undefined without --watch. */
function watchIntervalMs(watch: StatusOptions['watch']): number | undefined {
  if (watch === undefined || watch === false) return undefined;
  if (watch === true) return DEFAULT_WATCH_SECONDS * 1000;
  const seconds = Number(watch);
  if (!Number.isFinite(seconds) || seconds < 1) throw new UsageError('SETTING_INVALID', `--watch ${JSON.stringify(watch)} is not a number of seconds: use --watch (every 10 s) or --watch 30`);
  return seconds * 1000;
}

/** One look at the stack: printed, and its exit code (0 healthy, 1 not). */
async function showOnce(clients: OperateClients, stackName: string, options: StatusOptions, io: CliIo): Promise<number> {
  const report = assessStatus(await readStackSnapshot(clients, stackName));
  println(io.stdout, options.json ? JSON.stringify(report) : formatStatus(report, { profile: options.profile, stackName: options.stackName, region: options.region }));
  return report.healthy ? 0 : 1;
}

/**
 * `status`: exit 0 when the stack is healthy, 1 when anything in it is not. With --watch it
 * looks again every interval until Ctrl-C, and exits with what the last look found; a look
 * that fails (a network blip) is reported and the next one tried.
 */
export async function status(options: StatusOptions, io: CliIo): Promise<number> {
  if (options.history) return history(options, io);
  const intervalMs = watchIntervalMs(options.watch);
  const target = await resolveStackTarget(options, io.env);
  const clients = createOperateClients(target, io.env);
  try {
    let code = await showOnce(clients, target.stackName, options, io);
    if (intervalMs === undefined) return code;
    const runtime = operateRuntime();
    const interruption = runtime.interruption();
    try {
      for (;;) {
        await runtime.sleep(intervalMs, interruption.signal);
        if (interruption.signal.aborted) return code;
        if (!options.json) println(io.stdout, `\n— ${new Date(runtime.now()).toISOString()} —`);
        code = await showOnce(clients, target.stackName, options, io).catch((error: unknown) => {
          println(io.stderr, `status: this look failed, trying again in ${intervalMs / 1000} s: ${errorReason(error)}`);
          return 1;
        });
      }
    } finally {
      interruption.dispose();
    }
  } finally {
    destroyClients(clients);
  }
}
