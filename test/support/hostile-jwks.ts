import { generateKeyPairSync } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';

/**
 * What the JWKS server answers. Every kind is something an attacker (or a broken proxy in
 * front of apps.benchling.com) could send; none of them is a mock of our own code.
 */
export type HostileReply =
  /** A JSON body as given. */
  | { kind: 'json'; body: unknown }
  /**
   * `{"keys":[` + `bytes` of JSON whitespace + `]}`: valid JSON if read to the end, so only its
   * size can make it refused. Streamed under backpressure, so the sender holds little memory.
   */
  | { kind: 'huge'; bytes: number; gzip?: boolean; declareLength?: boolean }
  /** `body` after `delayMs`. */
  | { kind: 'slow'; delayMs: number; body: unknown }
  | { kind: 'status'; status: number };

export interface HostileJwksServer {
  url: string;
  reply: HostileReply;
  /** Requests received so far. */
  readonly requests: number;
  /** Most requests open at the same moment. */
  readonly maxInFlight: number;
  /** Body bytes handed to the socket (counted before compression), over all requests. */
  readonly bytesSent: number;
  close(): Promise<void>;
}

/** `count` distinct EC P-256 public keys as JWKs, the way Benchling publishes its keys. */
export function manyEcJwks(count: number): Record<string, unknown>[] {
  return Array.from({ length: count }, (_, i) => {
    const { publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    return { ...publicKey.export({ format: 'jwk' }), kid: `k${i}`, use: 'sig', alg: 'ES256' };
  });
}

const CHUNK = Buffer.alloc(64 * 1024, ' ');

function drainedOrClosed(out: NodeJS.WritableStream): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      out.off('drain', done).off('close', done);
      resolve();
    };
    out.on('drain', done).on('close', done);
  });
}

// Gzip members may follow one another in one body, and decoders join them: a few hundred
// bytes on the wire per 64 KiB of padding, and no compressing while the attack runs.
const GZIPPED_CHUNK = gzipSync(CHUNK);

async function sendHuge(res: ServerResponse, reply: Extract<HostileReply, { kind: 'huge' }>, sent: (n: number) => void): Promise<void> {
  const head = Buffer.from('{"keys":[');
  const tail = Buffer.from(']}');
  const encode = (piece: Buffer) => (!reply.gzip ? piece : piece === CHUNK ? GZIPPED_CHUNK : gzipSync(piece));
  const headers: Record<string, string | number> = { 'content-type': 'application/json' };
  if (reply.gzip) headers['content-encoding'] = 'gzip';
  else if (reply.declareLength) headers['content-length'] = head.length + reply.bytes + tail.length;
  res.writeHead(200, headers);
  res.write(encode(head));
  for (let left = reply.bytes; left > 0 && !res.destroyed; left -= CHUNK.length) {
    const piece = left >= CHUNK.length ? CHUNK : CHUNK.subarray(0, left);
    sent(piece.length);
    if (!res.write(encode(piece))) await drainedOrClosed(res);
  }
  if (!res.destroyed) res.end(encode(tail));
}

export async function startHostileJwks(initial: HostileReply): Promise<HostileJwksServer> {
  let requests = 0;
  let inFlight = 0;
  let maxInFlight = 0;
  let bytesSent = 0;
  let reply = initial;
  const handle = (req: IncomingMessage, res: ServerResponse) => {
    requests += 1;
    inFlight += 1;
    maxInFlight = Math.max(maxInFlight, inFlight);
    res.once('close', () => (inFlight -= 1));
    req.resume();
    const current = reply;
    switch (current.kind) {
      case 'json':
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(current.body));
        return;
      case 'status':
        res.writeHead(current.status, { 'content-type': 'text/plain' }).end('no');
        return;
      case 'slow': {
        const timer = setTimeout(() => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(current.body)), current.delayMs);
        res.once('close', () => clearTimeout(timer));
        return;
      }
      case 'huge':
        void sendHuge(res, current, (n) => (bytesSent += n)).catch(() => res.destroy());
        return;
    }
  };
  const server = createServer(handle);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/api/v1/apps/appdef_hostile/jwks`,
    get reply() {
      return reply;
    },
    set reply(next: HostileReply) {
      reply = next;
    },
    get requests() {
      return requests;
    },
    get maxInFlight() {
      return maxInFlight;
    },
    get bytesSent() {
      return bytesSent;
    },
    close: () => {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
