// A key file read in the page: an Ed25519 private key as PKCS#8 PEM ("BEGIN PRIVATE KEY", RFC 8410), the form npm
// start writes `.localnet-state/deployer.pem` in (and `openssl genpkey -algorithm ed25519`, icp-cli and dfx). The
// same rules as src/deploy/pem.ts, without Node's Buffer. Secp256k1 keys ("EC PRIVATE KEY") are not read here.
import { Ed25519KeyIdentity } from '@dfinity/identity';

import { failure, success, type Outcome } from '../services/outcome';

const ED25519_OID = [0x06, 0x03, 0x2b, 0x65, 0x70];
// The private key field: an OCTET STRING holding the 32-byte seed as an OCTET STRING.
const SEED_HEADER = [0x04, 0x22, 0x04, 0x20];

function indexOf(bytes: Uint8Array, pattern: number[], from = 0): number {
  outer: for (let i = from; i + pattern.length <= bytes.length; i++) {
    for (let j = 0; j < pattern.length; j++) if (bytes[i + j] !== pattern[j]) continue outer;
    return i;
  }
  return -1;
}

/** The identity an Ed25519 PKCS#8 PEM holds (v1, or v2 with the public key after the seed), or why not, in words. */
export function ed25519FromPem(pem: string): Outcome<Ed25519KeyIdentity> {
  if (pem.includes('BEGIN EC PRIVATE KEY'))
    return failure('This is a secp256k1 key (EC PRIVATE KEY); the page reads Ed25519 keys such as the deployer’s.');
  const match = /-----BEGIN PRIVATE KEY-----([\s\S]+?)-----END PRIVATE KEY-----/.exec(pem);
  if (match === null)
    return failure('This file is not a PEM private key: expected -----BEGIN PRIVATE KEY-----, as in .localnet-state/deployer.pem.');
  let der: Uint8Array;
  try {
    der = Uint8Array.from(atob(match[1].replace(/\s+/g, '')), (c) => c.charCodeAt(0));
  } catch {
    return failure('The key’s text is not valid base64.');
  }
  const oid = indexOf(der, ED25519_OID);
  if (oid < 0) return failure('The key is not an Ed25519 key.');
  const at = indexOf(der, SEED_HEADER, oid + ED25519_OID.length);
  if (at < 0 || der.length < at + SEED_HEADER.length + 32) return failure('The Ed25519 key has no 32-byte private key.');
  return success(Ed25519KeyIdentity.fromSecretKey(der.slice(at + SEED_HEADER.length, at + SEED_HEADER.length + 32)));
}
