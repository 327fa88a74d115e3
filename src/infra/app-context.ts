import { SECRET_FIELDS } from '../secret/fields.ts';
import type { StackInputValues } from './inputs.ts';

const KEYS = ['benchlingSecrets', 'stackName', 'vpcId', 'subnetIds', 'bucketName', 'allowCidrs', 'imageUri', 'alarmEmail', 'secretKmsKeyArn', 'region', 'account'] as const;

/**
 * CDK context (`-c key=value`, cdk.json) as synth inputs, under the synth command's option
 * names. The separate secret fields are read under any name a user of the earlier system may
 * have used (option, env or field name), only so that they can be refused by name.
 */
export function contextInputValues(get: (key: string) => unknown): StackInputValues {
  const text = (key: string): string | undefined => {
    const value = get(key);
    return value === undefined || value === null ? undefined : String(value);
  };
  const values: Record<string, string | undefined> = {};
  for (const key of KEYS) values[key] = text(key);
  for (const field of SECRET_FIELDS) values[field.option] = text(field.option) ?? text(field.env) ?? text(field.name);
  return values as StackInputValues;
}
