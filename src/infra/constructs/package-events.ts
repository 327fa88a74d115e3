import { Duration } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { JOB_RECEIVE_LIMIT } from '../../config/dead-letter-limits.ts';

export interface PackageEventsProps {
  /** The registry bucket: events of other buckets in the account never reach the queue. */
  readonly bucketName: string;
}

/**
 * Quilt's package-revision events, delivered to a queue of the worker's own (PACKAGE_EVENT_QUEUE).
 * With a packaging engine (PACKAGER) the engine commits each revision after the worker has
 * drawn the canvas, and this event is the only sign that it did. A standard queue: EventBridge
 * sends no group or deduplication id, and the events need no order (each redraw reads
 * `latest`). An event the worker cannot read, or that keeps failing, ends in the dead-letter
 * queue, moved there by the worker with its reason (or by SQS after JOB_RECEIVE_LIMIT
 * deliveries); the dead letters are kept 14 days, like the jobs'.
 */
export class PackageEvents extends Construct {
  readonly queue: sqs.Queue;
  readonly deadLetterQueue: sqs.Queue;
  readonly rule: events.Rule;

  constructor(scope: Construct, id: string, props: PackageEventsProps) {
    super(scope, id);
    const common = { encryption: sqs.QueueEncryption.SQS_MANAGED, enforceSSL: true, retentionPeriod: Duration.days(14) } satisfies sqs.QueueProps;
    this.deadLetterQueue = new sqs.Queue(this, 'DeadLetters', common);
    this.queue = new sqs.Queue(this, 'Events', {
      ...common,
      // A redraw is a registry read and a canvas write or two; five minutes covers Benchling's slowest answers and retries.
      visibilityTimeout: Duration.minutes(5),
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: JOB_RECEIVE_LIMIT },
    });
    this.rule = new events.Rule(this, 'PackageRevision', {
      description: "Quilt's package-revision events of the registry bucket, for the benchling-webhook worker to redraw canvases",
      eventPattern: { source: ['com.quiltdata'], detailType: ['package-revision'], detail: { bucket: [props.bucketName] } },
      targets: [new targets.SqsQueue(this.queue)],
    });
  }
}
