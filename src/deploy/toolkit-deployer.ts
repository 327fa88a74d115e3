import type { DeployOptions, IIoHost, Toolkit } from '@aws-cdk/toolkit-lib';
import { AppError } from '../errors/app-error.ts';
import { ProgressIoHost } from './progress-host.ts';
import type { DeployRequest, StackDeployer } from './stack-deployer.ts';

/** Builds the toolkit for one deploy; tests pass one whose `deploy` records what it was given. */
export type ToolkitFactory = (ioHost: IIoHost, request: DeployRequest) => Promise<Toolkit>;

async function realToolkit(ioHost: IIoHost, request: DeployRequest): Promise<Toolkit> {
  const { Toolkit, BaseCredentials } = await import('@aws-cdk/toolkit-lib');
  return new Toolkit({
    ioHost,
    color: false,
    emojis: false,
    sdkConfig: { baseCredentials: BaseCredentials.awsCliCompatible({ profile: request.awsProfile, defaultRegion: request.region }) },
  });
}

/**
 * Exactly the one stack, by name: the assembly may hold others (a pipeline, a test app).
 * `prepare` creates the named change set and leaves it in review; otherwise that change set is executed.
 */
export async function toolkitDeployOptions(request: DeployRequest, step: 'prepare' | 'execute'): Promise<DeployOptions> {
  const { StackSelectionStrategy } = await import('@aws-cdk/toolkit-lib');
  return {
    stacks: { strategy: StackSelectionStrategy.PATTERN_MUST_MATCH_SINGLE, patterns: [request.stackName] },
    deploymentMethod:
      step === 'prepare'
        ? { method: 'change-set', changeSetName: request.changeSetName, execute: false }
        : { method: 'execute-change-set', changeSetName: request.changeSetName },
    rollback: true,
  };
}

function explainToolkitError(error: unknown): unknown {
  const message = error instanceof Error ? error.message : String(error);
  if (/bootstrap/i.test(message)) {
    return new AppError(
      'CDK_NOT_BOOTSTRAPPED',
      `the account and region have no usable CDK bootstrap stack (${message.split('\n')[0]}): run \`npx aws-cdk@2 bootstrap aws://<account>/<region>\` once, then deploy again`,
    );
  }
  return error;
}

/** The real deployer: `@aws-cdk/toolkit-lib` on the synthesized assembly, progress through ProgressIoHost. */
export class ToolkitStackDeployer implements StackDeployer {
  constructor(private readonly createToolkit: ToolkitFactory = realToolkit) {}

  createChangeSet(request: DeployRequest): Promise<void> {
    return this.run(request, 'prepare', new AbortController().signal);
  }

  deploy(request: DeployRequest, signal: AbortSignal): Promise<void> {
    return this.run(request, 'execute', signal);
  }

  private async run(request: DeployRequest, step: 'prepare' | 'execute', signal: AbortSignal): Promise<void> {
    const host = new ProgressIoHost(request.progress, request.requireApproval);
    signal.addEventListener('abort', () => host.abandon(), { once: true });
    const toolkit = await this.createToolkit(host, request);
    const assembly = await toolkit.fromAssemblyDirectory(request.assemblyDir);
    try {
      await toolkit.deploy(assembly, await toolkitDeployOptions(request, step));
    } catch (error) {
      throw explainToolkitError(error);
    }
  }
}
