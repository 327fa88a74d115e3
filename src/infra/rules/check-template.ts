import { BENCHLING_TENANT_LIMIT, type RateLimit } from '../rate-budget.ts';
import { checkCircuitBreaker } from './circuit-breaker.ts';
import { checkContainerHardening } from './container-hardening.ts';
import { checkRateBudget } from './rate-budget.ts';
import { checkSecretAccess } from './secret-access.ts';
import { checkSecretLiterals } from './secret-literals.ts';
import { checkSecretReferences } from './secret-references.ts';
import type { CfnTemplate, RuleFinding } from './template.ts';

export interface TemplateRuleOptions {
  /** The contract's secret: every reference and grant must name exactly this ARN. */
  secretArn: string;
  /** Values that must appear nowhere (tests pass the secret values they use). */
  knownSecretValues?: readonly string[];
  tenantRateLimit?: RateLimit;
}

/** The project's own rules over one synthesized template; `validate` and the synth plugin both run these. */
export function checkTemplate(template: CfnTemplate, options: TemplateRuleOptions): RuleFinding[] {
  return [
    ...checkCircuitBreaker(template),
    ...checkSecretLiterals(template, options.knownSecretValues),
    ...checkSecretReferences(template, options.secretArn),
    ...checkSecretAccess(template, options.secretArn),
    ...checkContainerHardening(template),
    ...checkRateBudget(template, options.tenantRateLimit ?? BENCHLING_TENANT_LIMIT),
  ];
}
