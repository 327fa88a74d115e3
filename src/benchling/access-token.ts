import type { Now } from './clock.ts';
import { SingleFlight } from './single-flight.ts';

export interface TokenGrant {
  accessToken: string;
  expiresInSeconds: number;
}

export type RequestToken = () => Promise<TokenGrant>;

/** As Benchling's SDK does: refresh 10% before expiry, at least 1 s and at most 60 s early. */
export function refreshMarginSeconds(expiresInSeconds: number): number {
  return Math.min(60, Math.max(1, expiresInSeconds * 0.1));
}

/**
 * The app's OAuth2 access token: cached, refreshed ahead of expiry, and fetched by one request
 * at a time however many callers need it at once.
 */
export class AccessTokens {
  private current: { token: string; refreshAt: number } | undefined;
  private readonly refreshing = new SingleFlight<string>();

  constructor(
    private readonly request: RequestToken,
    private readonly now: Now,
  ) {}

  async get(): Promise<string> {
    const current = this.current;
    if (current !== undefined && this.now() < current.refreshAt) return current.token;
    return this.refresh();
  }

  /**
   * After a 401 with `token`. Only that token is dropped: callers whose 401 arrives after a
   * newer token was stored reuse the newer one instead of fetching yet another.
   */
  invalidate(token: string): void {
    if (this.current?.token === token) this.current = undefined;
  }

  private refresh(): Promise<string> {
    return this.refreshing.run(() => this.fetchAndStore());
  }

  private async fetchAndStore(): Promise<string> {
    // Timed from the request, not the answer, so a slow answer cannot make us hold a token too long.
    const requestedAt = this.now();
    const grant = await this.request();
    const lifetimeMs = (grant.expiresInSeconds - refreshMarginSeconds(grant.expiresInSeconds)) * 1000;
    this.current = { token: grant.accessToken, refreshAt: requestedAt + lifetimeMs };
    return grant.accessToken;
  }
}
