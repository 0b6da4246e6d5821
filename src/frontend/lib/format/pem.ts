// A key file read in the page: an Ed25519 private key as PKCS#8 PEM, the form npm start writes
// `.localnet-state/deployer.pem` in (read by the same rule as the command line, src/shared/ed25519_pem.ts), with
// what it cannot read said in words. Secp256k1 keys ("EC PRIVATE KEY") are not read here.
import { Ed25519KeyIdentity } from '@dfinity/identity';

import { ed25519SeedFromPem, type PemProblem } from '../../../shared/ed25519_pem';
import { failure, success, type Outcome } from '../services/outcome';

const PROBLEMS: Record<PemProblem, string> = {
  not_pem: 'This file is not a PEM private key: expected -----BEGIN PRIVATE KEY-----, as in .localnet-state/deployer.pem.',
  bad_base64: 'The key’s text is not valid base64.',
  not_ed25519: 'The key is not an Ed25519 key.',
  no_seed: 'The Ed25519 key has no 32-byte private key.',
};

/** The identity an Ed25519 PKCS#8 PEM holds (v1, or v2 with the public key after the seed), or why not, in words. */
export function ed25519FromPem(pem: string): Outcome<Ed25519KeyIdentity> {
  if (pem.includes('BEGIN EC PRIVATE KEY'))
    return failure('This is a secp256k1 key (EC PRIVATE KEY); the page reads Ed25519 keys such as the deployer’s.');
  const read = ed25519SeedFromPem(pem);
  return 'problem' in read ? failure(PROBLEMS[read.problem]) : success(Ed25519KeyIdentity.fromSecretKey(read.seed));
}
