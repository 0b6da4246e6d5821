// The deployer's PEM: the PKCS#8 form OpenSSL, icp-cli and dfx read, and every Ed25519 form those tools write read
// back as the same key (v1 without the public key, v2 with it as icp-cli exports, old dfx's nonconforming v2).
import { Ed25519KeyIdentity } from '@dfinity/identity';
import { Principal } from '@dfinity/principal';
import { createPrivateKey, generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';

import { ed25519Pem, identityFromPem } from '../../../src/deploy/pem';

const toPem = (der: Buffer) =>
  `-----BEGIN PRIVATE KEY-----\n${der
    .toString('base64')
    .match(/.{1,64}/g)!
    .join('\n')}\n-----END PRIVATE KEY-----\n`;

describe('deployer PEM files', () => {
  const key = Ed25519KeyIdentity.generate();
  const seed = Buffer.from(key.getKeyPair().secretKey.slice(0, 32));
  const publicKey = Buffer.from(key.getPublicKey().toRaw());

  it('writes PKCS#8 v1 "PRIVATE KEY", which OpenSSL reads as the same Ed25519 key', () => {
    const pem = ed25519Pem(key);
    expect(pem).toMatch(/^-----BEGIN PRIVATE KEY-----\n[A-Za-z0-9+/=\n]+-----END PRIVATE KEY-----\n$/);
    const openssl = createPrivateKey(pem);
    expect(openssl.asymmetricKeyType).toBe('ed25519');
    // The public key OpenSSL derives is the identity's.
    const jwk = openssl.export({ format: 'jwk' }) as { x: string; d: string };
    expect(Buffer.from(jwk.x, 'base64url')).toEqual(publicKey);
    expect(Buffer.from(jwk.d, 'base64url')).toEqual(seed);
  });

  it('reads it back as the same principal', () => {
    expect(identityFromPem(ed25519Pem(key)).getPrincipal().toText()).toBe(key.getPrincipal().toText());
  });

  it('reads OpenSSL PEMs and v2 PEMs with the public key after the seed (icp-cli export, old dfx)', () => {
    const opensslPem = createPrivateKey({
      key: { kty: 'OKP', crv: 'Ed25519', d: seed.toString('base64url'), x: publicKey.toString('base64url') },
      format: 'jwk',
    })
      .export({ format: 'pem', type: 'pkcs8' })
      .toString();
    // RFC 8410 OneAsymmetricKey: version 1, [1] IMPLICIT publicKey, as `icp identity export` prints.
    const v2 = Buffer.concat([Buffer.from('3051020101300506032b657004220420', 'hex'), seed, Buffer.from('812100', 'hex'), publicKey]);
    // Old dfx (ring's generate_pkcs8): [1] EXPLICIT BIT STRING.
    const ring = Buffer.concat([Buffer.from('3053020101300506032b657004220420', 'hex'), seed, Buffer.from('a123032100', 'hex'), publicKey]);
    for (const pem of [opensslPem, toPem(v2), toPem(ring)])
      expect(identityFromPem(pem).getPrincipal().toText()).toBe(key.getPrincipal().toText());
  });

  it("reads dfx's secp256k1 identities (EC PRIVATE KEY) and refuses other keys", () => {
    const secp = generateKeyPairSync('ec', { namedCurve: 'secp256k1' });
    const pem = secp.privateKey.export({ format: 'pem', type: 'sec1' }).toString();
    const spki = secp.publicKey.export({ format: 'der', type: 'spki' });
    expect(identityFromPem(pem).getPrincipal().toText()).toBe(Principal.selfAuthenticating(new Uint8Array(spki)).toText());

    const p256 = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
    expect(() => identityFromPem(p256)).toThrow(/not Ed25519/);
    expect(() => identityFromPem('not a key')).toThrow(/not a PEM private key/);
  });
});
