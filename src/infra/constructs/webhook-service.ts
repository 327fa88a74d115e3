import { Duration } from 'aws-cdk-lib';
import * as appscaling from 'aws-cdk-lib/aws-applicationautoscaling';
import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import type * as ecs from 'aws-cdk-lib/aws-ecs';
import { Construct } from 'constructs';
import type { AppTask } from './app-task.ts';
import { privateFargateService } from './private-fargate-service.ts';

export interface WebhookServiceProps {
  readonly cluster: ecs.ICluster;
  readonly task: AppTask;
  readonly subnets: ec2.SubnetSelection;
  /** Default 2: one task per availability zone, so a zone outage does not stop acknowledgements. */
  readonly minTasks?: number;
  /** Default 6. */
  readonly maxTasks?: number;
}

/** The webhook service's tasks: acknowledge, verify, queue. Scales on CPU and on request volume. */
export class WebhookService extends Construct {
  readonly service: ecs.FargateService;
  readonly scaling: ecs.ScalableTaskCount;

  constructor(scope: Construct, id: string, props: WebhookServiceProps) {
    super(scope, id);
    this.service = privateFargateService(this, props, { minHealthyPercent: 100, maxHealthyPercent: 200, healthCheckGracePeriod: Duration.seconds(60) });
    this.scaling = this.service.autoScaleTaskCount({ minCapacity: props.minTasks ?? 2, maxCapacity: props.maxTasks ?? 6 });
    this.scaling.scaleOnCpuUtilization('Cpu', {
      targetUtilizationPercent: 60,
      scaleOutCooldown: Duration.minutes(1),
      scaleInCooldown: Duration.minutes(5),
    });
  }

  /**
   * Adds tasks when the endpoint's request count per minute rises. It only scales out: scale-in
   * is left to the CPU target so that two policies never pull in opposite directions.
   */
  scaleOnRequests(requestsPerMinute: cloudwatch.IMetric): void {
    this.scaling.scaleOnMetric('Requests', {
      metric: requestsPerMinute,
      adjustmentType: appscaling.AdjustmentType.CHANGE_IN_CAPACITY,
      scalingSteps: [
        { upper: 600, change: 0 },
        { lower: 600, change: 1 },
        { lower: 3000, change: 2 },
      ],
      cooldown: Duration.minutes(2),
    });
  }
}
