import type { Command } from 'commander';
import { SETTINGS, settingDefaultText, settingFlag, type SettingKey } from '../config/settings.ts';

/** Runtime settings as flags named after their env vars (REGISTRY → --registry). */
export function addSettingOptions(command: Command, keys: readonly SettingKey[]): Command {
  for (const key of keys) {
    const fallback = settingDefaultText(key);
    command.option(`${settingFlag(key)} <value>`, `env ${SETTINGS[key].env}${fallback === undefined ? '' : `, default ${fallback}`}`);
  }
  return command;
}
