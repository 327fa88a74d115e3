import { z } from 'zod';
import type { SecretField } from './fields.ts';
import { normaliseTenant } from './tenant.ts';

/**
 * Messages here describe what is wrong without quoting the value: the value may be a
 * credential, and these messages reach logs and terminals.
 */
const nonEmpty = z.string().trim().min(1, 'is empty');

export const FIELD_SCHEMAS = {
  tenant: nonEmpty.transform((value, ctx) => {
    const tenant = normaliseTenant(value);
    if (tenant === undefined) {
      ctx.addIssue({
        code: 'custom',
        message: 'is not a Benchling tenant: use acme, acme.benchling.com or https://acme.benchling.com',
      });
      return z.NEVER;
    }
    return tenant;
  }),
  client_id: nonEmpty,
  client_secret: nonEmpty,
  app_definition_id: nonEmpty.refine((value) => value.startsWith('appdef_'), {
    message: 'must start with appdef_ (the app definition id, not the app id app_…)',
  }),
} satisfies Record<SecretField, z.ZodType<string, string>>;

/** The one schema of the Benchling secret. Unknown keys are kept and ignored. */
export const BenchlingSecretSchema = z.looseObject(FIELD_SCHEMAS);

export type BenchlingSecret = z.infer<typeof BenchlingSecretSchema>;
