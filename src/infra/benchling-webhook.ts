import { Stack, Token } from 'aws-cdk-lib';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { httpLimitsFrom, type HttpSettingKey } from '../config/http-limits.ts';
import { SETTINGS } from '../config/settings.ts';
import { workerConcurrencyForCpu } from '../config/worker-concurrency.ts';
import { UsageError } from '../errors/app-error.ts';
import { appImage } from './container-image.ts';
import { AppTask, CONTAINER_PORT } from './constructs/app-task.ts';
import { JobQueue } from './constructs/job-queue.ts';
import { WebhookNetwork, type ExistingVpc } from './constructs/network.ts';
import { PackageBucket } from './constructs/package-bucket.ts';
import { PackageEvents } from './constructs/package-events.ts';
import { WebhookAlarms } from './constructs/webhook-alarms.ts';
import { WebhookApi } from './constructs/webhook-api.ts';
import { WebhookService } from './constructs/webhook-service.ts';
import { WORKER_MAXIMUM_PERCENT, WorkerService } from './constructs/worker-service.ts';
import { BENCHLING_TENANT_LIMIT, RATE_LIMIT_ENV, budgetPerProcess, formatRate, peakTasks, type RateLimit } from './rate-budget.ts';
import { parseKmsKeyArn } from './kms-key-arn.ts';
import { parseSecretArn } from './secret-arn.ts';
import { parseSqsQueueUrl } from './sqs-queue-url.ts';

/** The webhook container runs the service alone; the worker runs in its own service. */
export const WEBHOOK_COMMAND = ['serve', '--no-worker'] as const;
export const WORKER_COMMAND = ['worker'] as const;

/** Runtime settings passed to both containers, under the env names of src/config/settings.ts. */
export interface AppSettings {
  readonly packagePrefix?: string;
  readonly packageLinkKey?: string;
  readonly quiltCatalog?: string;
  readonly logLevel?: string;
  /** `direct` (the default) or the URL of a Quilt packaging-engine queue, which the worker is then allowed to send to. */
  readonly packager?: string;
  /** EXPORT_MAX_DOWNLOAD: bytes, or a size such as `5GiB` (the default). */
  readonly exportMaxDownload?: string | number;
  /** EXPORT_MAX_UNCOMPRESSED: bytes, or a size such as `20GiB` (the default). */
  readonly exportMaxUncompressed?: string | number;
  /** EXPORT_MAX_FILES: entries of an export ZIP; default 10000. */
  readonly exportMaxFiles?: number;
  /** EXPORT_MAX_RATIO: the most one file of an export may expand (uncompressed ÷ compressed); default 200. */
  readonly exportMaxRatio?: number;
  /** JOB_MAX_FAILURES: failures after which the worker moves a job to the dead-letter queue (default 5, at most 10). */
  readonly jobMaxFailures?: number;
  /** WORKER_CONCURRENCY: jobs each worker task runs at once (1 to 32); default one per quarter vCPU of the worker task, 2 to 8. */
  readonly workerConcurrency?: number;
  /** JOB_DEADLINE: seconds one job may run before the worker abandons it and retries it as a failure (default 900, at most 3600). */
  readonly jobDeadline?: string | number;
}

const PLAIN_SETTINGS = ['packagePrefix', 'packageLinkKey', 'quiltCatalog', 'logLevel', 'packager'] as const;
/** Settings with a range: checked at synth, as the containers will read them. */
const CHECKED_SETTINGS = ['exportMaxDownload', 'exportMaxUncompressed', 'exportMaxFiles', 'exportMaxRatio', 'jobMaxFailures', 'workerConcurrency', 'jobDeadline'] as const;

export interface TaskSize {
  /** Fargate CPU units. */
  readonly cpu?: number;
  readonly memoryLimitMiB?: number;
  readonly minTasks?: number;
  readonly maxTasks?: number;
}

/**
 * The webhook service's defences against slow and idle clients (the HTTP_* settings); each
 * left out keeps the service's default, documented in docs/configuration.md.
 */
export interface WebhookHttpLimits {
  /** HTTP_HEADERS_TIMEOUT: seconds from a request's first byte until its headers are in; default 10. */
  readonly headersTimeoutSeconds?: number;
  /** HTTP_BODY_TIMEOUT: seconds from a request's first byte until its whole body is in; default 20. */
  readonly bodyTimeoutSeconds?: number;
  /** HTTP_IDLE_TIMEOUT: seconds a kept-alive connection may sit between requests; default 72. */
  readonly idleTimeoutSeconds?: number;
  /** HTTP_MAX_CONNECTIONS: open connections per task at most; default 256. */
  readonly maxConnections?: number;
}

export interface WebhookSize extends TaskSize {
  readonly http?: WebhookHttpLimits;
}

