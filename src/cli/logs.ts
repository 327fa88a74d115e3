import { UsageError } from '../errors/app-error.ts';
import { createOperateClients, destroyClients } from '../operate/aws-clients.ts';
import { describeStack, listStackResources } from '../operate/cloudformation-stack.ts';
import { parseDuration } from '../operate/duration.ts';
import { followLogLines, formatLogLine, logLineJson, readLogLines } from '../operate/log-events.ts';
import { checkContainer, findLogSources, selectLogSources } from '../operate/log-sources.ts';
import { operateRuntime } from '../operate/operate-runtime.ts';
import { resolveStackTarget } from '../operate/stack-target.ts';
import type { LogsOptions } from './commands/logs.ts';
import { println, type CliIo } from './io.ts';

/** Often enough to feel live, rarely enough to stay far below FilterLogEvents' request quota. */
const FOLLOW_POLL_MS = 2_000;

/** `logs`: the containers' CloudWatch logs since --since, and with --follow what arrives until Ctrl-C. */
export async function logs(options: LogsOptions, io: CliIo): Promise<number> {
  const sinceMs = parseDuration(options.since, '--since');
  if (options.filter !== undefined && options.filter.trim() === '') throw new UsageError('LOGS_FILTER_EMPTY', '--filter needs a pattern: a word (job), a "quoted phrase", or { $.level >= 50 }');
  checkContainer(options.container);
  const target = await resolveStackTarget(options, io.env);
  const runtime = operateRuntime();
  const clients = createOperateClients(target, io.env);
  try {
    const stack = await describeStack(clients.cloudFormation, target.stackName);
    const resources = await listStackResources(clients.cloudFormation, stack.id);
    const sources = selectLogSources(await findLogSources(clients.ecs, resources), options.container, stack.name);
    const emit = (line: Parameters<typeof formatLogLine>[0]) => println(io.stdout, options.json ? logLineJson(line) : formatLogLine(line));
    const from = runtime.now() - sinceMs;
    if (!options.follow) {
      (await readLogLines(clients.logs, sources, from, options.filter)).forEach(emit);
      return 0;
    }
    const interruption = runtime.interruption();
    try {
      await followLogLines(clients.logs, sources, { from, pollMs: FOLLOW_POLL_MS, signal: interruption.signal, sleep: runtime.sleep, emit, filterPattern: options.filter });
    } finally {
      interruption.dispose();
    }
    return 0;
  } finally {
    destroyClients(clients);
  }
}
