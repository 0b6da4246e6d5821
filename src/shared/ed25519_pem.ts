// The 32-byte seed of an Ed25519 private key in a PKCS#8 PEM ("BEGIN PRIVATE KEY", RFC 8410): v1 as OpenSSL, npm
// start and icp-cli write it, or v2 with the public key after the seed (icp-cli's export, old dfx). Plain bytes and
// atob, so the command line (src/deploy/pem.ts) and the web app (the Certifier page) read keys by one rule; each
// words the problems for its own readers.
const ED25519_OID = [0x06, 0x03, 0x2b, 0x65, 0x70];
// The private key field: an OCTET STRING holding the seed as an OCTET STRING of 32 bytes.
const SEED_HEADER = [0x04, 0x22, 0x04, 0x20];

export type PemProblem = 'not_pem' | 'bad_base64' | 'not_ed25519' | 'no_seed';

export function ed25519SeedFromPem(pem: string): { seed: Uint8Array } | { problem: PemProblem } {
  const match = /-----BEGIN PRIVATE KEY-----([\s\S]+?)-----END PRIVATE KEY-----/.exec(pem);
  if (match === null) return { problem: 'not_pem' };
  let der: Uint8Array;
  try {
    der = Uint8Array.from(atob(match[1].replace(/\s+/g, '')), (c) => c.charCodeAt(0));
  } catch {
    return { problem: 'bad_base64' };
  }
  const oid = indexOf(der, ED25519_OID);
  if (oid < 0) return { problem: 'not_ed25519' };
  const at = indexOf(der, SEED_HEADER, oid + ED25519_OID.length);
  if (at < 0 || der.length < at + SEED_HEADER.length + 32) return { problem: 'no_seed' };
  return { seed: der.slice(at + SEED_HEADER.length, at + SEED_HEADER.length + 32) };
}

function indexOf(bytes: Uint8Array, pattern: number[], from = 0): number {
  outer: for (let i = from; i + pattern.length <= bytes.length; i++) {
    for (let j = 0; j < pattern.length; j++) if (bytes[i + j] !== pattern[j]) continue outer;
    return i;
  }
  return -1;
}
