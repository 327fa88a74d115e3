import type { SettingKey } from '../config/settings.ts';

// A module of its own, so that declaring the commands' options does not load the service.
/** What `serve` and `worker` both read. The port is not among them: the worker answers no HTTP. */
export const SERVE_SETTINGS = [
  'registry',
  'packagePrefix',
  'packageLinkKey',
  'queue',
  'interactiveQueue',
  'packager',
  'packageEventQueue',
  'quiltCatalog',
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
  'jobDeadline',
] as const satisfies readonly SettingKey[];

/** `serve` alone: where it listens. */
export const SERVICE_PORT_SETTINGS = ['port'] as const satisfies readonly SettingKey[];

/** `serve` alone: the worker answers no HTTP. */
export const SERVICE_HTTP_SETTINGS = ['httpHeadersTimeout', 'httpBodyTimeout', 'httpIdleTimeout', 'httpMaxConnections'] as const satisfies readonly SettingKey[];
