import { benchlingId, randomHex } from './ids.ts';

/** The four fields of the Benchling secret, in the canonical snake_case of src/secret. */
export interface SandboxSecret {
  tenant: string;
  client_id: string;
  client_secret: string;
  app_definition_id: string;
}

/** Fresh per tenant, so no test can pass by reusing another tenant's credentials. */
export function generateCredentials(overrides: Partial<SandboxSecret> = {}): SandboxSecret {
  return {
    tenant: overrides.tenant ?? `sandbox-${randomHex(4)}`,
    client_id: overrides.client_id ?? `sandbox-client-${randomHex(8)}`,
    client_secret: overrides.client_secret ?? `cs_${randomHex(24)}`,
    app_definition_id: overrides.app_definition_id ?? benchlingId('appdef', 10),
  };
}
