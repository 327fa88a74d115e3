import { GetLogEventsCommand, type CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { DescribeTaskDefinitionCommand, type ContainerDefinition, type ECSClient } from '@aws-sdk/client-ecs';

export interface LogLocation {
  group: string;
  stream: string;
}

export interface TaskLogs {
  location?: LogLocation;
  lines: string[];
  /** Why there are no lines, when there are none. */
  note?: string;
}

/** The awslogs driver names a task's stream `<prefix>/<container>/<task id>`. */
export function logLocationOf(definitions: readonly ContainerDefinition[], container: string, taskId: string): LogLocation | undefined {
  const options = definitions.find((d) => d.name === container)?.logConfiguration?.options;
  const group = options?.['awslogs-group'];
  const prefix = options?.['awslogs-stream-prefix'];
  if (!group || !prefix) return undefined;
  return { group, stream: `${prefix}/${container}/${taskId}` };
}

/** Reads a stopped container's last log lines; one DescribeTaskDefinition per task definition. */
export class TaskLogReader {
  private readonly definitions = new Map<string, Promise<ContainerDefinition[]>>();

  constructor(
    private readonly ecs: ECSClient,
    private readonly logs: CloudWatchLogsClient,
    private readonly limit = 20,
  ) {}

  async lastLines(taskDefinitionArn: string | undefined, container: string, taskId: string): Promise<TaskLogs> {
    if (!taskDefinitionArn) return { lines: [], note: 'ECS named no task definition' };
    const location = logLocationOf(await this.containerDefinitions(taskDefinitionArn), container, taskId);
    if (!location) return { lines: [], note: `container ${container} has no awslogs configuration` };
    try {
      const page = await this.logs.send(
        new GetLogEventsCommand({ logGroupName: location.group, logStreamName: location.stream, limit: this.limit, startFromHead: false }),
      );
      const lines = (page.events ?? []).map((e) => (e.message ?? '').trimEnd()).filter((line) => line !== '');
      return { location, lines, note: lines.length === 0 ? 'the log stream is empty' : undefined };
    } catch (error) {
      if ((error as Error).name === 'ResourceNotFoundException') return { location, lines: [], note: 'no log stream: the container never started' };
      throw error;
    }
  }

  private containerDefinitions(arn: string): Promise<ContainerDefinition[]> {
    let pending = this.definitions.get(arn);
    if (!pending) {
      pending = this.ecs
        .send(new DescribeTaskDefinitionCommand({ taskDefinition: arn }))
        .then((out) => out.taskDefinition?.containerDefinitions ?? []);
      // A failed read is not cached: the next failure tries again.
      pending.catch(() => this.definitions.delete(arn));
      this.definitions.set(arn, pending);
    }
    return pending;
  }
}
