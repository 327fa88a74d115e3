import { isRecord, resourcesOfType, type CfnTemplate, type RuleFinding } from './template.ts';

export const CIRCUIT_BREAKER_RULE = 'Benchling-CircuitBreaker';

/**
 * A rollout whose tasks cannot start must end in a rollback within minutes, not leave the
 * stack in UPDATE_IN_PROGRESS for as long as CloudFormation waits.
 */
export function checkCircuitBreaker(template: CfnTemplate): RuleFinding[] {
  return resourcesOfType(template, 'AWS::ECS::Service').flatMap(([logicalId, service]) => {
    const config = service.Properties?.DeploymentConfiguration;
    const breaker = isRecord(config) ? config.DeploymentCircuitBreaker : undefined;
    if (isRecord(breaker) && breaker.Enable === true && breaker.Rollback === true) return [];
    return [
      {
        rule: CIRCUIT_BREAKER_RULE,
        logicalId,
        location: 'Properties.DeploymentConfiguration.DeploymentCircuitBreaker',
        message: `ECS service ${logicalId} must have its deployment circuit breaker on with rollback`,
      },
    ];
  });
}
