import { UsageError } from '../errors/app-error.ts';

export interface SecretArn {
  arn: string;
  partition: string;
  region: string;
  account: string;
  name: string;
}

// A complete ARN ends in the six random characters Secrets Manager appends to the name.
const COMPLETE_ARN =
  /^arn:(aws|aws-cn|aws-us-gov|aws-iso(?:-[a-z])?):secretsmanager:([a-z]{2}(?:-[a-z]+)+-\d):(\d{12}):secret:([A-Za-z0-9/_+=.@-]+)-[A-Za-z0-9]{6}$/;

/**
 * The stack grants read on exactly this ARN, so it must be the complete one: a name or a
 * partial ARN would need a `-??????` wildcard in the policy, and cannot be resolved offline.
 */
export function parseSecretArn(value: string, where: string): SecretArn {
  const match = COMPLETE_ARN.exec(value.trim());
  if (!match) {
    throw new UsageError(
      'SECRET_ARN_INVALID',
      `${where} must be the complete ARN of the Benchling secret ` +
        '(arn:aws:secretsmanager:<region>:<account>:secret:<name>-<6 characters>), as `benchling-webhook secrets sync` ' +
        'prints it and records it in the profile',
    );
  }
  const [, partition, region, account, name] = match as unknown as [string, string, string, string, string];
  return { arn: value.trim(), partition, region, account, name };
}
