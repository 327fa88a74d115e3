import { AppError, UsageError } from '../errors/app-error.ts';
import { CONTROL_PREFIX, isSendEvent, SEND_EVENTS, type SendReply, type SendRequest } from '../sandbox/console/send-events.ts';
import type { SendOptions } from './commands/send.ts';
import { println, type CliIo } from './io.ts';

const TIMEOUT_MS = 15_000;

function parseUrl(flag: string, text: string): URL {
  let url: URL | undefined;
  try {
    url = new URL(text);
  } catch {
    url = undefined;
  }
  if (!url || !/^https?:$/.test(url.protocol)) throw new UsageError('SEND_URL_INVALID', `${flag} must be an http(s) URL such as http://127.0.0.1:8080, not ${text}`);
  return url;
}

/** A service on this machine can trust the sandbox's key; any other trusts only Benchling's. */
export function isLocal(url: URL): boolean {
  return ['localhost', '[::1]'].includes(url.hostname) || /^127\.\d+\.\d+\.\d+$/.test(url.hostname);
}

function checkArguments(options: SendOptions): void {
  if (!isSendEvent(options.event)) throw new UsageError('SEND_EVENT_UNKNOWN', `unknown event "${options.event}": send one of ${SEND_EVENTS.join(', ')}`);
  if (options.event === 'click' && !options.button) throw new UsageError('SEND_BUTTON_MISSING', 'click needs the button to click, by its text or id: send click "Browse files"');
  if (options.event !== 'click' && options.button !== undefined) throw new UsageError('SEND_EXTRA_ARGUMENT', `only click takes a button; ${options.event} takes none (got "${options.button}")`);
}

const base = (url: URL) => url.href.replace(/\/+$/, '');

async function answer(response: Response): Promise<unknown> {
  const text = await response.text();
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/** Why a service refused a signed delivery, and what to change. */
function refusalHint(status: number, body: unknown): string {
  const reason = typeof body === 'object' && body !== null ? (body as { reason?: unknown }).reason : undefined;
  if (status === 401) return "the service does not trust the sandbox's key: start serve with the --benchling-jwks-url the sandbox printed";
  if (status === 403 && reason === 'tenant_mismatch') return "the service expects another tenant: start serve with --benchling-api-url set to the sandbox's URL";
  if (status === 503) return "the service could not fetch the sandbox's keys: is --benchling-jwks-url the sandbox's?";
  return 'see the service log';
}

async function viaSandbox(options: SendOptions, url: URL, io: CliIo): Promise<number> {
  const sandbox = parseUrl('--sandbox', options.sandbox);
  const request: SendRequest = { event: options.event, entry: options.entry, canvas: options.canvas, button: options.button, url: base(url) };
  const response = await fetch(`${base(sandbox)}${CONTROL_PREFIX}/send`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(request),
    signal: AbortSignal.timeout(TIMEOUT_MS),
  }).catch(() => {
    throw new AppError('SANDBOX_UNREACHABLE', `no sandbox answers at ${base(sandbox)}: start one with \`benchling-webhook sandbox\`, or point --sandbox at it`);
  });
  const body = await answer(response);
  if (!response.ok) {
    const message = (body as { error?: { message?: string } } | undefined)?.error?.message ?? `the sandbox answered ${response.status}`;
    throw new AppError(response.status === 502 ? 'SERVICE_UNREACHABLE' : 'SEND_REFUSED', message);
  }
  const reply = body as SendReply;
  if (options.json) println(io.stdout, JSON.stringify(reply));
  else {
    const what = reply.entry ? ` for ${reply.entry.displayId}` : '';
    println(io.stdout, `sent ${reply.type}${what} (signed by the sandbox) to ${reply.target} → ${reply.status} ${JSON.stringify(reply.body)}`);
  }
  if (reply.status < 300) return 0;
  println(io.stderr, `the service refused it (${reply.status}): ${refusalHint(reply.status, reply.body)}`);
  return 1;
}

interface Probe {
  what: string;
  status: number | undefined;
  body: unknown;
  ok: boolean;
}

async function probe(what: string, target: string, init: RequestInit, expected: number): Promise<Probe> {
  try {
    const response = await fetch(target, { ...init, signal: AbortSignal.timeout(TIMEOUT_MS) });
    return { what, status: response.status, body: await answer(response), ok: response.status === expected };
  } catch (error) {
    return { what, status: undefined, body: error instanceof Error ? error.message : String(error), ok: false };
  }
}

/**
 * A deployed service checks signatures against Benchling's keys, which only Benchling holds:
 * nothing signed here would be accepted. What can be checked without the key is that the
 * service is up and that it refuses an unsigned request.
 */
export async function probeDeployed(url: URL, io: CliIo, json: boolean | undefined): Promise<number> {
  const unsigned = JSON.stringify({ version: '0', message: { type: 'v2.app.installed' } });
  const probes = [
    await probe('GET /health', `${base(url)}/health`, {}, 200),
    await probe('POST /event unsigned', `${base(url)}/event`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: unsigned }, 401),
  ];
  const ok = probes.every((p) => p.ok);
  if (json) println(io.stdout, JSON.stringify({ url: base(url), signed: false, probes, ok }));
  else {
    println(io.stdout, `${base(url)} is not on this machine: only Benchling can sign webhooks it accepts, so nothing was signed.`);
    println(io.stdout, 'Sent what needs no key instead:');
    for (const p of probes) println(io.stdout, `  ${p.what.padEnd(22)} → ${p.status ?? 'no answer'} ${typeof p.body === 'string' ? p.body : JSON.stringify(p.body)}${p.ok ? '' : '   ✗ unexpected'}`);
  }
  const [health, refusal] = probes;
  if (refusal?.status !== undefined && refusal.status < 300) println(io.stderr, 'the service ACCEPTED an unsigned request: signature checking is off (--insecure-skip-verify?)');
  else if (refusal?.status !== undefined && !refusal.ok) {
    println(io.stderr, `the service did not refuse the unsigned request for its missing signature (401) but answered ${refusal.status}: is signature checking off (--insecure-skip-verify)?`);
  }
  if (!health?.ok) println(io.stderr, 'the service is not healthy, or not at that URL');
  return ok ? 0 : 1;
}

/**
 * `send EVENT`: asks the running sandbox to build the event Benchling would send for one of its
 * entries, sign it with its key and post it to the service; prints the service's answer.
 */
export async function send(options: SendOptions, io: CliIo): Promise<number> {
  checkArguments(options);
  const url = parseUrl('--url', options.url);
  return isLocal(url) ? viaSandbox(options, url, io) : probeDeployed(url, io, options.json);
}
