// The web app's key-file reader (the Certifier page's deployer PEM) agrees with the CLI's (src/deploy/pem.ts).
import { Ed25519KeyIdentity } from '@dfinity/identity';
import { describe, expect, it } from 'vitest';

import { ed25519Pem } from '../../../src/deploy/pem';
import { ed25519FromPem } from '../../../src/frontend/lib/format/pem';

describe('ed25519FromPem', () => {
  it('reads the PKCS#8 PEM npm start writes for the deployer', () => {
    const key = Ed25519KeyIdentity.generate();
    const read = ed25519FromPem(ed25519Pem(key));
    expect(read.ok && read.value.getPrincipal().toText()).toBe(key.getPrincipal().toText());
  });

  it('says in words what it cannot read', () => {
    const ec = ed25519FromPem('-----BEGIN EC PRIVATE KEY-----\nAAAA\n-----END EC PRIVATE KEY-----\n');
    expect(!ec.ok && ec.error).toMatch(/secp256k1/);
    const junk = ed25519FromPem('hello');
    expect(!junk.ok && junk.error).toMatch(/not a PEM private key/);
    const rsa = ed25519FromPem('-----BEGIN PRIVATE KEY-----\nMAA=\n-----END PRIVATE KEY-----\n');
    expect(!rsa.ok && rsa.error).toMatch(/not an Ed25519 key/);
  });
});