export interface WorkerSize extends TaskSize {
  /** Benchling API requests each worker process may make; default the tenant's limit split over the peak task count. */
  readonly rateBudget?: RateLimit;
}

export interface BenchlingWebhookProps {
  /**
   * The complete ARN of the Benchling secret (`benchling-webhook secrets sync` prints and
   * records it). The only way the secret enters the stack: its value never does.
   */
  readonly secretArn: string;
  /** The KMS key the secret is encrypted with, when it is not Secrets Manager's default: the tasks are allowed to decrypt with it. */
  readonly secretKmsKeyArn?: string;
  /** Default: a new VPC. */
  readonly existingVpc?: ExistingVpc;
  /** NAT gateways of a new VPC; default 1. */
  readonly natGateways?: number;
  /** Default: a new encrypted, versioned, TLS-only bucket. */
  readonly existingBucketName?: string;
  /** Default: any source (every request is signature-checked). */
  readonly allowedSourceCidrs?: readonly string[];
  /** Default: this project's Dockerfile, built at deploy time. */
  readonly imageUri?: string;
  readonly alarmEmail?: string;
  readonly settings?: AppSettings;
  readonly webhook?: WebhookSize;
  readonly worker?: WorkerSize;
  /** The tenant's Benchling API limit that all workers share; default 60 requests / 30 s. */
  readonly tenantRateLimit?: RateLimit;
  /** Default one month. */
  readonly logRetention?: logs.RetentionDays;
  /** API Gateway logs; needs the account's API Gateway CloudWatch role. Default false. */
  readonly apiAccessLogs?: boolean;
}

/** The whole back end on ECS Fargate; `BenchlingWebhookStack` is this construct in a stack of its own. */
export class BenchlingWebhook extends Construct {
  readonly network: WebhookNetwork;
  readonly cluster: ecs.Cluster;
  readonly jobs: JobQueue;
  /** Canvas navigation clicks (INTERACTIVE_QUEUE): answered by worker slots exports never take. */
  readonly interactiveJobs: JobQueue;
  readonly packages: PackageBucket;
  /** Quilt's package-revision events (PACKAGE_EVENT_QUEUE); only with a packaging engine (PACKAGER). */
  readonly packageEvents: PackageEvents | undefined;
  readonly secret: secretsmanager.ISecret;
  readonly webhookTask: AppTask;
  readonly workerTask: AppTask;
  readonly webhookService: WebhookService;
  readonly workerService: WorkerService;
  readonly api: WebhookApi;
  readonly alarms: WebhookAlarms;
  /** The per-process Benchling API budget each worker task is given. */
  readonly workerRateBudget: RateLimit;

  constructor(scope: Construct, id: string, props: BenchlingWebhookProps) {
    super(scope, id);
    this.secret = importSecret(this, props.secretArn);
    const logRetention = props.logRetention ?? logs.RetentionDays.ONE_MONTH;
    this.network = new WebhookNetwork(this, 'Network', { existingVpc: props.existingVpc, natGateways: props.natGateways, logRetention });
    this.cluster = new ecs.Cluster(this, 'Cluster', { vpc: this.network.vpc, containerInsightsV2: ecs.ContainerInsights.ENABLED });
    this.jobs = new JobQueue(this, 'Jobs');
    // A second FIFO queue, grouped by canvas, so a click waits neither behind its entry's export
    // nor for an export slot (docs/architecture.md, "The interactive lane"). SQS bills requests
    // only: the worker's long polls on it cost well under a dollar a month at idle.
    this.interactiveJobs = new JobQueue(this, 'InteractiveJobs');
    this.packages = new PackageBucket(this, 'Packages', { existingBucketName: props.existingBucketName });
    // Only an engine commits after the worker has drawn the canvas; direct packaging needs no events.
    this.packageEvents = usesEngine(props.settings) ? new PackageEvents(this, 'PackageEvents', { bucketName: this.packages.bucket.bucketName }) : undefined;

    const tenantLimit = props.tenantRateLimit ?? BENCHLING_TENANT_LIMIT;
    const workerMax = props.worker?.maxTasks ?? 3;
    this.workerRateBudget = props.worker?.rateBudget ?? budgetPerProcess(tenantLimit, peakTasks(workerMax, WORKER_MAXIMUM_PERCENT));
    const tasks = this.createTasks(props, logRetention);
    this.webhookTask = tasks.webhook;
    this.workerTask = tasks.worker;
    this.grantAccess(props.settings);
    if (props.secretKmsKeyArn !== undefined) this.grantSecretKey(parseKmsKeyArn(props.secretKmsKeyArn, 'secretKmsKeyArn'));

    this.webhookService = new WebhookService(this, 'WebhookService', {
      cluster: this.cluster,
      task: this.webhookTask,
      subnets: this.network.privateSubnets,
      minTasks: props.webhook?.minTasks,
      maxTasks: props.webhook?.maxTasks,
    });
    this.workerService = new WorkerService(this, 'WorkerService', {
      cluster: this.cluster,
      task: this.workerTask,
      subnets: this.network.privateSubnets,
      queue: this.jobs.queue,
      minTasks: props.worker?.minTasks,
      maxTasks: workerMax,
      rateBudget: this.workerRateBudget,
      tenantLimit,
    });
    this.api = new WebhookApi(this, 'Endpoint', {
      vpc: this.network.vpc,
      subnets: this.network.privateSubnets,
      service: this.webhookService.service,
      allowedSourceCidrs: props.allowedSourceCidrs,
      logRetention,
      accessLogs: props.apiAccessLogs,
    });
    this.webhookService.scaleOnRequests(this.api.api.deploymentStage.metricCount({ statistic: 'Sum' }));
    this.alarms = new WebhookAlarms(this, 'Alarms', {
      cluster: this.cluster,
      services: [
        { name: 'Webhook', service: this.webhookService.service },
        { name: 'Worker', service: this.workerService.service },
      ],
      deadLetterQueue: this.jobs.deadLetterQueue,
      interactiveDeadLetterQueue: this.interactiveJobs.deadLetterQueue,
      packageEventDeadLetterQueue: this.packageEvents?.deadLetterQueue,
      stage: this.api.api.deploymentStage,
      alarmEmail: props.alarmEmail,
    });
  }

