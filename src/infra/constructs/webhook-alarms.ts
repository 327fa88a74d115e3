import { Duration } from 'aws-cdk-lib';
import type * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as ecs from 'aws-cdk-lib/aws-ecs';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { UsageError } from '../../errors/app-error.ts';
import { acknowledge } from '../acknowledge.ts';

export interface WatchedService {
  readonly name: string;
  readonly service: ecs.FargateService;
}

export interface WebhookAlarmsProps {
  readonly cluster: ecs.ICluster;
  readonly services: readonly WatchedService[];
  readonly deadLetterQueue: sqs.IQueue;
  /** The interactive lane's dead letters (canvas clicks), watched like the jobs' own. */
  readonly interactiveDeadLetterQueue?: sqs.IQueue;
  /** Quilt's package-revision events the worker could not use (integrated mode only). */
  readonly packageEventDeadLetterQueue?: sqs.IQueue | undefined;
  readonly stage: apigw.Stage;
  /** Where alarms are mailed; default no notification (the alarms still show in CloudWatch). */
  readonly alarmEmail?: string;
}

interface AlarmSpec {
  description: string;
  /** Alarm at this value or above; default 1. */
  threshold?: number;
  /** Consecutive periods; default 1. */
  periods?: number;
}

const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;

/**
 * What the incident lacked: an alarm when tasks cannot start, with the stopped reasons kept
 * where an operator (or `deploy`) can read them, plus running < desired, dead letters and 5xx.
 */
export class WebhookAlarms extends Construct {
  readonly alarms: cloudwatch.Alarm[] = [];
  readonly topic?: sns.Topic;
  /** ECS "task failed to start" events, stopped reason included, kept 14 days. */
  readonly taskFailureEvents: sqs.Queue;

  constructor(scope: Construct, id: string, props: WebhookAlarmsProps) {
    super(scope, id);
    if (props.alarmEmail !== undefined) {
      if (!EMAIL.test(props.alarmEmail)) throw new UsageError('ALARM_EMAIL_INVALID', 'the alarm email is not an email address');
      this.topic = new sns.Topic(this, 'Topic', { displayName: 'Benchling webhook alarms', enforceSSL: true });
      this.topic.addSubscription(new subscriptions.EmailSubscription(props.alarmEmail));
      acknowledge(
        this.topic,
        'AwsSolutions-SNS2',
        'Alarm notifications carry only alarm names and states; CloudWatch cannot publish to a topic encrypted with the ' +
          'AWS-managed SNS key, and a customer-managed key is not warranted for that content.',
      );
    }
    for (const watched of props.services) {
      this.add(`${watched.name}BelowDesired`, belowDesired(props.cluster, watched), {
        periods: 10,
        description: `${watched.name} has run fewer tasks than desired for 10 minutes`,
      });
    }
    this.taskFailureEvents = this.watchTaskStartFailures(props.cluster);
    this.add(
      'DeadLetters',
      props.deadLetterQueue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5), statistic: 'Maximum' }),
      { description: 'jobs failed every delivery and wait in the dead-letter queue' },
    );
    if (props.interactiveDeadLetterQueue !== undefined) {
      this.add(
        'InteractiveDeadLetters',
        props.interactiveDeadLetterQueue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5), statistic: 'Maximum' }),
        { description: 'canvas clicks failed every delivery and wait in the interactive dead-letter queue' },
      );
    }
    if (props.packageEventDeadLetterQueue !== undefined) {
      this.add(
        'PackageEventDeadLetters',
        props.packageEventDeadLetterQueue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5), statistic: 'Maximum' }),
        { description: "Quilt's package-revision events failed every delivery, or were not readable, and wait in their dead-letter queue" },
      );
    }
    this.add(
      'ServerErrorRate',
      props.stage.metricServerError({ period: Duration.minutes(1), statistic: 'Average' }),
      { periods: 5, threshold: 0.05, description: '5% or more of webhook requests answered 5xx for 5 minutes' },
    );
  }

  /**
   * The rule needs a target for its TriggeredRules metric to count; a queue is that target and
   * keeps each event's stopped reason. (A log group would need an account-wide logs resource
   * policy, of which a region allows only ten.)
   */
  private watchTaskStartFailures(cluster: ecs.ICluster): sqs.Queue {
    const queue = new sqs.Queue(this, 'TaskFailureEvents', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    acknowledge(
      queue,
      'AwsSolutions-SQS3',
      'This queue only keeps ECS task-failure events as evidence for operators and `benchling-webhook deploy`; ' +
        'nothing consumes it, so there is no failed processing to dead-letter.',
    );
    const rule = new events.Rule(this, 'TaskFailedToStart', {
      description: 'ECS tasks of the webhook cluster that stopped before they started',
      eventPattern: {
        source: ['aws.ecs'],
        detailType: ['ECS Task State Change'],
        detail: { clusterArn: [cluster.clusterArn], lastStatus: ['STOPPED'], stopCode: ['TaskFailedToStart'] },
      },
      targets: [new targets.SqsQueue(queue)],
    });
    this.add(
      'TaskStartFailures',
      new cloudwatch.Metric({
        namespace: 'AWS/Events',
        metricName: 'TriggeredRules',
        dimensionsMap: { RuleName: rule.ruleName },
        period: Duration.minutes(5),
        statistic: 'Sum',
      }),
      { description: 'ECS tasks failed to start; their stopped reasons are kept in the TaskFailureEvents queue' },
    );
    return queue;
  }

  private add(id: string, metric: cloudwatch.IMetric, spec: AlarmSpec): void {
    const alarm = new cloudwatch.Alarm(this, id, {
      metric,
      threshold: spec.threshold ?? 1,
      evaluationPeriods: spec.periods ?? 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      alarmDescription: spec.description,
    });
    if (this.topic) alarm.addAlarmAction(new actions.SnsAction(this.topic));
    this.alarms.push(alarm);
  }
}

function belowDesired(cluster: ecs.ICluster, watched: WatchedService): cloudwatch.IMetric {
  const metric = (metricName: string) =>
    new cloudwatch.Metric({
      namespace: 'ECS/ContainerInsights',
      metricName,
      dimensionsMap: { ClusterName: cluster.clusterName, ServiceName: watched.service.serviceName },
      period: Duration.minutes(1),
      statistic: 'Average',
    });
  return new cloudwatch.MathExpression({
    expression: 'desired - running',
    usingMetrics: { desired: metric('DesiredTaskCount'), running: metric('RunningTaskCount') },
    period: Duration.minutes(1),
    label: `${watched.name} tasks missing`,
  });
}
