/** How a deploy treats IAM changes, as the CDK CLI's `--require-approval` names them. */
export type ApprovalLevel = 'never' | 'broadening';

export const APPROVAL_LEVELS: readonly ApprovalLevel[] = ['never', 'broadening'];

export interface DeployRequest {
  /** A synthesized cloud assembly (`synth --out`). */
  assemblyDir: string;
  stackName: string;
  /** The change set that `createChangeSet` prepares and `deploy` executes. */
  changeSetName: string;
  region: string | undefined;
  /** A named profile of the AWS config files; undefined means the SDK's default chain. */
  awsProfile: string | undefined;
  requireApproval: ApprovalLevel;
  /** One concise line per thing worth telling (stack events, percent done); never a secret value. */
  progress(line: string): void;
}

/**
 * Deploys one stack in two steps, so that the plan can be shown and confirmed in between:
 * `createChangeSet` publishes the assets and creates the change set, leaving it for review;
 * `deploy` executes that change set and resolves when CloudFormation has finished. Aborting
 * the signal abandons the deploy: the caller stops waiting and the deployer stops polling
 * soon after; CloudFormation carries on (rolling back once ECS's circuit breaker trips).
 */
export interface StackDeployer {
  createChangeSet(request: DeployRequest): Promise<void>;
  deploy(request: DeployRequest, signal: AbortSignal): Promise<void>;
}
