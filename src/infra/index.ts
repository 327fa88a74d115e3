/** What CDK users import: the stack, the construct it wraps, its parts, and the synth-time rules. */
export { BenchlingWebhookStack, type BenchlingWebhookStackProps } from './benchling-webhook-stack.ts';
export {
  BenchlingWebhook,
  WEBHOOK_COMMAND,
  WORKER_COMMAND,
  type AppSettings,
  type BenchlingWebhookProps,
  type TaskSize,
  type WebhookHttpLimits,
  type WebhookSize,
  type WorkerSize,
} from './benchling-webhook.ts';
export { AppTask, APP_USER, CONTAINER_PORT, HEALTH_CHECK_SCRIPT, type AppTaskProps } from './constructs/app-task.ts';
export { JobQueue, type JobQueueProps } from './constructs/job-queue.ts';
export { WebhookNetwork, type ExistingVpc, type WebhookNetworkProps } from './constructs/network.ts';
export { PackageBucket, type PackageBucketProps } from './constructs/package-bucket.ts';
export { WebhookAlarms, type WatchedService, type WebhookAlarmsProps } from './constructs/webhook-alarms.ts';
export { WebhookApi, STAGE_NAME, type WebhookApiProps } from './constructs/webhook-api.ts';
export { WebhookService, type WebhookServiceProps } from './constructs/webhook-service.ts';
export { WorkerService, WORKER_MAXIMUM_PERCENT, type WorkerServiceProps } from './constructs/worker-service.ts';
export { appImage } from './container-image.ts';
export { PROJECT_ROOT } from './package-root.ts';
export { BENCHLING_TENANT_LIMIT, RATE_LIMIT_ENV, type RateLimit } from './rate-budget.ts';
export { applyRules } from './rules/apply-rules.ts';
export { BenchlingRules } from './rules/benchling-rules.ts';
export { checkTemplate, type TemplateRuleOptions } from './rules/check-template.ts';
export type { CfnTemplate, RuleFinding } from './rules/template.ts';
export { addBenchlingStack, type StackOptions } from './build-app.ts';
export { synthesize, RuleViolationsError, type SynthResult, type SynthesizeOptions, type SynthViolation } from './synthesize.ts';
export { listAcknowledgements, type Acknowledgement } from './acknowledge.ts';
