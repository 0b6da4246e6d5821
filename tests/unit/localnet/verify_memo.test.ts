// The HTTP gateway's verification (src/localnet/gateway/http_gateway/verify.ts) remembers what DFINITY's verifier
// accepted, keyed by every input but the time: an identical response is passed without a second BLS check, one that
// differs in a byte is verified afresh, and a remembered one whose certificate has grown too old is refused.
import { Principal } from '@dfinity/principal';
import { describe, expect, it } from 'vitest';

import { certify } from '../../../canisters/assets/certify';
import { serveHttp } from '../../../canisters/assets/http';
import { AssetStore } from '../../../canisters/assets/store';
import { Certifier } from '../../../src/localnet/certification/certifier';
import { verifications, verify, VerificationFailed } from '../../../src/localnet/gateway/http_gateway/verify';
import { memoryTables } from '../assets/tables';

const canisterId = Principal.fromText('bkyz2-fmaaa-aaaaa-qaaaq-cai');
const certifier = new Certifier();
const NOW = 1_800_000_000_000_000_000n;
const MINUTE = 60n * 1_000_000_000n;

function served(path: string) {
  const store = new AssetStore(memoryTables());
  const content = new TextEncoder().encode(`<!doctype html><title>${path}</title>`);
  store.store({ key: path, content_type: 'text/html', content_encoding: 'identity', content, sha256: [] }, NOW);
  const certified = certify(store.assets);
  const certificate = certifier.dataCertificate(canisterId, certified.root, NOW);
  const request = {
    method: 'GET',
    url: path,
    headers: [] as [string, string][],
    body: new Uint8Array(),
    certificate_version: [2] as [number],
  };
  const response = serveHttp(request, { store, certified, certificate, self: canisterId });
  return { request, response: { status: response.status_code, headers: response.headers, body: response.body } };
}

const check = (pair: ReturnType<typeof served>, now = NOW) =>
  verify({ ...pair, canisterId, now, rootKey: certifier.derPublicKey, minVersion: 2 });

describe('remembered verification', () => {
  it('passes an identical response once verified, without verifying it again', () => {
    const pair = served('/memo.html');
    const before = { ...verifications };
    const first = check(pair);
    const second = check(served('/memo.html'));
    expect(second).toEqual(first);
    expect(verifications.verified - before.verified).toBe(1);
    expect(verifications.remembered - before.remembered).toBe(1);
  });

  it('verifies a response that differs in one byte afresh, and refuses it', () => {
    const pair = served('/tampered.html');
    check(pair);
    const body = Uint8Array.from(pair.response.body);
    body[body.length - 1] ^= 1;
    expect(() => check({ ...pair, response: { ...pair.response, body } })).toThrow(VerificationFailed);
    const request = { ...pair.request, url: '/other.html' };
    expect(() => check({ ...pair, request })).toThrow(VerificationFailed);
  });

  it('refuses a remembered response once its certificate is more than 5 minutes old', () => {
    const pair = served('/old.html');
    check(pair);
    expect(() => check(pair, NOW + 4n * MINUTE)).not.toThrow();
    expect(() => check(pair, NOW + 6n * MINUTE)).toThrow(VerificationFailed);
    expect(() => check(pair, NOW - 6n * MINUTE)).toThrow(VerificationFailed);
  });
});
