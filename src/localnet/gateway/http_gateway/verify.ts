// Response verification (spec: "Response Verification", "Legacy Response Verification", "Response
// Verification Version Assertion") through DFINITY's own verifier, @dfinity/response-verification
// (the Rust crate the boundary nodes use, compiled to Wasm): it checks the certificate against the
// root key, its time, that the tree's root hash is the canister's certified data, and then the
// expression path and request/response hashes (v2) or the body's sha256 under `http_assets` (v1).
import { verifyRequestResponsePair } from '@dfinity/response-verification';
import type { Principal } from '@dfinity/principal';

import type { HttpRequest } from './candid.js';

/** The spec's example of how recent a certificate must be, and the real gateway's setting. */
const MAX_CERTIFICATE_AGE_NS = 5n * 60n * 1_000_000_000n;

export type Verified = {
  version: number;
  /**
   * What v2 certified (status, the certified headers and the body); null where v1 certified only the
   * body or the canister opted the path out of certification.
   */
  response: { status: number | null; headers: [string, string][]; body: Uint8Array } | null;
};

export class VerificationFailed extends Error {}

export function verify(options: {
  request: HttpRequest;
  response: { status: number; headers: [string, string][]; body: Uint8Array };
  canisterId: Principal;
  now: bigint;
  rootKey: Uint8Array;
  /** The lowest version to accept: 2 where the canister says it supports 2 (no downgrade to v1). */
  minVersion: number;
}): Verified {
  const { request, response, canisterId, now, rootKey, minVersion } = options;
  try {
    const info = verifyRequestResponsePair(
      request,
      { status_code: response.status, headers: response.headers, body: response.body },
      canisterId.toUint8Array(),
      now,
      MAX_CERTIFICATE_AGE_NS,
      rootKey,
      minVersion,
    );
    const verified = info.response;
    return {
      version: info.verificationVersion,
      response:
        verified && info.verificationVersion >= 2
          ? { status: verified.statusCode ?? null, headers: verified.headers, body: Uint8Array.from(verified.body) }
          : null,
    };
  } catch (error) {
    // The Wasm verifier throws a ResponseVerificationError (code, message), not an Error.
    const message = error instanceof Object && 'message' in error ? String((error as { message: unknown }).message) : String(error);
    throw new VerificationFailed(message);
  }
}

/**
 * The versions a canister declares in its public metadata `supported_certificate_versions`
 * ("1,2"), or null when it declares none.
 */
export function declaredVersions(module: WebAssembly.Module | undefined): number[] | null {
  if (!module) return null;
  const section = WebAssembly.Module.customSections(module, 'icp:public supported_certificate_versions')[0];
  if (!section) return null;
  const versions = new TextDecoder()
    .decode(section)
    .split(',')
    .map((v) => Number(v.trim()))
    .filter((v) => Number.isInteger(v));
  return versions.length > 0 ? versions : null;
}
