import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What the loopback catalog answers at /config.json: a config object, or a raw status and body. */
export type CatalogAnswer = { config: Record<string, unknown> } | { status: number; body: string };

/**
 * A loopback Quilt catalog: it serves `/config.json` as a catalog does (any other path is
 * 404), so init's discovery runs over real HTTP. Tests change `answer` between runs.
 */
export class QuiltCatalogFake {
  answer: CatalogAnswer;
  readonly requests: string[] = [];
  private server: Server | undefined;
  url = '';
  host = '';

  constructor(config: Record<string, unknown>) {
    this.answer = { config };
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      this.requests.push(`${req.method} ${req.url}`);
      if (req.url !== '/config.json') {
        res.writeHead(404).end('not found');
        return;
      }
      const { answer } = this;
      if ('config' in answer) res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(answer.config));
      else res.writeHead(answer.status, { 'content-type': 'text/html' }).end(answer.body);
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.host = `127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    this.url = `http://${this.host}`;
    return this;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => {
      this.server?.closeAllConnections();
      this.server?.close(() => resolve());
    });
  }
}
