import type { Command } from 'commander';
import { SETTINGS, settingFlag, type SettingKey } from '../config/settings.ts';

/** Runtime settings as flags named after their env vars (REGISTRY → --registry). */
export function addSettingOptions(command: Command, keys: readonly SettingKey[]): Command {
  for (const key of keys) {
    const spec = SETTINGS[key];
    const fallback = 'default' in spec && spec.default !== undefined ? `, default ${String(spec.default)}` : '';
    command.option(`${settingFlag(key)} <value>`, `env ${spec.env}${fallback}`);
  }
  return command;
}
