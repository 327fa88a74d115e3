import { resolveSettings, type SettingKey, type SettingOrigin, type Settings } from '../config/settings.ts';
import { dataDir } from '../config/paths.ts';
import { AppError, UsageError } from '../errors/app-error.ts';
import type { Logger } from '../log/logger.ts';
import { openInteractiveQueue, openQueue } from '../queue/open-queue.ts';
import type { Queue } from '../queue/queue.ts';
import { RateLimiter } from '../benchling/rate-limiter.ts';
import type { ObjectStore } from '../storage/object-store.ts';
import { openObjectStore } from '../storage/open-store.ts';
import { directoryProblem } from '../storage/writable-directory.ts';
import { classifyEarlierAppKeys, type KeyReport } from '../secret/earlier-app-keys.ts';
import { formatReport, type SecretReport } from '../secret/report.ts';
import { resolveSecret, type ResolvedSecret } from '../secret/resolve.ts';
import { SecretState } from '../secret/secret-state.ts';
import { println, type CliIo } from './io.ts';
import { commandContext, resolveCommandSecret, type CommandContext } from './command-context.ts';
import type { WorkerOptions } from './commands/worker.ts';
import { SERVE_SETTINGS } from './serve-settings.ts';

type ServeSetting = (typeof SERVE_SETTINGS)[number];
export type RuntimeSettings = Settings<ServeSetting>;

/** What `serve`, `worker` and `demo` share: a validated secret that follows rotation, settings, the queue. */
export interface Runtime {
  context: CommandContext;
  settings: RuntimeSettings;
  secret: SecretState;
  queue: Queue;
  /** Where canvas navigation clicks wait (INTERACTIVE_QUEUE); the same object as `queue` when the stack has one queue. */
  interactiveQueue: Queue;
  store: ObjectStore;
  /** Every Benchling call of the process takes a permit from this one limiter. */
  rateLimiter: RateLimiter;
  log: Logger;
  close(): Promise<void>;
}

/**
 * Opens the runtime, or prints the secret's problems report and returns exit code 1: a
 * process with an incomplete secret must stop before it opens a port or takes a job.
 */
export async function openRuntime(command: string, options: WorkerOptions, io: CliIo): Promise<Runtime | number> {
  const ttlSeconds = Number(options.secretTtl ?? 60);
  if (!Number.isFinite(ttlSeconds) || ttlSeconds <= 0) {
    throw new UsageError('SETTING_INVALID', '--secret-ttl must be a positive number of seconds');
  }
  const context = await commandContext(options, io);
  const first = await resolveCommandSecret(options, context, io);
  if (!first.secret) {
    println(io.stderr, formatReport(first.report));
    refuseOnRefusedKey(command, first.report);
    println(io.stderr, `${command}: not starting, the Benchling secret is incomplete`);
    return 1;
  }
  const fromSecret = classifyEarlierAppKeys(first.secret);
  const { values: settings, origins } = resolveSettings(SERVE_SETTINGS, { flags: options, env: io.env, profile: context.profile, secret: fromSecret.settings });
  const log = context.log.child({ component: command });
  log.level = settings.logLevel ?? 'info';
  logSecretKeys(log, fromSecret.keys, origins);

  // Later reads re-run the same resolution, so a rotated secret in AWS (or a rewritten file) is picked up.
  let initial: ResolvedSecret | undefined = first;
  const load = async (): Promise<ResolvedSecret> => {
    const already = initial;
    initial = undefined;
    const request = { flags: options, env: io.env, profile: { name: options.profile, secretRef: context.profile?.secretArn } };
    return already ?? resolveSecret(request, { readFile: io.readFile, secretStore: () => io.secretStore(context.region, context.profile?.awsProfile) });
  };
  const secret = await SecretState.open(load, log);
  secret.follow((current) => context.redactor.remember(current));
  const registry = settings.registry ?? './quilt-registry';
  const store = await openObjectStore(registry, { region: context.region, s3Endpoint: io.env.AWS_ENDPOINT_URL_S3 });
  // A local registry that cannot be written would fail every job, long after the start looked fine.
  if (!registry.startsWith('s3://')) await assertRegistryWritable(store.describe());
  const queueOptions = {
    dataDir: dataDir(io.env),
    region: context.region,
    sqsEndpoint: io.env.AWS_ENDPOINT_URL_SQS,
    settle: settings.entrySettle,
    maxFailures: settings.jobMaxFailures,
  };
  const queueSetting = settings.queue ?? 'embedded';
  const queue = await openQueue(queueSetting, queueOptions);
  let interactiveQueue: Queue;
  try {
    interactiveQueue = await openInteractiveQueue(settings.interactiveQueue, { setting: queueSetting, queue }, queueOptions);
  } catch (error) {
    await queue.close();
    throw error;
  }
  secret.startRefreshing(ttlSeconds * 1000);
  return {
    context,
    settings,
    secret,
    queue,
    interactiveQueue,
    store,
    rateLimiter: new RateLimiter(settings.benchlingRateLimit),
    log,
    close: async () => {
      secret.stop();
      await queue.close();
      if (interactiveQueue !== queue) await interactiveQueue.close();
    },
  };
}

/** A local registry directory that is a file, or cannot be made or written, stops the command before it starts. */
export async function assertRegistryWritable(directory: string): Promise<void> {
  const problem = await directoryProblem(directory);
  if (problem) throw new UsageError('REGISTRY_NOT_WRITABLE', `the registry ${problem}: pass --registry (env REGISTRY) a directory you can write to, or s3://bucket`);
}

/** Names and outcomes only, never values: which of the secret's other keys took effect, and which a flag, env var or profile overrode. */
function logSecretKeys(log: Logger, keys: readonly KeyReport[], origins: Record<ServeSetting, SettingOrigin>): void {
  for (const key of keys) {
    const origin = key.setting && isServeSetting(key.setting) ? origins[key.setting] : undefined;
    const line = { key: key.key, outcome: key.outcome, setting: key.env, ...(origin === undefined ? {} : { used: origin === 'secret', from: origin }), reason: key.reason };
    if (key.outcome === 'mapped') log.info(line, 'secret key mapped to a setting');
    else log.warn(line, `secret key ${key.outcome}`);
  }
}

function isServeSetting(key: SettingKey): key is ServeSetting {
  return (SERVE_SETTINGS as readonly SettingKey[]).includes(key);
}

/** A refused key (verification off, an unreadable value) ends start-up with its own code, exit 1. */
function refuseOnRefusedKey(command: string, report: SecretReport): void {
  const refused = report.keys.find((k) => k.outcome === 'refused');
  if (!refused) return;
  throw new AppError(refused.code ?? 'SECRET_KEY_REFUSED', `${command}: not starting, the secret's \`${refused.key}\` is refused: ${refused.reason}`);
}

export function waitForSignal(): Promise<string> {
  return new Promise((done) => {
    const stop = (signal: string) => done(signal);
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
  });
}
