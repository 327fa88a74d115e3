import { App, CfnParameter, SecretValue, Stack } from 'aws-cdk-lib';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { SECRET_FIELDS } from '../../../src/secret/fields.ts';
import { applyRules } from '../../../src/infra/rules/apply-rules.ts';
import type { CfnTemplate } from '../../../src/infra/rules/template.ts';
import { ACCOUNT, REGION } from '../support.ts';

/** The three values the earlier system's legacy path put into its secret, as CloudFormation parameters. */
export const INCIDENT_PARAMETERS = { BenchlingClientId: 'client_id', BenchlingClientSecret: 'client_secret', BenchlingTenant: 'tenant' } as const;

export interface IncidentStackOptions {
  outdir: string;
  /** Run the project's synth-time rules (and cdk-nag) on it, as our synth does. */
  rules?: { secretArn: string };
}

/**
 * Test only, deliberately broken: the earlier system's stack. It builds its own secret from
 * three values (client_id, client_secret, tenant) while its container reads four keys, the
 * contract's fields, through ECS `secrets`. The values enter as NoEcho parameters so that
 * not even this template holds one; CloudFormation (the harness) fills them in at deploy.
 */
export function synthIncidentStack(options: IncidentStackOptions): { app: App; template: CfnTemplate } {
  const app = new App({
    outdir: options.outdir,
    autoSynth: false,
    builtinCloudFormationValidation: false,
    context: { '@aws-cdk/core:appMode': 'inmemory' },
  });
  const stack = new Stack(app, 'IncidentStack', { env: { account: ACCOUNT, region: REGION } });
  const written: Record<string, string> = {};
  for (const [parameter, key] of Object.entries(INCIDENT_PARAMETERS)) {
    written[key] = new CfnParameter(stack, parameter, { type: 'String', noEcho: true }).valueAsString;
  }
  const secret = new secretsmanager.Secret(stack, 'BenchlingCredentials', {
    secretName: 'benchling-webhook/credentials',
    secretStringValue: SecretValue.unsafePlainText(stack.toJsonString(written)),
  });
  const task = new ecs.FargateTaskDefinition(stack, 'Task');
  task.addContainer('App', {
    image: ecs.ContainerImage.fromRegistry('benchling-webhook:legacy'),
    command: ['serve'],
    secrets: Object.fromEntries(SECRET_FIELDS.map((f) => [f.env, ecs.Secret.fromSecretsManager(secret, f.name)])),
  });
  if (options.rules) applyRules(app, { secretArn: options.rules.secretArn });
  const assembly = app.synth();
  return { app, template: assembly.getStackByName('IncidentStack').template as CfnTemplate };
}
