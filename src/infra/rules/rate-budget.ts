import { BENCHLING_TENANT_LIMIT, RATE_LIMIT_ENV, formatRate, parseRate, peakTasks, type RateLimit } from '../rate-budget.ts';
import { containers, isRecord, nameValues, referencedIds, resourcesOfType, type CfnResource, type CfnTemplate, type RuleFinding } from './template.ts';

export const RATE_BUDGET_RULE = 'Benchling-RateBudget';

interface Share {
  service: string;
  peak: number;
  budget: RateLimit;
}

function maxTasks(template: CfnTemplate, serviceId: string, service: CfnResource): number {
  const target = resourcesOfType(template, 'AWS::ApplicationAutoScaling::ScalableTarget').find(([, t]) =>
    referencedIds(t.Properties?.ResourceId).includes(serviceId),
  );
  const max = target?.[1].Properties?.MaxCapacity;
  if (typeof max === 'number') return max;
  const desired = service.Properties?.DesiredCount;
  return typeof desired === 'number' ? desired : 1;
}

function maximumPercent(service: CfnResource): number {
  const config = service.Properties?.DeploymentConfiguration;
  const value = isRecord(config) ? config.MaximumPercent : undefined;
  return typeof value === 'number' ? value : 200;
}

/**
 * All worker processes together stay under the tenant's Benchling API limit: for each
 * service, (most tasks it can run, rollout overlap included) × (each process's budget).
 */
export function checkRateBudget(template: CfnTemplate, tenantLimit: RateLimit = BENCHLING_TENANT_LIMIT): RuleFinding[] {
  const findings: RuleFinding[] = [];
  const shares: Share[] = [];
  for (const [serviceId, service] of resourcesOfType(template, 'AWS::ECS::Service')) {
    const taskIds = referencedIds(service.Properties?.TaskDefinition);
    for (const c of containers(template).filter((x) => taskIds.includes(x.logicalId))) {
      const at = (message: string) =>
        findings.push({ rule: RATE_BUDGET_RULE, logicalId: c.logicalId, location: `${c.location}.Environment`, message });
      const entry = nameValues(c.definition.Environment, 'Value').find((e) => e.name === RATE_LIMIT_ENV);
      const command = Array.isArray(c.definition.Command) ? c.definition.Command[0] : undefined;
      if (!entry) {
        if (command === 'worker') at(`worker container ${c.name} of ${c.logicalId} has no ${RATE_LIMIT_ENV}: it would spend the whole tenant's limit`);
        continue;
      }
      const budget = typeof entry.value === 'string' ? parseRate(entry.value) : undefined;
      if (!budget) at(`${RATE_LIMIT_ENV} of ${c.logicalId} must read <requests>/<seconds>s, e.g. 20/30s`);
      else if (budget.windowSeconds !== tenantLimit.windowSeconds) at(`${RATE_LIMIT_ENV} of ${c.logicalId} must use the tenant's window of ${tenantLimit.windowSeconds}s`);
      else shares.push({ service: serviceId, peak: peakTasks(maxTasks(template, serviceId, service), maximumPercent(service)), budget });
    }
  }
  const total = shares.reduce((sum, s) => sum + s.peak * s.budget.requests, 0);
  if (total > tenantLimit.requests) {
    const parts = shares.map((s) => `${s.service}: ${s.peak} tasks × ${formatRate(s.budget)}`).join('; ');
    findings.push({
      rule: RATE_BUDGET_RULE,
      location: 'Resources',
      message: `workers may make ${total} Benchling requests per ${tenantLimit.windowSeconds}s (${parts}), over the tenant's limit of ${formatRate(tenantLimit)}`,
    });
  }
  return findings;
}
