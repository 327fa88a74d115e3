import type { SettingKey } from '../../config/settings.ts';
import type { GateFlags } from '../../deploy/pre-deploy-gate.ts';
import type { CliCommand } from '../command.ts';
import type { CommonOptions } from '../shared-options.ts';

export type ValidateOptions = CommonOptions & GateFlags;

/** The settings the gate checks: where packages go and where Benchling is. */
export const GATE_SETTINGS = ['registry', 'benchlingApiUrl', 'benchlingJwksUrl'] as const satisfies readonly SettingKey[];

export const validateCommand: CliCommand<ValidateOptions> = {
  name: 'validate',
  description: 'the pre-deploy gate: secret (read back from AWS), Benchling OAuth, JWKS, registry, template rules',
  options(command, flags) {
    flags.offline(flags.settings(flags.secretInputs(command), GATE_SETTINGS), 'skip the checks that need the network');
    flags.json(flags.secretKmsKeyArn(command), 'print the checklist as JSON');
  },
  load: async () => (await import('../validate.ts')).validate,
};
