import { CfnOutput, Fn, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { BenchlingWebhook, type BenchlingWebhookProps } from './benchling-webhook.ts';

export interface BenchlingWebhookStackProps extends StackProps, BenchlingWebhookProps {}

/** The deployable stack: the `BenchlingWebhook` construct and the outputs the CLI reads. */
export class BenchlingWebhookStack extends Stack {
  readonly webhook: BenchlingWebhook;

  constructor(scope: Construct, id: string, props: BenchlingWebhookStackProps) {
    super(scope, id, props);
    this.webhook = new BenchlingWebhook(this, 'Webhook', props);
    const output = (name: string, value: string, description: string) => new CfnOutput(this, name, { value, description });
    output('WebhookUrl', this.webhook.api.url, 'HTTPS endpoint to enter in the Benchling app manifest');
    output('QueueUrl', this.webhook.jobs.queue.queueUrl, 'SQS FIFO queue of packaging jobs');
    output('DeadLetterQueueUrl', this.webhook.jobs.deadLetterQueue.queueUrl, 'jobs that failed every delivery');
    output('InteractiveQueueUrl', this.webhook.interactiveJobs.queue.queueUrl, 'SQS FIFO queue of canvas navigation clicks');
    output('InteractiveDeadLetterQueueUrl', this.webhook.interactiveJobs.deadLetterQueue.queueUrl, 'canvas clicks that failed every delivery');
    const events = this.webhook.packageEvents;
    if (events !== undefined) {
      output('PackageEventQueueUrl', events.queue.queueUrl, "SQS queue of Quilt's package-revision events (PACKAGE_EVENT_QUEUE)");
      output('PackageEventDeadLetterQueueUrl', events.deadLetterQueue.queueUrl, 'package-revision events the worker could not use');
    }
    output('BucketName', this.webhook.packages.bucket.bucketName, 'Quilt registry bucket the packages go to');
    output('SecretArn', this.webhook.secret.secretArn, 'the Benchling secret the tasks read (its ARN only)');
    output('ClusterName', this.webhook.cluster.clusterName, 'ECS cluster');
    output('WebhookServiceName', this.webhook.webhookService.service.serviceName, 'ECS service of the webhook');
    output('WorkerServiceName', this.webhook.workerService.service.serviceName, 'ECS service of the worker');
    output('TaskFailureEventsQueueUrl', this.webhook.alarms.taskFailureEvents.queueUrl, 'why ECS tasks failed to start');
  }

  /**
   * Zones come from CloudFormation at deploy time, never from a context lookup at synth:
   * synth stays offline even when the account and region are known.
   */
  override get availabilityZones(): string[] {
    return [Fn.select(0, Fn.getAzs()), Fn.select(1, Fn.getAzs())];
  }
}
