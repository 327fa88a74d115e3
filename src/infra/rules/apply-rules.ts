import { Validations, type App } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { BenchlingRules } from './benchling-rules.ts';
import type { TemplateRuleOptions } from './check-template.ts';

/** cdk-nag's AWS Solutions pack and the project's own rules, run on every synth of `app`. */
export function applyRules(app: App, options: TemplateRuleOptions): void {
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app), new BenchlingRules(options));
}
