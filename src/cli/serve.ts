import { resolve } from 'node:path';
import { resolveSettings } from '../config/settings.ts';
import { UsageError } from '../errors/app-error.ts';
import type { ServeOptions } from './commands/serve.ts';
import { println, type CliIo } from './io.ts';
import { openRuntime, waitForSignal, type Runtime } from './runtime.ts';
import type { JobObserver } from './start-worker.ts';
import { SERVICE_HTTP_SETTINGS, SERVICE_PORT_SETTINGS } from './serve-settings.ts';
import { VERSION } from './version.ts';

function runsInProduction(env: CliIo['env']): boolean {
  return env.NODE_ENV === 'production' || env.ECS_CONTAINER_METADATA_URI_V4 !== undefined;
}

/**
 * `serve`: the webhook service and (unless --no-worker) the worker in one process. The
 * secret is checked before anything listens; an incomplete one ends the command with the
 * problems report.
 */
export async function serve(options: ServeOptions, io: CliIo, until: Promise<unknown> = waitForSignal()): Promise<number> {
  if (options.insecureSkipVerify && runsInProduction(io.env)) {
    throw new UsageError('INSECURE_IN_PRODUCTION', '--insecure-skip-verify is for local experiments and is refused here (NODE_ENV=production or ECS)');
  }
  const runtime = await openRuntime('serve', options, io);
  if (typeof runtime === 'number') return runtime;
  const serving = await startServing(runtime, options, io);
  const signal = await until;
  runtime.log.info({ signal }, 'shutting down');
  await serving.stop();
  await runtime.close();
  return 0;
}

/** The service and (unless --no-worker) the worker, running on an opened runtime. */
export interface Serving {
  url: string;
  /** Stops both; the runtime stays open (its owner closes it). */
  stop(): Promise<void>;
}

/**
 * Starts what `serve` runs on a runtime: `backfill` runs the same on the embedded queue, since
 * only one process may hold that queue. `observe` is told how each job the worker ran ended.
 */
export async function startServing(runtime: Runtime, options: ServeOptions, io: CliIo, observe?: JobObserver): Promise<Serving> {
  // Loaded only once the secret passed, so a refusal costs no more start-up than it must.
  const [{ startService }, { laneSink }, { startWorker }, { httpLimitsFrom }, { listenRefusal }] = await Promise.all([
    import('../service/start-service.ts'),
    import('../service/lanes.ts'),
    import('./start-worker.ts'),
    import('../config/http-limits.ts'),
    import('../service/listen-refusal.ts'),
  ]);
  const { settings, log } = runtime;
  const registry = settings.registry ?? './quilt-registry';
  const host = options.host ?? '0.0.0.0';
  let port = 8080;
  let service;
  let http;
  try {
    const profile = runtime.context.profile;
    port = resolveSettings(SERVICE_PORT_SETTINGS, { flags: options, env: io.env, profile }).values.port ?? port;
    http = httpLimitsFrom(resolveSettings(SERVICE_HTTP_SETTINGS, { flags: options, env: io.env, profile }).values);
    service = await startService({
      secret: runtime.secret,
      queue: laneSink({ entry: runtime.queue, interactive: runtime.interactiveQueue }),
      log,
      version: VERSION,
      host,
      port,
      apiUrl: settings.benchlingApiUrl,
      jwksUrl: settings.benchlingJwksUrl,
      registryDir: registry.startsWith('s3://') ? undefined : resolve(registry),
      insecureSkipVerify: options.insecureSkipVerify === true,
      http,
    });
  } catch (error) {
    await runtime.close();
    throw listenRefusal(error, host, port) ?? error;
  }
  const worker = options.worker === false ? undefined : await startWorker(runtime, io, observe);
  log.info({ url: service.url, queue: settings.queue, registry, worker: worker !== undefined, http }, 'benchling-webhook listening');
  println(io.stdout, `listening on ${service.url}`);
  return {
    url: service.url,
    stop: async () => {
      await service.close();
      await worker?.stop();
    },
  };
}
