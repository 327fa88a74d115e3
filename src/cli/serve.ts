import { resolve } from 'node:path';
import { resolveSettings } from '../config/settings.ts';
import { dataDir } from '../config/paths.ts';
import { openQueue } from '../queue/open-queue.ts';
import { formatReport } from '../secret/report.ts';
import { resolveSecret, type ResolvedSecret } from '../secret/resolve.ts';
import { startService } from '../service/start-service.ts';
import { WorkerLoop } from '../worker/worker-loop.ts';
import { UsageError } from '../errors/app-error.ts';
import { println, type CliIo } from './io.ts';
import { commandContext, resolveCommandSecret } from './secret-options.ts';
import { SERVE_SETTINGS, type ServeOptions } from './serve-settings.ts';
import { VERSION } from './version.ts';

function runsInProduction(env: CliIo['env']): boolean {
  return env.NODE_ENV === 'production' || env.ECS_CONTAINER_METADATA_URI_V4 !== undefined;
}

function waitForSignal(): Promise<string> {
  return new Promise((done) => {
    const stop = (signal: string) => done(signal);
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
  });
}

/**
 * `serve`: the webhook service and the worker in one process. The secret is checked before
 * anything listens; an incomplete one ends the command with the problems report.
 */
export async function serve(options: ServeOptions, io: CliIo, until: Promise<unknown> = waitForSignal()): Promise<number> {
  if (options.insecureSkipVerify && runsInProduction(io.env)) {
    throw new UsageError('INSECURE_IN_PRODUCTION', '--insecure-skip-verify is for local experiments and is refused here (NODE_ENV=production or ECS)');
  }
  const context = await commandContext(options, io);
  const first = await resolveCommandSecret(options, context, io);
  if (!first.secret) {
    println(io.stderr, formatReport(first.report));
    println(io.stderr, 'serve: not starting, the Benchling secret is incomplete');
    return 1;
  }
  const { values: settings } = resolveSettings(SERVE_SETTINGS, { flags: options, env: io.env, profile: context.profile });
  const ttlSeconds = Number(options.secretTtl);
  if (!Number.isFinite(ttlSeconds) || ttlSeconds <= 0) throw new UsageError('SETTING_INVALID', '--secret-ttl must be a positive number of seconds');
  const log = context.log.child({ component: 'serve' });
  log.level = settings.logLevel ?? 'info';

  const queue = await openQueue(settings.queue ?? 'embedded', { dataDir: dataDir(io.env), region: context.region, sqsEndpoint: io.env.AWS_ENDPOINT_URL_SQS });
  const registry = settings.registry ?? './quilt-registry';
  // Later reads re-run the same resolution, so a rotated secret in AWS (or a rewritten file) is picked up.
  let initial: ResolvedSecret | undefined = first;
  const loadSecret = async (): Promise<ResolvedSecret> => {
    const already = initial;
    initial = undefined;
    return (
      already ??
      resolveSecret(
        { flags: options, env: io.env, profile: { name: options.profile, secretRef: context.profile?.secretArn } },
        { readFile: io.readFile, secretStore: () => io.secretStore(context.region) },
      )
    );
  };
  let service;
  try {
    service = await startService({
      loadSecret,
      queue,
      log,
      redactor: context.redactor,
      version: VERSION,
      host: options.host,
      port: settings.port ?? 8080,
      apiUrl: settings.benchlingApiUrl,
      jwksUrl: settings.benchlingJwksUrl,
      registryDir: registry.startsWith('s3://') ? undefined : resolve(registry),
      insecureSkipVerify: options.insecureSkipVerify === true,
      secretTtlMs: ttlSeconds * 1000,
    });
  } catch (error) {
    await queue.close();
    throw error;
  }
  const worker = new WorkerLoop({
    queue,
    log: log.child({ component: 'worker' }),
    // The packaging pipeline arrives with issue 4; until then the worker records what it got.
    handle: async (body) => log.debug({ body }, 'job received (packaging not built yet)'),
  });
  worker.start();
  log.info({ url: service.url, queue: settings.queue, registry }, 'benchling-webhook listening');
  println(io.stdout, `listening on ${service.url}`);
  const signal = await until;
  log.info({ signal }, 'shutting down');
  await service.close();
  await worker.stop();
  await queue.close();
  return 0;
}
