import { join } from 'node:path';
import envPaths from 'env-paths';
import type { Env } from './env.ts';

const APP = 'benchling-webhook';

/**
 * The XDG config dir. XDG_CONFIG_HOME is read from the env the command was given (so tests
 * and embedding callers can point it anywhere); otherwise env-paths knows the platform rule.
 */
export function configDir(env: Env): string {
  const xdg = env.XDG_CONFIG_HOME;
  return xdg ? join(xdg, APP) : envPaths(APP, { suffix: '' }).config;
}

/** Where durable local state (the embedded queue) lives. */
export function dataDir(env: Env): string {
  const xdg = env.XDG_DATA_HOME;
  return xdg ? join(xdg, APP) : envPaths(APP, { suffix: '' }).data;
}
