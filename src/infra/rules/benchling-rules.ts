import { readFileSync } from 'node:fs';
import type { IPolicyValidationContext, IPolicyValidationPlugin, PolicyValidationPluginReport, PolicyViolation } from 'aws-cdk-lib';
import { checkTemplate, type TemplateRuleOptions } from './check-template.ts';
import { CIRCUIT_BREAKER_RULE } from './circuit-breaker.ts';
import { CONTAINER_HARDENING_RULE } from './container-hardening.ts';
import { RATE_BUDGET_RULE } from './rate-budget.ts';
import { SECRET_ACCESS_RULE } from './secret-access.ts';
import { SECRET_LITERAL_RULE } from './secret-literals.ts';
import { SECRET_REFERENCE_RULE } from './secret-references.ts';
import type { CfnTemplate } from './template.ts';

/** The secret contract's rules cannot be acknowledged away: a violation of them is fatal. */
const FATAL = new Set([SECRET_LITERAL_RULE, SECRET_REFERENCE_RULE, SECRET_ACCESS_RULE]);

/**
 * The project's rules as a CDK validation plugin: they run on the synthesized templates, so
 * they see exactly what CloudFormation will get, whoever built the stack.
 */
export class BenchlingRules implements IPolicyValidationPlugin {
  readonly name = 'Benchling';
  readonly version = '1.0.0';
  readonly ruleIds = [CIRCUIT_BREAKER_RULE, SECRET_LITERAL_RULE, SECRET_REFERENCE_RULE, SECRET_ACCESS_RULE, CONTAINER_HARDENING_RULE, RATE_BUDGET_RULE];

  constructor(private readonly options: TemplateRuleOptions) {}

  validate(context: IPolicyValidationContext): PolicyValidationPluginReport {
    const violations: PolicyViolation[] = [];
    for (const templatePath of context.templatePaths) {
      const template = JSON.parse(readFileSync(templatePath, 'utf8')) as CfnTemplate;
      for (const finding of checkTemplate(template, this.options)) {
        violations.push({
          ruleName: finding.rule,
          description: finding.message,
          severity: FATAL.has(finding.rule) ? 'fatal' : 'error',
          violatingResources: [{ resourceLogicalId: finding.logicalId, templatePath, locations: [finding.location] }],
        });
      }
    }
    return { success: violations.length === 0, violations };
  }
}