  /** One image, two commands, the same plain settings; only the worker gets a share of the rate limit. */
  private createTasks(props: BenchlingWebhookProps, logRetention: logs.RetentionDays): { webhook: AppTask; worker: AppTask } {
    const image = appImage(this, props.imageUri);
    const environment = {
      ...settingsEnv(props.settings),
      NODE_ENV: 'production',
      PORT: String(CONTAINER_PORT),
      AWS_REGION: Stack.of(this).region,
      [SETTINGS.queue.env]: this.jobs.queue.queueUrl,
      [SETTINGS.interactiveQueue.env]: this.interactiveJobs.queue.queueUrl,
      [SETTINGS.registry.env]: `s3://${this.packages.bucket.bucketName}`,
    };
    const common = { image, secret: this.secret, logRetention };
    const webhook = new AppTask(this, 'WebhookTask', {
      ...common,
      command: WEBHOOK_COMMAND,
      environment: { ...environment, ...httpLimitsEnv(props.webhook?.http) },
      cpu: props.webhook?.cpu ?? 512,
      memoryLimitMiB: props.webhook?.memoryLimitMiB ?? 1024,
      role: 'webhook',
      servesHttp: true,
    });
    const workerCpu = props.worker?.cpu ?? 1024;
    const worker = new AppTask(this, 'WorkerTask', {
      ...common,
      command: WORKER_COMMAND,
      environment: {
        [SETTINGS.workerConcurrency.env]: String(workerConcurrencyForCpu(workerCpu)),
        ...environment,
        ...(this.packageEvents === undefined ? {} : { [SETTINGS.packageEventQueue.env]: this.packageEvents.queue.queueUrl }),
        [RATE_LIMIT_ENV]: formatRate(this.workerRateBudget),
      },
      cpu: workerCpu,
      memoryLimitMiB: props.worker?.memoryLimitMiB ?? 2048,
      role: 'worker',
    });
    return { webhook, worker };
  }

  /**
   * kms:Decrypt on the secret's own key, only as Secrets Manager uses it. Written on the task
   * roles: an imported key's policy cannot be changed, and CDK's grantRead then adds nothing.
   */
  private grantSecretKey(keyArn: string): void {
    const viaSecretsManager = { StringEquals: { 'kms:ViaService': `secretsmanager.${Stack.of(this).region}.amazonaws.com` } };
    for (const task of [this.webhookTask, this.workerTask]) {
      task.taskDefinition.taskRole.addToPrincipalPolicy(new PolicyStatement({ actions: ['kms:Decrypt'], resources: [keyArn], conditions: viaSecretsManager }));
    }
  }

