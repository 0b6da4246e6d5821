// Response verification (spec: "Response Verification", "Legacy Response Verification", "Response
// Verification Version Assertion") through DFINITY's own verifier, @dfinity/response-verification
// (the Rust crate the boundary nodes use, compiled to Wasm): it checks the certificate against the
// root key, its time, that the tree's root hash is the canister's certified data, and then the
// expression path and request/response hashes (v2) or the body's sha256 under `http_assets` (v1).
//
// Verifying costs about 6 ms, mostly the BLS signature check inside the Wasm verifier, which cannot be
// asked to skip it. The network gives every query of a round the same certificate, so the same file asked
// for again in a round arrives with the same bytes: the verifier is a deterministic function of its inputs,
// and the only one that changes, the current time, enters through the certificate-age check alone. So a
// result is remembered under a hash of every other input (canister, root key, minimum version, the whole
// request and the whole response, certificate and tree included), and a repeat re-checks only the
// certificate's age; anything that differs in one byte is verified afresh. Failures are never remembered.
import { Cbor, type HashTree, lookup_path, lookupResultToBuffer } from '@dfinity/agent';
import { verifyRequestResponsePair } from '@dfinity/response-verification';
import type { Principal } from '@dfinity/principal';
import { createHash } from 'node:crypto';

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
  const key = memoKey(options);
  const known = memo.get(key);
  if (known && known.certificateTime >= now - MAX_CERTIFICATE_AGE_NS && known.certificateTime <= now + MAX_CERTIFICATE_AGE_NS) {
    verifications.remembered++;
    return known.verified;
  }
  verifications.verified++;
  const verified = verifyWithLibrary(options);
  const certificateTime = certificateTimeOf(response.headers);
  if (certificateTime !== null) remember(key, { verified, certificateTime, bytes: verified.response?.body.length ?? 0 });
  return verified;
}

/** How many responses were verified by the library, and how many found an identical one verified before. */
export const verifications = { verified: 0, remembered: 0 };

const MEMO_ENTRIES = 512;
const MEMO_BYTES = 32 * 1024 * 1024;
type Remembered = { verified: Verified; certificateTime: bigint; bytes: number };
const memo = new Map<string, Remembered>();
let memoBytes = 0;

function remember(key: string, entry: Remembered): void {
  const old = memo.get(key);
  if (old) memoBytes -= old.bytes;
  memo.delete(key);
  memo.set(key, entry);
  memoBytes += entry.bytes;
  for (const [oldest, { bytes }] of memo) {
    if (memo.size <= MEMO_ENTRIES && memoBytes <= MEMO_BYTES) break;
    memo.delete(oldest);
    memoBytes -= bytes;
  }
}

/** A hash of every input but the time, each part length-prefixed so no two different inputs run together. */
function memoKey({ request, response, canisterId, rootKey, minVersion }: Parameters<typeof verify>[0]): string {
  const hash = createHash('sha256');
  const part = (value: Uint8Array | string) => {
    const bytes = typeof value === 'string' ? Buffer.from(value, 'utf8') : value;
    const length = Buffer.alloc(8);
    length.writeBigUInt64BE(BigInt(bytes.length));
    hash.update(length).update(bytes);
  };
  const headers = (list: [string, string][]) => {
    part(String(list.length));
    for (const [name, value] of list) {
      part(name);
      part(value);
    }
  };
  part(canisterId.toUint8Array());
  part(rootKey);
  part(String(minVersion));
  part(request.method);
  part(request.url);
  headers(request.headers);
  part(request.body);
  part(JSON.stringify(request.certificate_version));
  part(String(response.status));
  headers(response.headers);
  part(response.body);
  return hash.digest('hex');
}

/** The /time of the certificate in the response's one IC-Certificate header, or null where that cannot be read. */
function certificateTimeOf(headers: [string, string][]): bigint | null {
  const values = headers.filter(([name]) => name.toLowerCase() === 'ic-certificate').map(([, value]) => value);
  if (values.length !== 1) return null;
  const encoded = /(?:^|[\s,])certificate=:([A-Za-z0-9+/=]*):/.exec(values[0])?.[1];
  if (!encoded) return null;
  try {
    const { tree } = Cbor.decode<{ tree: HashTree }>(new Uint8Array(Buffer.from(encoded, 'base64')));
    const time = lookupResultToBuffer(lookup_path(['time'], tree));
    if (!time) return null;
    let value = 0n;
    for (let i = time.length - 1; i >= 0; i--) value = (value << 7n) | BigInt(time[i] & 0x7f);
    return value;
  } catch {
    return null;
  }
}

function verifyWithLibrary(options: Parameters<typeof verify>[0]): Verified {
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
