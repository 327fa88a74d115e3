import Fastify, { type FastifyReply, type FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { classifyMessage, parseEnvelope } from '../benchling/webhook-envelope.ts';
import type { HeaderMap, VerifyResult } from '../benchling/webhook-signature.ts';
import { AppError } from '../errors/app-error.ts';
import { createAccessLog, pathOf, type AccessRecord } from '../log/access-log.ts';
import type { Job } from '../jobs/job.ts';
import type { Queue } from '../queue/queue.ts';
import { DEFAULT_HTTP_LIMITS, type HttpLimits } from '../config/http-limits.ts';
import { IgnoredEvents } from './ignored-events.ts';
import { clientErrorHandler } from './socket-answers.ts';
import { capConnections } from './connection-cap.ts';
import { jobForMessage } from './jobs.ts';
import { runChecks, type ReadinessCheck } from './readiness.ts';
import { serverTimeoutOptions } from './server-timeouts.ts';
import { ShedLog } from './shed-log.ts';

export const BODY_LIMIT = 1024 * 1024;

/** Where accepted events go: the service only adds jobs, and asks whether it can. */
export type JobSink = Pick<Queue<Job>, 'enqueue' | 'check'>;

export interface WebhookVerification {
  verify(headers: HeaderMap, rawBody: Buffer): Promise<VerifyResult>;
}

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

function sameBase(a: unknown, b: string): boolean {
  const norm = (s: string) => s.trim().replace(/\/+$/, '').toLowerCase();
  return typeof a === 'string' && norm(a) === norm(b);
}

/**
 * Benchling gets a fast, exact answer: verify first, then parse, then check the tenant,
 * then queue durably — and only then 202. A path suffix is a hint; the message type decides.
 */
async function handleWebhook(deps: ServiceDeps & { ignoredEvents: IgnoredEvents }, request: FastifyRequest, reply: FastifyReply) {
  const raw = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
  if (deps.verifier) {
    let verdict: VerifyResult;
    try {
      verdict = await deps.verifier.verify(request.headers, raw);
    } catch (error) {
      if (error instanceof AppError && error.code === 'JWKS_UNAVAILABLE') {
        deps.log.warn({ reason: error.message }, 'webhook keys unavailable; Benchling will retry');
        return reply.code(503).send({ error: 'unavailable', reason: 'jwks_unavailable' });
      }
      throw error;
    }
    if (!verdict.ok) {
      outcomes.set(request, { reason: verdict.reason });
      return reply.code(401).send({ error: 'unauthorized', reason: verdict.reason });
    }
  }
  const parsed = parseEnvelope(raw);
  if (!parsed.ok) return reply.code(400).send({ error: 'bad_request', message: parsed.message });
  const { envelope } = parsed;
  if (!sameBase(envelope.baseURL, deps.apiBase())) {
    return reply.code(403).send({ error: 'forbidden', reason: 'tenant_mismatch' });
  }
  const message = envelope.message as Record<string, unknown> & { type: string };
  const category = classifyMessage(message.type);
  if (category === 'lifecycle') return reply.code(200).send({ status: 'ok' });
  if (category === 'unknown') {
    deps.ignoredEvents.record(message.type);
    return reply.code(200).send({ status: 'ignored' });
  }
  const webhookId = String(request.headers['webhook-id'] ?? `unsigned-${request.id}`);
  const job = jobForMessage(category, message, webhookId, (deps.now ?? (() => new Date()))(), (envelope.app as { id?: string } | undefined)?.id);
  if ('invalid' in job) return reply.code(400).send({ error: 'bad_request', message: job.invalid });
  const queued = await deps.queue.enqueue(job);
  if (queued.duplicate) return reply.code(200).send({ status: 'duplicate' });
  outcomes.set(request, { job: queued.jobId, type: message.type, coalesced: queued.coalesced });
  return reply.code(202).send({ status: 'accepted', job: queued.jobId });
}

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
  const handler = (request: FastifyRequest, reply: FastifyReply) => handleWebhook(webhookDeps, request, reply);
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
