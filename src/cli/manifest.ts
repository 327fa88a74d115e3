import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { appManifest, WEBHOOK_VERSIONS, type WebhookVersion } from '../canvas/manifest.ts';
import { UsageError } from '../errors/app-error.ts';
import type { ManifestOptions } from './commands/manifest.ts';
import { println, type CliIo } from './io.ts';
import { VERSION } from './version.ts';

export const APP_NAME = 'Quilt Packages';
export const APP_DESCRIPTION = 'Packages Benchling notebook entries as Quilt packages and shows them in the entry.';

/** `manifest`: the Benchling app manifest, to upload in the Developer Console. Offline. */
export async function manifest(options: ManifestOptions, io: CliIo): Promise<number> {
  const yaml = appManifest({ name: APP_NAME, version: VERSION, description: APP_DESCRIPTION }, webhookVersion(options.webhookVersion));
  if (options.out === undefined) {
    io.stdout.write(yaml);
    return 0;
  }
  const path = resolve(options.out);
  await writeFile(path, yaml, 'utf8');
  println(io.stderr, `wrote ${path}`);
  return 0;
}

function webhookVersion(value: string | undefined): WebhookVersion {
  if (value === undefined) return 'v2';
  if ((WEBHOOK_VERSIONS as readonly string[]).includes(value)) return value as WebhookVersion;
  throw new UsageError('WEBHOOK_VERSION_INVALID', `--webhook-version must be ${WEBHOOK_VERSIONS.join(' or ')}, not ${JSON.stringify(value.slice(0, 40))}`);
}
