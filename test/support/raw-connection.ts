import { connect as netConnect, type Socket } from 'node:net';

/**
 * A TCP connection to a service, written byte by byte as a slow or idle client would: what
 * an HTTP client library never does on purpose. Records what the server answered and when the
 * connection closed.
 */
export interface RawConnection {
  socket: Socket;
  /** performance.now() when it connected. */
  openedAt: number;
  /** Everything the server sent, as latin1 text. */
  readonly received: string;
  /** Resolves when the connection is closed (by either side), with the ms since it connected. */
  closed: Promise<number>;
  /** Resolves once what was received matches `pattern`; rejects if it closes first or after `timeoutMs`. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<void>;
  /** Repeats `write` every `intervalMs` until the connection closes or stop() is called. */
  every(intervalMs: number, write: () => string): void;
  /** Closes it from our side and stops any dripping. */
  stop(): void;
}

export function openConnection(url: string): Promise<RawConnection> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = netConnect(Number(port), hostname);
    let received = '';
    let timer: NodeJS.Timeout | undefined;
    const waiters = new Set<() => void>();
    const openedAt = performance.now();
    const closed = new Promise<number>((done) =>
      socket.once('close', () => {
        if (timer) clearInterval(timer);
        done(performance.now() - openedAt);
        for (const wake of waiters) wake();
      }),
    );
    socket.on('data', (chunk: Buffer) => {
      received += chunk.toString('latin1');
      for (const wake of waiters) wake();
    });
    socket.on('error', () => undefined);
    socket.once('connect', () => {
      socket.off('error', reject);
      resolve({
        socket,
        openedAt,
        get received() {
          return received;
        },
        closed,
        waitFor: (pattern, timeoutMs = 10_000) =>
          new Promise<void>((ok, fail) => {
            const deadline = setTimeout(() => finish(new Error(`no ${pattern} within ${timeoutMs} ms; received ${JSON.stringify(received)}`)), timeoutMs);
            const check = () => {
              if (pattern.test(received)) finish();
              else if (socket.destroyed) finish(new Error(`closed before ${pattern}; received ${JSON.stringify(received)}`));
            };
            const finish = (error?: Error) => {
              clearTimeout(deadline);
              waiters.delete(check);
              if (error) fail(error);
              else ok();
            };
            waiters.add(check);
            check();
          }),
        every: (intervalMs, write) => {
          timer = setInterval(() => {
            if (!socket.destroyed) socket.write(write());
          }, intervalMs);
        },
        stop: () => {
          if (timer) clearInterval(timer);
          socket.destroy();
        },
      });
    });
    socket.once('error', reject);
  });
}

/** Complete headers of a POST whose body of `declaredBytes` the caller then sends (or drips). */
export function postHeaders(path: string, declaredBytes: number, extra: Record<string, string> = {}): string {
  const lines = [`POST ${path} HTTP/1.1`, 'Host: 127.0.0.1', 'Content-Type: application/json', `Content-Length: ${declaredBytes}`];
  for (const [name, value] of Object.entries(extra)) lines.push(`${name}: ${value}`);
  return `${lines.join('\r\n')}\r\n\r\n`;
}

/** A connection that sent complete headers and now sends one body byte every `intervalMs`. */
export async function dripBody(url: string, intervalMs: number, path = '/event'): Promise<RawConnection> {
  const connection = await openConnection(url);
  connection.socket.write(postHeaders(path, 100_000));
  connection.every(intervalMs, () => ' ');
  return connection;
}

/** A connection that got one answer to GET /health and now sits idle, kept alive. */
export async function idleAfterOneRequest(url: string): Promise<RawConnection> {
  const connection = await openConnection(url);
  connection.socket.write('GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
  await connection.waitFor(/\{"status":"ok"[^}]*\}/);
  return connection;
}
