import { createHash, timingSafeEqual } from 'node:crypto';
import { randomHex } from './ids.ts';

export interface ClientCredentials {
  clientId: string;
  clientSecret: string;
}

export interface TokenResponse {
  access_token: string;
  token_type: 'Bearer';
  expires_in: number;
}

/** Issues client-credentials tokens and checks Bearer headers against them. */
export class TokenIssuer {
  private readonly tokens = new Map<string, number>();
  /** Every token ever issued, revoked ones too: what a test must find nowhere the app writes. */
  readonly issued: string[] = [];

  constructor(
    private readonly expected: ClientCredentials,
    public lifetimeSeconds: number,
  ) {}

  accepts(given: ClientCredentials): boolean {
    return sameSecret(given.clientId, this.expected.clientId) && sameSecret(given.clientSecret, this.expected.clientSecret);
  }

  issue(now = Date.now()): TokenResponse {
    const token = `sbx_${randomHex(24)}`;
    this.tokens.set(token, now + this.lifetimeSeconds * 1000);
    this.issued.push(token);
    return { access_token: token, token_type: 'Bearer', expires_in: this.lifetimeSeconds };
  }

  /** Why a request's Authorization header is refused, or undefined when it is good. */
  refusal(authorization: string | undefined, now = Date.now()): string | undefined {
    const match = /^Bearer\s+(\S+)$/i.exec(authorization ?? '');
    if (!match) return 'Missing or malformed Authorization header; expected a Bearer token.';
    const expiresAt = this.tokens.get(match[1]!);
    if (expiresAt === undefined) return 'Invalid access token.';
    if (expiresAt <= now) return 'Access token expired.';
    return undefined;
  }

  /** Makes every issued token invalid, so a test can exercise a client's re-authentication. */
  revokeAll(): void {
    this.tokens.clear();
  }
}

/** Compares digests so the comparison time says nothing about the secret. */
function sameSecret(given: string, expected: string): boolean {
  const digest = (s: string) => createHash('sha256').update(s).digest();
  return timingSafeEqual(digest(given), digest(expected));
}

/** Credentials from HTTP Basic, else from the form fields, as Benchling accepts both. */
export function credentialsFrom(authorization: string | undefined, form: URLSearchParams): ClientCredentials | undefined {
  const basic = /^Basic\s+(\S+)$/i.exec(authorization ?? '');
  if (basic) {
    const decoded = Buffer.from(basic[1]!, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) return undefined;
    return { clientId: decoded.slice(0, colon), clientSecret: decoded.slice(colon + 1) };
  }
  const clientId = form.get('client_id');
  const clientSecret = form.get('client_secret');
  return clientId !== null && clientSecret !== null ? { clientId, clientSecret } : undefined;
}

