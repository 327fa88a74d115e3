import { buildApp } from 'fauxqs';

export interface FauxqsServer {
  /** http://127.0.0.1:<port>: S3 and SQS over their real wire protocols. */
  url: string;
  stop(): Promise<void>;
}

/**
 * fauxqs in this process on a free port of 127.0.0.1 (its own startFauxqs would listen on
 * every interface). Every emulator the tests use starts here.
 */
export async function listenFauxqs(region = 'us-east-1'): Promise<FauxqsServer> {
  const app = buildApp({ logger: false, defaultRegion: region });
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  return { url, stop: () => app.close() };
}
