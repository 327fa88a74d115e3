import { resolve } from 'node:path';
import { UsageError } from '../errors/app-error.ts';
import { startService } from '../service/start-service.ts';
import { createPackagingHandler } from '../worker/packaging-handler.ts';
import { WorkerLoop } from '../worker/worker-loop.ts';
import { println, type CliIo } from './io.ts';
import { openRuntime, waitForSignal, type Runtime } from './runtime.ts';
import type { ServeOptions } from './serve-settings.ts';
import { VERSION } from './version.ts';

function runsInProduction(env: CliIo['env']): boolean {
  return env.NODE_ENV === 'production' || env.ECS_CONTAINER_METADATA_URI_V4 !== undefined;
}

export async function startWorker(runtime: Runtime, io: CliIo): Promise<WorkerLoop> {
  const { settings } = runtime;
  const log = runtime.log.child({ component: 'worker' });
  const handle = await createPackagingHandler({
    secret: runtime.secret,
    store: runtime.store,
    rateLimiter: runtime.rateLimiter,
    log,
    registry: settings.registry ?? './quilt-registry',
    prefix: settings.packagePrefix ?? 'benchling',
    packager: settings.packager ?? 'direct',
    apiUrl: settings.benchlingApiUrl,
    quiltCatalog: settings.quiltCatalog,
    packageLinkKey: settings.packageLinkKey,
    entrySettle: settings.entrySettle,
    region: runtime.context.region,
    sqsEndpoint: io.env.AWS_ENDPOINT_URL_SQS,
  });
  const worker = new WorkerLoop({ queue: runtime.queue, log, handle });
  worker.start();
  return worker;
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
  const { settings, log } = runtime;
  const registry = settings.registry ?? './quilt-registry';
  let service;
  try {
    service = await startService({
      secret: runtime.secret,
      queue: runtime.queue,
      log,
      version: VERSION,
      host: options.host ?? '0.0.0.0',
      port: settings.port ?? 8080,
      apiUrl: settings.benchlingApiUrl,
      jwksUrl: settings.benchlingJwksUrl,
      registryDir: registry.startsWith('s3://') ? undefined : resolve(registry),
      insecureSkipVerify: options.insecureSkipVerify === true,
    });
  } catch (error) {
    await runtime.close();
    throw error;
  }
  const worker = options.worker === false ? undefined : await startWorker(runtime, io);
  log.info({ url: service.url, queue: settings.queue, registry, worker: worker !== undefined }, 'benchling-webhook listening');
  println(io.stdout, `listening on ${service.url}`);
  const signal = await until;
  log.info({ signal }, 'shutting down');
  await service.close();
  await worker?.stop();
  await runtime.close();
  return 0;
}
