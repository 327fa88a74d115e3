import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { containers, nameValues, render, type CfnTemplate, type ContainerRef } from '../../src/infra/rules/template.ts';
import type { SandboxTenant } from '../../src/sandbox/index.ts';
import { ContainerProcess, freePort, type Readiness } from './harness/container-process.ts';
import { deployTemplate, type DeployOptions } from './harness/deploy.ts';
import { resolveEcsSecrets } from './harness/ecs-secrets.ts';
import type { Intrinsics } from './harness/intrinsics.ts';
import type { LoopbackAws } from './harness/loopback-aws.ts';

export { ContainerExited, ContainerProcess, type Readiness } from './harness/container-process.ts';
export { TaskStartError } from './harness/ecs-secrets.ts';
export { LoopbackAws } from './harness/loopback-aws.ts';

export interface PreparedContainer {
  ref: ContainerRef;
  command: string[];
  /** The container's environment as ECS builds it: Environment, then the values of `secrets`. */
  environment: Record<string, string>;
}

export interface StartOptions {
  /** The Benchling the process talks to, in place of https://{tenant}.benchling.com. */
  benchling: SandboxTenant;
  /** Default: /health/ready for a container with a port, else required (e.g. `{ line: /worker running/ }`). */
  ready?: Readiness;
  /** Default 20 s. */
  timeoutMs?: number;
}

/**
 * Plays ECS (and the CloudFormation before it) for a synthesized template: deploys what the
 * template owns into the loopback AWS, builds each container's environment and resolves its
 * `secrets` as the ECS agent does (stopping the task with ECS's ResourceInitializationError
 * when a secret or a JSON key is missing), then runs the image's real command as a child
 * process against loopback Benchling and AWS, and waits for it to be ready.
 */
export class EcsHarness {
  private constructor(
    readonly template: CfnTemplate,
    readonly aws: LoopbackAws,
    private readonly intrinsics: Intrinsics,
  ) {}

  static async deploy(template: CfnTemplate, aws: LoopbackAws, options: DeployOptions = {}): Promise<EcsHarness> {
    return new EcsHarness(template, aws, await deployTemplate(template, aws, options));
  }

  containers(): ContainerRef[] {
    return containers(this.template);
  }

  /** The container whose command starts with `subcommand` (`serve`, `worker`). */
  container(subcommand: string): ContainerRef {
    const found = this.containers().find((c) => Array.isArray(c.definition.Command) && render(c.definition.Command[0]) === subcommand);
    if (!found) throw new Error(`no container runs \`${subcommand}\` in this template`);
    return found;
  }

  /** Everything ECS does before the process exists. Throws TaskStartError where ECS would stop the task. */
  async prepare(ref: ContainerRef): Promise<PreparedContainer> {
    const where = `${ref.logicalId}.${ref.name}`;
    const environment: Record<string, string> = {};
    for (const { name, value } of nameValues(ref.definition.Environment, 'Value')) {
      environment[name] = this.intrinsics.resolve(value, `${where}.Environment.${name}`);
    }
    Object.assign(environment, await resolveEcsSecrets(ref.definition.Secrets, this.intrinsics, this.aws, where));
    const command = Array.isArray(ref.definition.Command) ? ref.definition.Command.map((part, i) => this.intrinsics.resolve(part, `${where}.Command.${i}`)) : [];
    return { ref, command, environment };
  }

  /** Prepares, starts and waits for readiness; the caller stops the returned process. */
  async start(ref: ContainerRef, options: StartOptions): Promise<ContainerProcess> {
    const prepared = await this.prepare(ref);
    const port = await freePort();
    const home = await mkdtemp(join(tmpdir(), 'bw-ecs-'));
    await mkdir(join(home, 'tmp'));
    const env: Record<string, string> = {
      PATH: process.env.PATH ?? '',
      HOME: home,
      XDG_CONFIG_HOME: join(home, 'config'),
      XDG_DATA_HOME: join(home, 'data'),
      // Each container its own /tmp, as on Fargate: two tasks never share one.
      TMPDIR: join(home, 'tmp'),
      ...prepared.environment,
      // What differs from AWS: loopback endpoints and keys instead of the task role, one port per process.
      ...this.aws.env(),
      ECS_CONTAINER_METADATA_URI_V4: 'http://127.0.0.1:9/v4/harness',
      PORT: String(port),
      BENCHLING_API_URL: options.benchling.url,
      BENCHLING_JWKS_URL: options.benchling.jwksUrl,
    };
    const servesHttp = Array.isArray(ref.definition.PortMappings) && ref.definition.PortMappings.length > 0;
    const ready = options.ready ?? (servesHttp ? { path: '/health/ready' } : undefined);
    if (!ready) throw new Error(`container ${ref.name} serves no HTTP: say how it shows it is ready`);
    const container = ContainerProcess.launch(prepared.command, env, port);
    void container.exited.then(() => rm(home, { recursive: true, force: true }));
    try {
      await container.waitReady(ready, options.timeoutMs ?? 20_000);
    } catch (error) {
      await container.stop();
      throw error;
    }
    return container;
  }
}
