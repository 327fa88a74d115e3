import { Duration } from 'aws-cdk-lib';
import * as appscaling from 'aws-cdk-lib/aws-applicationautoscaling';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import type * as ecs from 'aws-cdk-lib/aws-ecs';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { formatRate, peakTasks, type RateLimit } from '../rate-budget.ts';
import type { AppTask } from './app-task.ts';
import { privateFargateService } from './private-fargate-service.ts';

/**
 * During a rollout ECS may run old and new tasks together; the worker's deployment keeps the
 * total at the maximum count, so the rate budget holds then too. A queue worker can pause for
 * a rollout: the jobs wait in SQS.
 */
export const WORKER_MAXIMUM_PERCENT = 100;

export interface WorkerServiceProps {
  readonly cluster: ecs.ICluster;
  readonly task: AppTask;
  readonly subnets: ec2.SubnetSelection;
  readonly queue: sqs.IQueue;
  /** Default 1. */
  readonly minTasks?: number;
  readonly maxTasks: number;
  /** The per-process budget given to each task (BENCHLING_RATE_LIMIT). */
  readonly rateBudget: RateLimit;
  /** The tenant's limit that all worker processes share. */
  readonly tenantLimit: RateLimit;
}

/** The packaging workers: scale on the queue's backlog, stay within the tenant's API limit together. */
export class WorkerService extends Construct {
  readonly service: ecs.FargateService;
  readonly scaling: ecs.ScalableTaskCount;

  constructor(scope: Construct, id: string, props: WorkerServiceProps) {
    super(scope, id);
    this.service = privateFargateService(this, props, { minHealthyPercent: 0, maxHealthyPercent: WORKER_MAXIMUM_PERCENT });
    this.scaling = this.service.autoScaleTaskCount({ minCapacity: props.minTasks ?? 1, maxCapacity: props.maxTasks });
    // Jobs in flight count too: scaling in while they run would only hand them to another task.
    const backlog = new cloudwatch.MathExpression({
      expression: 'visible + inflight',
      usingMetrics: {
        visible: props.queue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(1), statistic: 'Maximum' }),
        inflight: props.queue.metricApproximateNumberOfMessagesNotVisible({ period: Duration.minutes(1), statistic: 'Maximum' }),
      },
      period: Duration.minutes(1),
      label: 'jobs waiting or running',
    });
    this.scaling.scaleOnMetric('Backlog', {
      metric: backlog,
      adjustmentType: appscaling.AdjustmentType.CHANGE_IN_CAPACITY,
      scalingSteps: [
        { upper: 0, change: -1 },
        { lower: 1, change: 1 },
        { lower: 50, change: 2 },
      ],
      cooldown: Duration.minutes(2),
    });
    this.node.addValidation({ validate: () => rateBudgetProblems(props) });
  }
}

/** Together the workers must stay under the tenant's limit, at the peak of a rollout too. */
export function rateBudgetProblems(props: Pick<WorkerServiceProps, 'maxTasks' | 'rateBudget' | 'tenantLimit'>): string[] {
  const { rateBudget: budget, tenantLimit: limit } = props;
  if (budget.windowSeconds !== limit.windowSeconds) {
    return [`the worker's rate budget ${formatRate(budget)} must use the tenant's window of ${limit.windowSeconds}s`];
  }
  const peak = peakTasks(props.maxTasks, WORKER_MAXIMUM_PERCENT);
  if (peak * budget.requests <= limit.requests) return [];
  return [
    `${peak} worker tasks × ${formatRate(budget)} = ${peak * budget.requests} requests per ${limit.windowSeconds}s, ` +
      `over the tenant's limit of ${formatRate(limit)}: lower the worker's maximum task count or its rate budget`,
  ];
}
