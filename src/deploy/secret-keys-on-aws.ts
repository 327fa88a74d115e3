import type { Env } from '../config/env.ts';
import type { Profile } from '../config/profile.ts';
import { resolveSettings, type SettingKey } from '../config/settings.ts';
import { classifyEarlierAppKeys } from '../secret/earlier-app-keys.ts';

/**
 * On AWS the stack sets the containers' PACKAGE_PREFIX, PACKAGE_LINK_KEY, LOG_LEVEL and
 * REGISTRY itself (and grants writes under its own prefix only), so a value that the secret
 * maps to one of them is overridden there. Where the two differ, the team would find its
 * packages elsewhere than the earlier app put them: this names each such key (never a value).
 */
export function keysTheStackOverrides(raw: unknown, stack: { env: Env; profile: Profile | undefined; bucketName?: string | undefined }): { key: string; env: string }[] {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return [];
  const { keys, settings } = classifyEarlierAppKeys(raw as Record<string, unknown>);
  const { values } = resolveSettings(['packagePrefix', 'packageLinkKey', 'logLevel'], { flags: {}, env: stack.env, profile: stack.profile });
  const bucketName = stack.bucketName ?? stack.profile?.bucketName;
  const onAws: Partial<Record<SettingKey, unknown>> = { ...values, registry: bucketName === undefined ? undefined : `s3://${bucketName}` };
  return keys
    .filter((k) => k.outcome === 'mapped' && k.setting !== undefined && settings[k.setting] !== onAws[k.setting])
    .map((k) => ({ key: k.key, env: k.env ?? '' }));
}
