import type { StackInputValues } from '../../infra/inputs.ts';
import type { CliCommand } from '../command.ts';
import { GATE_SETTINGS, type ValidateOptions } from './validate.ts';

export interface DeployOptions extends ValidateOptions, StackInputValues {
  dryRun?: boolean;
  secretName?: string;
  out?: string;
  /** Commander's `--no-cfn-validation` sets this to false. */
  cfnValidation?: boolean;
  pollInterval?: string;
  maxTaskFailures?: string;
  requireApproval?: string;
  /** --yes: confirm the plan and any repair of the stack's state without asking. */
  yes?: boolean;
  /** Commander's `--no-wait` sets this to false. */
  wait?: boolean;
  skipResources?: string;
  allowReplacement?: boolean;
  rollback?: boolean;
}

export const deployCommand: CliCommand<DeployOptions> = {
  name: 'deploy',
  description: 'validate, then secrets sync, synth and deploy the stack while watching its ECS tasks; --dry-run prints the plan and touches nothing',
  options(command, flags) {
    // No --out default: a plan or a deploy writes its template to a temporary directory unless
    // --out names one, never to synth's ./cdk.out.
    flags.stackInputs(flags.settings(flags.secretInputs(command), GATE_SETTINGS), undefined);
    command.option('--dry-run', 'print the plan: secret name and fields, stack, template; write nothing');
    flags.secretName(flags.offline(command, 'skip the gate checks that need the network'));
    command
      .option('--poll-interval <seconds>', 'how often to look for stopped ECS tasks while the stack deploys', '10')
      .option('--max-task-failures <n>', 'stop waiting after this many failed ECS tasks; the circuit breaker rolls back', '3')
      .option('--require-approval <level>', 'never: deploy IAM changes unattended; broadening: refuse changes that widen IAM permissions', 'never')
      .option('--yes', 'confirm the plan (and deleting a failed or empty stack, or continuing a failed rollback) without asking; needed when not in a terminal')
      .option('--no-wait', 'refuse, instead of waiting, when the stack is still in progress')
      .option('--skip-resources <ids>', 'comma-separated logical ids a continued rollback of an UPDATE_ROLLBACK_FAILED stack skips')
      .option('--allow-replacement', 'deploy even when the change replaces the bucket, a queue or the secret (their contents do not move)')
      .option('--rollback', "deploy the previous successful deploy's template and image again (see `status --history`)");
  },
  load: async () => (await import('../deploy.ts')).deploy,
};
