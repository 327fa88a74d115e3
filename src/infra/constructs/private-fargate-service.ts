import * as ecs from 'aws-cdk-lib/aws-ecs';
import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import type { Construct } from 'constructs';
import type { AppTask } from './app-task.ts';

export interface PrivateFargateServiceProps {
  readonly cluster: ecs.ICluster;
  readonly task: AppTask;
  readonly subnets: ec2.SubnetSelection;
}

/** How a service replaces its tasks: the one thing the webhook and the worker do differently. */
export type Rollout = Pick<ecs.FargateServiceProps, 'minHealthyPercent' | 'maxHealthyPercent' | 'healthCheckGracePeriod'>;

/**
 * What both services share: private subnets without public addresses, and the deployment
 * circuit breaker with rollback, so tasks that keep failing (a secret they cannot read) end
 * the deployment instead of retrying for hours.
 */
export function privateFargateService(scope: Construct, props: PrivateFargateServiceProps, rollout: Rollout): ecs.FargateService {
  return new ecs.FargateService(scope, 'Service', {
    cluster: props.cluster,
    taskDefinition: props.task.taskDefinition,
    vpcSubnets: props.subnets,
    assignPublicIp: false,
    circuitBreaker: { enable: true, rollback: true },
    ...rollout,
    propagateTags: ecs.PropagatedTagSource.SERVICE,
  });
}
