import type { KeyObject } from 'node:crypto';
import { anySignatureMatches, prepareWebhook } from './webhook-signature.ts';
import type { HeaderMap, VerifyResult } from './webhook-signature.ts';

const INVALID: VerifyResult = Object.freeze({ ok: false, reason: 'invalid_signature' });

/** What the verifier needs from a key source; JwksCache provides it. */
export interface WebhookKeySource {
  keys(): Promise<KeyObject[]>;
  refreshAfterMiss(): Promise<boolean>;
}

export interface WebhookVerifierOptions {
  jwks: WebhookKeySource;
  now?: () => number;
}

/**
 * The pure checks with the cached key set. A miss forces one (rate-limited) re-fetch before
 * rejecting: that is how a key rotated at Benchling gets picked up before the TTL runs out.
 */
export class WebhookVerifier {
  private readonly source: WebhookKeySource;
  private readonly now: () => number;

  constructor(options: WebhookVerifierOptions) {
    this.source = options.jwks;
    this.now = options.now ?? Date.now;
  }

  /** Rejects with AppError JWKS_UNAVAILABLE only when no key set can be had at all. */
  async verify(headers: HeaderMap, rawBody: Buffer): Promise<VerifyResult> {
    // Header and timestamp failures are answered without the keys, so they never cause a fetch.
    const prepared = prepareWebhook(headers, rawBody, this.now());
    if (!prepared.ok) return prepared;
    const { content, signatures } = prepared;
    // With no well-formed signature, no key set can help: answer without fetching one.
    if (signatures.length === 0) return INVALID;
    if (anySignatureMatches(content, signatures, await this.source.keys())) return { ok: true };
    if (!(await this.source.refreshAfterMiss())) return INVALID;
    return anySignatureMatches(content, signatures, await this.source.keys()) ? { ok: true } : INVALID;
  }
}
