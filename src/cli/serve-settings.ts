import type { SettingKey } from '../config/settings.ts';

// A module of its own, so that declaring the commands' options does not load the service.
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
  'workerConcurrency',
] as const satisfies readonly SettingKey[];

/** `serve` alone: the worker answers no HTTP. */
export const SERVICE_HTTP_SETTINGS = ['httpHeadersTimeout', 'httpBodyTimeout', 'httpIdleTimeout', 'httpMaxConnections'] as const satisfies readonly SettingKey[];
