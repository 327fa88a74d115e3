import { Duration } from 'aws-cdk-lib';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { JOB_RECEIVE_LIMIT } from '../../config/dead-letter-limits.ts';

export interface JobQueueProps {
  /** How long a worker holds a job before SQS hands it out again; default 15 minutes. */
  readonly jobTimeout?: Duration;
  /**
   * Deliveries before SQS moves a job to the dead-letter queue however they ended; default 20
   * (JOB_RECEIVE_LIMIT). A job that keeps failing is moved by the worker itself, after
   * JOB_MAX_FAILURES failures: this limit only ends a job that kills or hangs the worker every time.
   */
  readonly maxReceiveCount?: number;
}

/**
 * The packaging jobs: SQS FIFO so the jobs of one entry run in order, one at a time.
 * Deduplication is by the explicit id each job carries (the webhook id), not by content:
 * two deliveries of the same event must collapse, two edits with equal bodies must not.
 */
export class JobQueue extends Construct {
  readonly queue: sqs.Queue;
  readonly deadLetterQueue: sqs.Queue;

  constructor(scope: Construct, id: string, props: JobQueueProps = {}) {
    super(scope, id);
    const common = {
      fifo: true,
      contentBasedDeduplication: false,
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    } satisfies sqs.QueueProps;
    this.deadLetterQueue = new sqs.Queue(this, 'DeadLetters', common);
    this.queue = new sqs.Queue(this, 'Jobs', {
      ...common,
      visibilityTimeout: props.jobTimeout ?? Duration.minutes(15),
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: props.maxReceiveCount ?? JOB_RECEIVE_LIMIT },
    });
  }
}