  /**
   * The webhook only queues (on both lanes); the worker consumes both, may queue follow-up jobs, moves a job that
   * keeps failing to the dead-letter queue, writes packages (removing what a failed job wrote
   * under the package prefix), and sends to the packaging engine when PACKAGER names one; it
   * then also consumes Quilt's package-revision events and dead-letters those it cannot use.
   */
  private grantAccess(settings: AppSettings = {}): void {
    const packager = settings.packager;
    this.jobs.queue.grantSendMessages(this.webhookTask.taskDefinition.taskRole);
    this.jobs.queue.grantConsumeMessages(this.workerTask.taskDefinition.taskRole);
    this.jobs.queue.grantSendMessages(this.workerTask.taskDefinition.taskRole);
    this.jobs.deadLetterQueue.grantSendMessages(this.workerTask.taskDefinition.taskRole);
    this.interactiveJobs.queue.grantSendMessages(this.webhookTask.taskDefinition.taskRole);
    this.interactiveJobs.queue.grantConsumeMessages(this.workerTask.taskDefinition.taskRole);
    this.interactiveJobs.deadLetterQueue.grantSendMessages(this.workerTask.taskDefinition.taskRole);
    this.packages.grantPackageWrites(this.workerTask.taskDefinition.taskRole, settings.packagePrefix ?? (SETTINGS.packagePrefix.default as string));
    if (this.packageEvents !== undefined) {
      this.packageEvents.queue.grantConsumeMessages(this.workerTask.taskDefinition.taskRole);
      this.packageEvents.deadLetterQueue.grantSendMessages(this.workerTask.taskDefinition.taskRole);
    }
    if (packager !== undefined && usesEngine(settings)) {
      const engine = parseSqsQueueUrl(packager, SETTINGS.packager.env);
      const arn = Stack.of(this).formatArn({ service: 'sqs', region: engine.region, account: engine.account, resource: engine.name });
      sqs.Queue.fromQueueAttributes(this, 'PackagingEngineQueue', { queueArn: arn, queueUrl: packager }).grantSendMessages(this.workerTask.taskDefinition.taskRole);
    }
  }
}

/** The secret must live where the stack deploys: the process reads it with a client for its own region. */
function importSecret(scope: Construct, arn: string): secretsmanager.ISecret {
  const parsed = parseSecretArn(arn, 'secretArn');
  const stack = Stack.of(scope);
  if (!Token.isUnresolved(stack.region) && stack.region !== parsed.region) {
    throw new UsageError(
      'SECRET_REGION_MISMATCH',
      `the secret is in ${parsed.region} but the stack deploys to ${stack.region}: the service reads the secret in its own ` +
        `region; run \`benchling-webhook secrets sync --region ${stack.region}\` and use that ARN`,
    );
  }
  if (!Token.isUnresolved(stack.account) && stack.account !== parsed.account) {
    throw new UsageError(
      'SECRET_ACCOUNT_MISMATCH',
      `the secret belongs to account ${parsed.account} but the stack deploys to ${stack.account}: sync the secret in the deploy account`,
    );
  }
  return secretsmanager.Secret.fromSecretCompleteArn(scope, 'BenchlingSecret', parsed.arn);
}

/** PACKAGER names a packaging engine's queue rather than `direct`. */
function usesEngine(settings: AppSettings = {}): boolean {
  return settings.packager !== undefined && settings.packager !== 'direct';
}

function settingsEnv(settings: AppSettings = {}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const key of PLAIN_SETTINGS) {
    const value = settings[key];
    if (value !== undefined) env[SETTINGS[key].env] = String(value);
  }
  // A bad value stops the deploy, not the task.
  for (const key of CHECKED_SETTINGS) {
    const value = settings[key];
    if (value === undefined) continue;
    const parsed = SETTINGS[key].schema.safeParse(value);
    if (!parsed.success) {
      throw new UsageError('SETTING_INVALID', `settings.${key} (${SETTINGS[key].env}) is invalid: ${parsed.error.issues.map((i) => i.message).join('; ')}`);
    }
    env[SETTINGS[key].env] = String(value);
  }
  return env;
}

const HTTP_LIMIT_PROPS: Record<keyof WebhookHttpLimits, HttpSettingKey> = {
  headersTimeoutSeconds: 'httpHeadersTimeout',
  bodyTimeoutSeconds: 'httpBodyTimeout',
  idleTimeoutSeconds: 'httpIdleTimeout',
  maxConnections: 'httpMaxConnections',
};

/** Checked as `serve` will check them, so a bad value stops synth rather than the task's start. */
function httpLimitsEnv(limits: WebhookHttpLimits = {}): Record<string, string> {
  const env: Record<string, string> = {};
  const values: Partial<Record<HttpSettingKey, number>> = {};
  for (const [prop, key] of Object.entries(HTTP_LIMIT_PROPS) as [keyof WebhookHttpLimits, HttpSettingKey][]) {
    const value = limits[prop];
    if (value === undefined) continue;
    const parsed = SETTINGS[key].schema.safeParse(value);
    if (!parsed.success) {
      const reason = parsed.error.issues.map((issue) => issue.message).join('; ');
      throw new UsageError('SETTING_INVALID', `webhook.http.${prop} (${SETTINGS[key].env}) is invalid: ${reason}`);
    }
    values[key] = parsed.data;
    env[SETTINGS[key].env] = String(value);
  }
  httpLimitsFrom(values);
  return env;
}
