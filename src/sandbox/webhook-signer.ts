import { randomBytes, sign } from 'node:crypto';
import { benchlingId } from './ids.ts';
import { generateSigningKey, type SigningKey, type SigningKeyring } from './signing-keys.ts';

export interface WebhookHeaders {
  'webhook-id': string;
  'webhook-timestamp': string;
  'webhook-signature': string;
}

/**
 * Ways a delivery can fail verification, each aimed at one check of the verifier:
 * - `wrong-key`: a well-formed signature by a key that is not in the JWKS;
 * - `bad-signature`: the right key, but over other content (as if the body were altered);
 * - `not-der`: a valid signature under a version label without `der` (`v1,`);
 * - `garbage`: random bytes where the DER signature should be.
 */
export type ForgeryKind = 'wrong-key' | 'bad-signature' | 'not-der' | 'garbage';

export interface SignOptions {
  /** Defaults to a fresh `msg_…` id. Re-use one to simulate a re-delivery. */
  id?: string;
  /** Unix seconds; defaults to now. */
  timestamp?: number | string;
  forged?: ForgeryKind;
  /** One signature per published key, space-separated, as during a rotation. */
  allKeys?: boolean;
}

export function signWebhook(keyring: SigningKeyring, body: string | Buffer, options: SignOptions = {}): WebhookHeaders {
  const id = options.id ?? benchlingId('msg', 24);
  const timestamp = String(options.timestamp ?? Math.floor(Date.now() / 1000));
  const content = Buffer.concat([Buffer.from(`${id}.${timestamp}.`), Buffer.from(body)]);
  const keys = options.allKeys ? keyring.all : [keyring.current];
  const signatures = keys.map((key) => signatureItem(key, content, options.forged));
  return { 'webhook-id': id, 'webhook-timestamp': timestamp, 'webhook-signature': signatures.join(' ') };
}

function signatureItem(key: SigningKey, content: Buffer, forged: ForgeryKind | undefined): string {
  switch (forged) {
    case undefined:
      return `v1bder,${derSignature(key, content)}`;
    case 'wrong-key':
      return `v1bder,${derSignature(generateSigningKey(), content)}`;
    case 'bad-signature':
      return `v1bder,${derSignature(key, Buffer.concat([content, Buffer.from('tampered')]))}`;
    case 'not-der':
      return `v1,${derSignature(key, content)}`;
    case 'garbage':
      return `v1bder,${randomBytes(70).toString('base64')}`;
  }
}

function derSignature(key: SigningKey, content: Buffer): string {
  return sign('sha256', content, { key: key.privateKey, dsaEncoding: 'der' }).toString('base64');
}
