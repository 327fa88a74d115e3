import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { SECRETS_ENV } from '../../secret/fields.ts';
import { HEARTBEAT_CHECK_SCRIPT } from '../../config/worker-health-check.ts';
import { acknowledge } from '../acknowledge.ts';

/** The port the service listens on inside the container (PORT). */
export const CONTAINER_PORT = 8080;

/** uid:gid of the `node` user of the node:22-slim image the Dockerfile builds on. */
export const APP_USER = '1000:1000';

/** Slim images have no curl; node's own fetch asks the process whether it is alive. */
export const HEALTH_CHECK_SCRIPT =
  "fetch('http://127.0.0.1:'+(process.env.PORT||8080)+'/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))";

const HEALTH_CHECK: ecs.HealthCheck = {
  command: ['CMD', 'node', '-e', HEALTH_CHECK_SCRIPT],
  interval: Duration.seconds(30),
  timeout: Duration.seconds(5),
  retries: 3,
  startPeriod: Duration.seconds(60),
};

/** The worker serves no HTTP: its check reads the file it keeps touching (src/worker/heartbeat.ts): its age, and any hung job it names. */
const WORKER_HEALTH_CHECK: ecs.HealthCheck = { ...HEALTH_CHECK, command: ['CMD', 'node', '-e', HEARTBEAT_CHECK_SCRIPT] };

/** The read-only root filesystem leaves /tmp (tsx's compile cache, temp files) as the one writable place. */
const TMP_VOLUME = 'tmp';

export interface AppTaskProps {
  readonly image: ecs.ContainerImage;
  /** Arguments after the image's entrypoint (`node dist/cli/run.js`). */
  readonly command: readonly string[];
  /** The contract's secret, imported by its complete ARN. */
  readonly secret: secretsmanager.ISecret;
  /** Plain settings only: never a secret value. */
  readonly environment: Readonly<Record<string, string>>;
  readonly cpu: number;
  readonly memoryLimitMiB: number;
  readonly logRetention: logs.RetentionDays;
  /** Name of the log stream prefix and of the container's role in the task. */
  readonly role: string;
  /**
   * The container serves HTTP on PORT: it gets the port mapping and a health check on /health.
   * A container without it (the worker) is watched by ECS as an essential process instead.
   */
  readonly servesHttp?: boolean;
}

/**
 * One container of the app, hardened: non-root, read-only root filesystem, logs kept after
 * the stack is gone, and a health check on /health when it serves HTTP.
 *
 * The secret reaches the process as `BENCHLING_SECRETS=<arn>`, read with the task role at
 * start, and not through ECS `secrets` by JSON key. The process then checks the whole secret
 * against the contract and refuses to start naming each missing field, where ECS would fail
 * the task with a ResourceInitializationError and retry it for as long as CloudFormation waits
 * (the incident). It re-reads the secret on a TTL, so a rotation needs no new task. And only
 * the task role reads the secret: the execution role never needs it.
 */
export class AppTask extends Construct {
  readonly taskDefinition: ecs.FargateTaskDefinition;
  readonly container: ecs.ContainerDefinition;
  readonly logGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: AppTaskProps) {
    super(scope, id);
    // RETAIN: a failed first deploy rolls back, and the logs of why it failed must survive it.
    this.logGroup = new logs.LogGroup(this, 'Logs', { retention: props.logRetention, removalPolicy: RemovalPolicy.RETAIN });
    this.taskDefinition = new ecs.FargateTaskDefinition(this, 'Task', {
      cpu: props.cpu,
      memoryLimitMiB: props.memoryLimitMiB,
      runtimePlatform: { cpuArchitecture: ecs.CpuArchitecture.X86_64, operatingSystemFamily: ecs.OperatingSystemFamily.LINUX },
      volumes: [{ name: TMP_VOLUME }],
    });
    this.container = this.taskDefinition.addContainer('App', {
      image: props.image,
      command: [...props.command],
      user: APP_USER,
      readonlyRootFilesystem: true,
      environment: { ...props.environment, [SECRETS_ENV]: props.secret.secretArn },
      logging: ecs.LogDrivers.awsLogs({ logGroup: this.logGroup, streamPrefix: props.role }),
      healthCheck: props.servesHttp ? HEALTH_CHECK : WORKER_HEALTH_CHECK,
      portMappings: props.servesHttp ? [{ containerPort: CONTAINER_PORT }] : [],
      stopTimeout: Duration.seconds(30),
    });
    this.container.addMountPoints({ containerPath: '/tmp', sourceVolume: TMP_VOLUME, readOnly: false });
    props.secret.grantRead(this.taskDefinition.taskRole);
    acknowledge(
      this.taskDefinition.obtainExecutionRole(),
      'AwsSolutions-IAM5[Resource::*]',
      'The only wildcard is ecr:GetAuthorizationToken, which has no resource-level permissions; the image pull itself ' +
        'is granted on the one repository. The execution role has no access to the Benchling secret.',
    );
    acknowledge(
      this.taskDefinition,
      'AwsSolutions-ECS2',
      'The environment holds only plain settings (queue URL, bucket, port, log level) and the ARN of the Benchling ' +
        'secret, never its value; the process reads the value itself with the task role so it can validate and re-read it.',
    );
  }
}
