import { z } from 'zod';
import { UsageError } from '../errors/app-error.ts';
import type { Env } from './env.ts';
import { byteSize } from './byte-size.ts';
import { DEFAULT_EXPORT_LIMITS } from './export-limits.ts';
import { JOB_FAILURE_LIMIT } from './dead-letter-limits.ts';
import { DEFAULT_WORKER_CONCURRENCY, MAX_WORKER_CONCURRENCY } from './worker-concurrency.ts';
import type { Profile } from './profile.ts';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

interface SettingSpec<T> {
  /** Env var; the CLI flag is its kebab-case form (REGISTRY → --registry). */
  env: string;
  schema: z.ZodType<T, unknown>;
  default?: T;
  /** The default as a user writes it, where the parsed value does not print as such (`60/30s`, not `{ limit, windowMs }`). */
  defaultText?: string;
}

const text = z.string().trim().min(1);

/** A duration in seconds, written `20`, `20s` or `0.5s` (a profile may hold the number); the value is in seconds. */
const seconds = z.coerce
  .string()
  .trim()
  .regex(/^\d+(\.\d+)?s?$/, 'must be a number of seconds, such as 20s')
  .transform((v) => Number(v.replace(/s$/, '')))
  .pipe(z.number().positive('must be more than 0 s').max(3600, 'must be at most 3600 s (an hour)'));

/** A TCP port, written as digits: `abc` or `80.5` is named as what it is, not as "NaN". */
const port = z.coerce
  .string()
  .trim()
  .regex(/^\d+$/, 'must be a port number from 0 to 65535, such as 8080')
  .transform(Number)
  .pipe(z.number().max(65535, 'must be a port number from 0 to 65535, such as 8080'));

function setting<T>(spec: SettingSpec<T>): SettingSpec<T> {
  return spec;
}

/** The runtime settings of DESIGN.md, each with its env var, parser and default. */
export const SETTINGS = {
  region: setting({ env: 'AWS_REGION', schema: text }),
  registry: setting({ env: 'REGISTRY', schema: text, default: './quilt-registry' }),
  packagePrefix: setting({ env: 'PACKAGE_PREFIX', schema: text, default: 'benchling' }),
  packageLinkKey: setting({ env: 'PACKAGE_LINK_KEY', schema: text, default: 'experiment_id' }),
  queue: setting({ env: 'QUEUE', schema: text, default: 'embedded' }),
  /**
   * Where canvas navigation clicks are queued (open-queue.ts, openInteractiveQueue): `embedded`
   * or a second SQS FIFO queue URL. Unset: a second journal beside an embedded QUEUE, or QUEUE
   * itself beside an SQS one (one queue: clicks then share the worker's slots with exports).
   */
  interactiveQueue: setting({ env: 'INTERACTIVE_QUEUE', schema: text }),
  packager: setting({ env: 'PACKAGER', schema: text, default: 'direct' }),
  /**
   * The SQS queue an EventBridge rule fills with Quilt's package-revision events: with PACKAGER
   * set to an engine, the worker redraws an entry's canvases once the engine has committed.
   * Unset: the canvas shows the revision that was latest when the files were handed over.
   */
  packageEventQueue: setting({ env: 'PACKAGE_EVENT_QUEUE', schema: text }),
  quiltCatalog: setting({ env: 'QUILT_CATALOG', schema: text }),
  port: setting({ env: 'PORT', schema: port, default: 8080 }),
  logLevel: setting({ env: 'LOG_LEVEL', schema: z.enum(LOG_LEVELS), default: 'info' }),
  benchlingApiUrl: setting({ env: 'BENCHLING_API_URL', schema: z.url() }),
  benchlingJwksUrl: setting({ env: 'BENCHLING_JWKS_URL', schema: z.url() }),
  benchlingRateLimit: setting({
    env: 'BENCHLING_RATE_LIMIT',
    schema: z
      .string()
      .regex(/^\d+\/\d+s$/, 'must look like 60/30s (requests per seconds)')
      .transform((v) => {
        const [limit, seconds] = v.slice(0, -1).split('/').map(Number) as [number, number];
        return { limit, windowMs: seconds * 1000 };
      })
      .refine((v) => v.limit > 0 && v.windowMs > 0, 'needs at least 1 request per at least 1 s'),
    default: { limit: 60, windowMs: 30_000 },
    defaultText: '60/30s',
  }),
  entrySettle: setting({
    env: 'ENTRY_SETTLE',
    schema: z
      .string()
      .regex(/^\d+(\.\d+)?s\/\d+(\.\d+)?s$/, 'must look like 1s/30s (quiet time / longest wait)')
      .transform((v) => {
        const [quiet, max] = v.split('/').map((part) => Math.round(Number(part.slice(0, -1)) * 1000)) as [number, number];
        return { quietMs: quiet, maxMs: max };
      })
      .refine((v) => v.maxMs >= 1000 && v.maxMs >= v.quietMs, 'the longest wait must be at least 1 s and at least the quiet time'),
    default: { quietMs: 1000, maxMs: 30_000 },
    defaultText: '1s/30s',
  }),
  // What one export may cost the worker (see export-limits.ts); a refused export names its limit.
  exportMaxDownload: setting({ env: 'EXPORT_MAX_DOWNLOAD', schema: byteSize, default: DEFAULT_EXPORT_LIMITS.maxDownloadBytes }),
  exportMaxUncompressed: setting({ env: 'EXPORT_MAX_UNCOMPRESSED', schema: byteSize, default: DEFAULT_EXPORT_LIMITS.maxUncompressedBytes }),
  exportMaxFiles: setting({ env: 'EXPORT_MAX_FILES', schema: z.coerce.number().int().min(1), default: DEFAULT_EXPORT_LIMITS.maxFiles }),
  exportMaxRatio: setting({ env: 'EXPORT_MAX_RATIO', schema: z.coerce.number().min(1), default: DEFAULT_EXPORT_LIMITS.maxRatio }),
  // The webhook service's defences against slow and idle clients (docs/operations.md, Limits).
  // Benchling's deliveries arrive whole within milliseconds; these bound everyone else.
  /** Seconds from a request's first byte until its headers must be complete (also a silent new connection's life). */
  httpHeadersTimeout: setting({ env: 'HTTP_HEADERS_TIMEOUT', schema: seconds, default: 10 }),
  /** Seconds from a request's first byte until its whole body must have arrived. */
  httpBodyTimeout: setting({ env: 'HTTP_BODY_TIMEOUT', schema: seconds, default: 20 }),
  /**
   * Seconds a kept-alive connection may sit between requests. Fastify's own default, kept: it
   * outlasts the 60 s idle timeout of an AWS load balancer, so a proxy that reuses connections
   * lets one go before we close it, rather than sending a request down one we are closing.
   */
  httpIdleTimeout: setting({ env: 'HTTP_IDLE_TIMEOUT', schema: seconds, default: 72 }),
  /** Open connections at most; at the cap, idle and slow ones are closed to make room. */
  httpMaxConnections: setting({ env: 'HTTP_MAX_CONNECTIONS', schema: z.coerce.number().int().min(1).max(100_000), default: 256 }),
  // At most 10: SQS's maxReceiveCount (JOB_RECEIVE_LIMIT, 20) must stay above it and the deferrals a job may get.
  jobMaxFailures: setting({ env: 'JOB_MAX_FAILURES', schema: z.coerce.number().int().min(1).max(10), default: JOB_FAILURE_LIMIT }),
  /** Seconds one job may run before it is abandoned and retried as a failure (worker-loop.ts). */
  jobDeadline: setting({ env: 'JOB_DEADLINE', schema: seconds, default: 900, defaultText: '900s' }),
  /** Jobs one worker runs at once (worker-concurrency.ts); on ECS the default follows the task's CPU. */
  workerConcurrency: setting({
    env: 'WORKER_CONCURRENCY',
    schema: z.coerce.number().int().min(1).max(MAX_WORKER_CONCURRENCY),
    default: DEFAULT_WORKER_CONCURRENCY,
  }),
};

