import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { CONNECTION_LIMIT_ANSWER } from './socket-answers.ts';
import type { ShedReason } from './shed-log.ts';

/**
 * What an open connection is doing, as far as shedding it goes:
 * - `no_request`: nothing served yet and no whole request in (silent, or dripping its headers);
 * - `idle`: kept alive between requests;
 * - `slow_body`: its request's headers are in, its body is still arriving;
 * - `answering`: its whole request is in and the service is working on the answer.
 */
export type ConnectionState = SheddableState | 'answering';
type SheddableState = Extract<ShedReason, 'no_request' | 'idle' | 'slow_body'>;

export interface OpenConnection {
  state: ConnectionState;
  /** When the connection opened (for `no_request` and `idle`) or its request's headers arrived (for `slow_body`). */
  since: number;
}

/** Cheapest loss first: a connection that never delivered a request, then an idle one, then a slow body. */
const SHED_ORDER: readonly SheddableState[] = ['no_request', 'idle', 'slow_body'];

/**
 * The connection to close so a new one can be served, oldest first within its kind; undefined
 * when every one is being answered (a request already in is never dropped).
 */
export function connectionToShed<T extends OpenConnection>(open: Iterable<T>): (T & { state: SheddableState }) | undefined {
  const oldest = new Map<ConnectionState, T>();
  for (const connection of open) {
    const held = oldest.get(connection.state);
    if (held === undefined || connection.since < held.since) oldest.set(connection.state, connection);
  }
  for (const state of SHED_ORDER) {
    const found = oldest.get(state);
    if (found !== undefined) return found as T & { state: SheddableState };
  }
  return undefined;
}

interface Tracked {
  socket: Socket;
  openedAt: number;
  request: IncomingMessage | undefined;
  response: ServerResponse | undefined;
  requestAt: number;
}

function stateOf(tracked: Tracked): OpenConnection {
  const { request, response } = tracked;
  if (request === undefined || response === undefined) return { state: 'no_request', since: tracked.openedAt };
  if (response.writableEnded) return { state: 'idle', since: tracked.openedAt };
  if (!request.complete) return { state: 'slow_body', since: tracked.requestAt };
  return { state: 'answering', since: tracked.requestAt };
}

export interface ConnectionCapOptions {
  maxConnections: number;
  onShed: (reason: ShedReason) => void;
  now?: () => number;
}

export interface ConnectionCap {
  readonly open: number;
}

/**
 * Holds `server` to `maxConnections` open connections without ever locking a new client out
 * while some open connection is only idling or dripping: at the cap, each new connection
 * closes the cheapest one to lose (see connectionToShed). Only when every open connection is
 * being answered is the newcomer refused, with a 503. So /health and Benchling get through
 * while an attacker holds the cap with silent, idle or slow connections.
 */
export function capConnections(server: Server, options: ConnectionCapOptions): ConnectionCap {
  const now = options.now ?? Date.now;
  const open = new Map<Socket, Tracked>();
  const forget = (socket: Socket) => open.delete(socket);

  // Ahead of node:http's own listener: a refused connection is closed before anything of it
  // is read, so a request it sends is never served after it was told 503.
  server.prependListener('connection', (socket: Socket) => {
    if (open.size >= options.maxConnections && !makeRoom()) {
      options.onShed('refused');
      socket.write(CONNECTION_LIMIT_ANSWER);
      socket.destroy();
      return;
    }
    open.set(socket, { socket, openedAt: now(), request: undefined, response: undefined, requestAt: 0 });
    socket.once('close', () => forget(socket));
  });

  // Beside fastify's own listener: just notes which request each connection is on.
  server.on('request', (request: IncomingMessage, response: ServerResponse) => {
    const tracked = open.get(request.socket);
    if (tracked === undefined) return;
    tracked.request = request;
    tracked.response = response;
    tracked.requestAt = now();
  });

  function makeRoom(): boolean {
    const victim = connectionToShed([...open.values()].map((tracked) => ({ ...stateOf(tracked), tracked })));
    if (victim === undefined) return false;
    // Forgotten at once: its 'close' comes later, and the next newcomer must not pick it again.
    forget(victim.tracked.socket);
    victim.tracked.socket.destroy();
    options.onShed(victim.state);
    return true;
  }

  return {
    get open() {
      return open.size;
    },
  };
}
