import { generateKeyPairSync, type JsonWebKey, type KeyObject } from 'node:crypto';
import { randomHex } from './ids.ts';

export interface SigningKey {
  kid: string;
  privateKey: KeyObject;
  publicJwk: JsonWebKey;
}

export interface Jwks {
  keys: JsonWebKey[];
}

/** An EC P-256 key pair with its public half as Benchling publishes it in the JWKS. */
export function generateSigningKey(): SigningKey {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const kid = randomHex(8);
  const publicJwk = { ...publicKey.export({ format: 'jwk' }), kid, use: 'sig', alg: 'ES256' };
  return { kid, privateKey, publicJwk };
}

/**
 * The app definition's published keys. The newest key signs; older keys stay published until
 * dropped, which is how a verifier with a cached key set meets a rotation.
 */
export class SigningKeyring {
  private keys: SigningKey[] = [generateSigningKey()];

  get current(): SigningKey {
    return this.keys[this.keys.length - 1]!;
  }

  get all(): readonly SigningKey[] {
    return this.keys;
  }

  jwks(): Jwks {
    return { keys: this.keys.map((k) => k.publicJwk) };
  }

  /** Adds a key that signs from now on; returns its kid. */
  rotate(options: { dropOld?: boolean } = {}): string {
    const next = generateSigningKey();
    this.keys = options.dropOld ? [next] : [...this.keys, next];
    return next.kid;
  }
}