export type SettingKey = keyof typeof SETTINGS;
type SettingValue<K extends SettingKey> = (typeof SETTINGS)[K] extends SettingSpec<infer T> ? T : never;
export type Settings<K extends SettingKey> = { [P in K]: SettingValue<P> | undefined };
export type SettingOrigin = 'flag' | 'env' | 'profile' | 'secret' | 'default' | 'unset';

export function settingFlag(key: SettingKey): string {
  return `--${SETTINGS[key].env.toLowerCase().replace(/_/g, '-')}`;
}

/** The default as a user would write it (for `--help`); undefined when the setting has none. */
export function settingDefaultText(key: SettingKey): string | undefined {
  const spec: SettingSpec<unknown> = SETTINGS[key];
  return spec.defaultText ?? (spec.default === undefined ? undefined : String(spec.default));
}

export interface SettingsInput {
  /** Commander options, keyed by the camelCase setting name. */
  flags: Partial<Record<SettingKey, unknown>>;
  env: Env;
  profile?: Profile | undefined;
  /** Values the Benchling secret maps to settings (keys of the earlier app's secret, see src/secret/earlier-app-keys.ts). */
  secret?: Partial<Record<SettingKey, unknown>> | undefined;
}

/** flags > env > profile > secret > defaults; a value that does not parse is a usage error naming its origin. */
export function resolveSettings<K extends SettingKey>(
  keys: readonly K[],
  input: SettingsInput,
): { values: Settings<K>; origins: Record<K, SettingOrigin> } {
  const values = {} as Settings<K>;
  const origins = {} as Record<K, SettingOrigin>;
  for (const key of keys) {
    const spec = SETTINGS[key] as SettingSpec<SettingValue<K>>;
    const candidates: [SettingOrigin, unknown, string][] = [
      ['flag', input.flags[key], settingFlag(key)],
      ['env', input.env[spec.env], spec.env],
      ['profile', input.profile?.[key as keyof Profile], `profile key ${key}`],
      ['secret', input.secret?.[key], `the secret's value for ${spec.env}`],
    ];
    const found = candidates.find(([, value]) => value !== undefined && value !== '');
    if (!found) {
      values[key] = spec.default;
      origins[key] = spec.default === undefined ? 'unset' : 'default';
      continue;
    }
    const [origin, raw, where] = found;
    const parsed = spec.schema.safeParse(raw);
    if (!parsed.success) {
      const reason = parsed.error.issues.map((i) => i.message).join('; ');
      throw new UsageError('SETTING_INVALID', `${where} is invalid: ${reason}`);
    }
    values[key] = parsed.data;
    origins[key] = origin;
  }
  return { values, origins };
}
