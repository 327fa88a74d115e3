import type { App } from 'aws-cdk-lib';
import { BenchlingWebhookStack, type BenchlingWebhookStackProps } from './benchling-webhook-stack.ts';
import { applyRules } from './rules/apply-rules.ts';

export interface StackOptions {
  stackName: string;
  props: BenchlingWebhookStackProps;
  /** Values the rules must find nowhere in the template (tests pass the secret values they use). */
  knownSecretValues?: readonly string[];
}

/** What every synth path puts in its app: the stack, cdk-nag and the project's rules. */
export function addBenchlingStack(app: App, options: StackOptions): BenchlingWebhookStack {
  const stack = new BenchlingWebhookStack(app, options.stackName, { ...options.props, stackName: options.stackName });
  applyRules(app, {
    secretArn: options.props.secretArn,
    knownSecretValues: options.knownSecretValues,
    tenantRateLimit: options.props.tenantRateLimit,
  });
  return stack;
}
