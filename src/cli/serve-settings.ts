import type { SettingKey } from '../config/settings.ts';
import type { CommonOptions } from './secret-options.ts';

// Kept apart from serve.ts so that registering the command does not load the service.
export const SERVE_SETTINGS = [
  'registry',
  'packagePrefix',
  'packageLinkKey',
  'queue',
  'packager',
  'quiltCatalog',
  'port',
  'logLevel',
  'benchlingApiUrl',
  'benchlingJwksUrl',
  'benchlingRateLimit',
  'entrySettle',
  'exportMaxDownload',
  'exportMaxUncompressed',
  'exportMaxFiles',
  'exportMaxRatio',
  'jobMaxFailures',
] as const satisfies readonly SettingKey[];

/** `serve` alone: the worker answers no HTTP. */
export const SERVICE_HTTP_SETTINGS = ['httpHeadersTimeout', 'httpBodyTimeout', 'httpIdleTimeout', 'httpMaxConnections'] as const satisfies readonly SettingKey[];

export interface ServeOptions extends CommonOptions {
  host?: string;
  secretTtl?: string;
  insecureSkipVerify?: boolean;
  /** commander's `--no-worker` sets this to false. */
  worker?: boolean;
  [setting: string]: unknown;
}
