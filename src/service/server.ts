import Fastify, { type FastifyReply, type FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { createAccessLog, pathOf, type AccessRecord } from '../log/access-log.ts';
import { DEFAULT_HTTP_LIMITS, type HttpLimits } from '../config/http-limits.ts';
import { IgnoredEvents } from './ignored-events.ts';
import { receiveWebhook, type JobSink, type WebhookVerification } from './webhook-core.ts';
import { clientErrorHandler } from './socket-answers.ts';
import { capConnections } from './connection-cap.ts';
import { runChecks, type ReadinessCheck } from './readiness.ts';
import { serverTimeoutOptions } from './server-timeouts.ts';
import { ShedLog } from './shed-log.ts';

export const BODY_LIMIT = 1024 * 1024;

export type { JobSink, WebhookVerification } from './webhook-core.ts';

export interface ServiceDeps {
  log: Logger;
  version: string;
  /** undefined only with `serve --insecure-skip-verify`. */
  verifier: WebhookVerification | undefined;
  queue: JobSink;
  /** The API base in use; envelopes naming another base are refused (credentials go only there). */
  apiBase(): string;
  checks: Record<string, ReadinessCheck>;
  /** Default DEFAULT_HTTP_LIMITS. */
  http?: HttpLimits;
  now?: () => Date;
  /** Where ignored types are counted and logged once each; default one for this server. */
  ignoredEvents?: IgnoredEvents;
}

const SUFFIXES = ['', '/lifecycle', '/canvas', '/event'];

/** What a webhook request came to, for its one log line. */
const outcomes = new WeakMap<FastifyRequest, Partial<AccessRecord>>();

export function buildServer(deps: ServiceDeps) {
  const insecure = deps.verifier === undefined;
  const log = insecure ? deps.log.child({ verification: 'DISABLED (--insecure-skip-verify): local experiments only' }) : deps.log;
  const limits = deps.http ?? DEFAULT_HTTP_LIMITS;
  // Lines are only written once connections come, by which time `cap` is set.
  const shed = new ShedLog({ log, context: () => ({ maxConnections: limits.maxConnections, open: cap.open }) });
  // One line per request, written by us when the answer is known: fastify's own request
  // logging would add two lines and a child logger per request.
  const app = Fastify({
    logger: false,
    bodyLimit: BODY_LIMIT,
    ...serverTimeoutOptions(limits),
    clientErrorHandler: clientErrorHandler(limits, () => shed.record('timed_out')),
  });
  const cap = capConnections(app.server, { maxConnections: limits.maxConnections, onShed: (reason) => shed.record(reason) });
  app.addHook('onClose', async () => shed.flush());
  const access = createAccessLog(log);
  app.addHook('onResponse', async (request, reply) => {
    if (request.url.includes('/health')) return;
    const webhookId = request.headers['webhook-id'];
    access({
      method: request.method,
      path: pathOf(request.url),
      status: reply.statusCode,
      ms: Math.round(reply.elapsedTime),
      webhookId: typeof webhookId === 'string' ? webhookId : undefined,
      ...outcomes.get(request),
    });
  });

  // The signature covers the exact bytes, so the body stays raw until verification is done.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: BODY_LIMIT }, (_req, body, done) => done(null, body));

  app.setErrorHandler((error: { statusCode?: number; code?: string }, request, reply) => {
    if (error.statusCode === 413) return reply.code(413).send({ error: 'payload_too_large', limit: BODY_LIMIT });
    if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) {
      return reply.code(400).send({ error: 'bad_request', message: error.code ?? 'unreadable request' });
    }
    log.error({ err: error, path: pathOf(request.url) }, 'request failed');
    return reply.code(500).send({ error: 'internal' });
  });
  app.setNotFoundHandler((_request, reply) => reply.code(404).send({ error: 'not_found' }));

  const ignoredEvents = deps.ignoredEvents ?? new IgnoredEvents(log);
  const webhookDeps = { ...deps, ignoredEvents };
  // The adapter: fastify's request in, the core's answer out, its outcome kept for the access log.
  const handler = async (request: FastifyRequest, reply: FastifyReply) => {
    const body = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
    const answer = await receiveWebhook(webhookDeps, { headers: request.headers, body, requestId: request.id });
    if (answer.outcome) outcomes.set(request, answer.outcome);
    return reply.code(answer.status).send(answer.body);
  };
  for (const suffix of SUFFIXES) {
    app.post(suffix || '/', handler);
    app.post(`/:stage${suffix}`, handler);
  }
  const health = async () => ({ status: 'ok', version: deps.version });
  const ready = async (_request: FastifyRequest, reply: FastifyReply) => {
    const { ready: ok, checks } = await runChecks(deps.checks);
    // Ignored deliveries are no failure, but a count that grows shows subscriptions doing nothing.
    return reply.code(ok ? 200 : 503).send({ status: ok ? 'ready' : 'not_ready', checks, ignoredEvents: ignoredEvents.counted() });
  };
  for (const prefix of ['', '/:stage']) {
    app.get(`${prefix}/health`, { logLevel: 'warn' }, health);
    app.get(`${prefix}/health/ready`, { logLevel: 'warn' }, ready);
  }
  return app;
}
