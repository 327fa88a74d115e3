import { containers, render, type CfnTemplate, type RuleFinding } from './template.ts';

export const CONTAINER_HARDENING_RULE = 'Benchling-ContainerHardening';

const ROOT_USER = /^(?:root|0)(?::.*)?$/;

/** Every container runs as a non-root user on a read-only root filesystem. */
export function checkContainerHardening(template: CfnTemplate): RuleFinding[] {
  return containers(template).flatMap((c) => {
    const findings: RuleFinding[] = [];
    const user = render(c.definition.User);
    if (user === '' || ROOT_USER.test(user)) {
      findings.push({
        rule: CONTAINER_HARDENING_RULE,
        logicalId: c.logicalId,
        location: `${c.location}.User`,
        message: `container ${c.name} of ${c.logicalId} must run as a non-root user (set \`user\`, e.g. 1000:1000)`,
      });
    }
    if (c.definition.ReadonlyRootFilesystem !== true) {
      findings.push({
        rule: CONTAINER_HARDENING_RULE,
        logicalId: c.logicalId,
        location: `${c.location}.ReadonlyRootFilesystem`,
        message: `container ${c.name} of ${c.logicalId} must have a read-only root filesystem (mount a volume for what it writes)`,
      });
    }
    return findings;
  });
}
