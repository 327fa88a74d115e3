import { classifyMessage, parseEnvelope } from '../benchling/webhook-envelope.ts';
import type { HeaderMap, VerifyResult } from '../benchling/webhook-signature.ts';
import { AppError } from '../errors/app-error.ts';
import type { Job } from '../jobs/job.ts';
import type { AccessRecord } from '../log/access-log.ts';
import type { Queue } from '../queue/queue.ts';
import type { Logger } from 'pino';
import type { IgnoredEvents } from './ignored-events.ts';
import { jobForMessage } from './jobs.ts';

/**
 * The webhook's whole decision, with no HTTP framework in it: a request's headers and raw
 * bytes in, the status and body to answer out. server.ts adapts fastify to it; tests and
 * other transports can call it directly.
 */

/** Where accepted events go: the service only adds jobs, and asks whether it can. */
export type JobSink = Pick<Queue<Job>, 'enqueue' | 'check'>;

export interface WebhookVerification {
  verify(headers: HeaderMap, rawBody: Buffer): Promise<VerifyResult>;
}

export interface WebhookCoreDeps {
  log: Logger;
  /** undefined only with `serve --insecure-skip-verify`. */
  verifier: WebhookVerification | undefined;
  queue: JobSink;
  /** The API base in use; envelopes naming another base are refused (credentials go only there). */
  apiBase(): string;
  now?: () => Date;
  /** Where ignored types are counted and logged once each. */
  ignoredEvents: IgnoredEvents;
}

export interface WebhookRequest {
  headers: HeaderMap;
  /** The exact bytes received: the signature covers them. */
  body: Buffer;
  /** The transport's id for the request, naming an unsigned one's job. */
  requestId: string;
}

export interface WebhookAnswer {
  status: number;
  body: Record<string, unknown>;
  /** What the request came to, for its access-log line. */
  outcome?: Partial<AccessRecord>;
}

const answer = (status: number, body: Record<string, unknown>, outcome?: Partial<AccessRecord>): WebhookAnswer => ({ status, body, ...(outcome ? { outcome } : {}) });

function sameBase(a: unknown, b: string): boolean {
  const norm = (s: string) => s.trim().replace(/\/+$/, '').toLowerCase();
  return typeof a === 'string' && norm(a) === norm(b);
}

/**
 * Benchling gets a fast, exact answer: verify first, then parse, then check the tenant,
 * then queue durably — and only then 202. A path suffix is a hint; the message type decides.
 */
export async function receiveWebhook(deps: WebhookCoreDeps, request: WebhookRequest): Promise<WebhookAnswer> {
  if (deps.verifier) {
    let verdict: VerifyResult;
    try {
      verdict = await deps.verifier.verify(request.headers, request.body);
    } catch (error) {
      if (error instanceof AppError && error.code === 'JWKS_UNAVAILABLE') {
        deps.log.warn({ reason: error.message }, 'webhook keys unavailable; Benchling will retry');
        return answer(503, { error: 'unavailable', reason: 'jwks_unavailable' });
      }
      throw error;
    }
    if (!verdict.ok) return answer(401, { error: 'unauthorized', reason: verdict.reason }, { reason: verdict.reason });
  }
  const parsed = parseEnvelope(request.body);
  if (!parsed.ok) return answer(400, { error: 'bad_request', message: parsed.message });
  const { envelope } = parsed;
  if (!sameBase(envelope.baseURL, deps.apiBase())) return answer(403, { error: 'forbidden', reason: 'tenant_mismatch' });
  const message = envelope.message as Record<string, unknown> & { type: string };
  const category = classifyMessage(message.type);
  if (category === 'lifecycle') return answer(200, { status: 'ok' });
  if (category === 'unknown') {
    deps.ignoredEvents.record(message.type);
    return answer(200, { status: 'ignored' });
  }
  const webhookId = String(request.headers['webhook-id'] ?? `unsigned-${request.requestId}`);
  const job = jobForMessage(category, message, webhookId, (deps.now ?? (() => new Date()))(), (envelope.app as { id?: string } | undefined)?.id);
  if ('invalid' in job) return answer(400, { error: 'bad_request', message: job.invalid });
  const queued = await deps.queue.enqueue(job);
  if (queued.duplicate) return answer(200, { status: 'duplicate' });
  return answer(202, { status: 'accepted', job: queued.jobId }, { job: queued.jobId, type: message.type, coalesced: queued.coalesced });
}
