/**
 * The four fields of the Benchling secret, and how a user supplies each one separately.
 * Everything that names a field (schema, problems report, CLI options, env lookup) reads
 * this table, so no layer can know a different set of fields.
 */
export const SECRET_FIELDS = [
  {
    name: 'tenant',
    flag: '--benchling-tenant',
    env: 'BENCHLING_TENANT',
    option: 'benchlingTenant',
  },
  {
    name: 'client_id',
    flag: '--benchling-client-id',
    env: 'BENCHLING_CLIENT_ID',
    option: 'benchlingClientId',
  },
  {
    name: 'client_secret',
    flag: '--benchling-client-secret',
    env: 'BENCHLING_CLIENT_SECRET',
    option: 'benchlingClientSecret',
  },
  {
    name: 'app_definition_id',
    flag: '--benchling-app-definition-id',
    env: 'BENCHLING_APP_DEFINITION_ID',
    option: 'benchlingAppDefinitionId',
  },
] as const;

export type SecretFieldSpec = (typeof SECRET_FIELDS)[number];
export type SecretField = SecretFieldSpec['name'];

export const SECRET_FIELD_NAMES: readonly SecretField[] = SECRET_FIELDS.map((f) => f.name);

/** The whole-secret input: `--benchling-secrets VALUE` or env `BENCHLING_SECRETS`. */
export const SECRETS_FLAG = '--benchling-secrets';
export const SECRETS_ENV = 'BENCHLING_SECRETS';
