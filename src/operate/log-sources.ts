import { DescribeTaskDefinitionCommand, type ECSClient, type TaskDefinition } from '@aws-sdk/client-ecs';
import { AppError, UsageError } from '../errors/app-error.ts';
import { awsCall } from './aws-failure.ts';
import { resourcesOfType, type StackResource } from './cloudformation-stack.ts';

/** Where one container's logs go: awslogs names each stream `<prefix>/<container>/<task id>`. */
export interface LogSource {
  container: string;
  logGroup: string;
  streamPrefix: string;
}

export const CONTAINERS = ['webhook', 'worker'] as const;

/** The task definition's awslogs options are what ECS writes by, so they are read rather than guessed from names. */
export function logSourcesOf(taskDefinition: TaskDefinition): LogSource[] {
  return (taskDefinition.containerDefinitions ?? []).flatMap((c) => {
    const options = c.logConfiguration?.logDriver === 'awslogs' ? c.logConfiguration.options : undefined;
    const logGroup = options?.['awslogs-group'];
    const prefix = options?.['awslogs-stream-prefix'];
    if (!logGroup || !prefix) return [];
    return [{ container: prefix, logGroup, streamPrefix: `${prefix}/` }];
  });
}

export async function findLogSources(ecs: ECSClient, resources: readonly StackResource[]): Promise<LogSource[]> {
  const definitions = resourcesOfType(resources, 'AWS::ECS::TaskDefinition').map((r) => r.physicalId);
  const found = await Promise.all(
    definitions.map(async (arn) => {
      const out = await awsCall(`describe task definition ${arn}`, () => ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: arn })));
      return out.taskDefinition ? logSourcesOf(out.taskDefinition) : [];
    }),
  );
  return found.flat().sort((a, b) => a.container.localeCompare(b.container));
}

export function checkContainer(container: string | undefined): void {
  if (container !== undefined && !(CONTAINERS as readonly string[]).includes(container)) {
    throw new UsageError('CONTAINER_INVALID', `--container ${container} is not a container of the stack: use --container webhook or --container worker`);
  }
}

export function selectLogSources(sources: readonly LogSource[], container: string | undefined, stackName: string): LogSource[] {
  const selected = container === undefined ? [...sources] : sources.filter((s) => s.container === container);
  if (selected.length === 0) {
    throw new AppError(
      'LOG_GROUPS_NOT_FOUND',
      `stack ${stackName} has no awslogs log group${container ? ` for container ${container}` : ''} in its task definitions: ` +
        'check the stack with `benchling-webhook status`, or redeploy it with `benchling-webhook deploy`',
    );
  }
  return selected;
}
