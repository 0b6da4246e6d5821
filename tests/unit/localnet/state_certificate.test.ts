// The subnet's certified state (src/localnet/certification/state_certificate.ts): one BLS signature per round,
// shared by every query, each canister getting a witness of its own certified data and the time.
import { Certificate, LookupPathStatus, lookupResultToBuffer } from '@dfinity/agent';
import { Principal } from '@dfinity/principal';
import { describe, expect, it } from 'vitest';

import { Certifier } from '../../../src/localnet/certification/certifier.js';
import { digest, type HashTree, leaf, node, witness } from '../../../src/localnet/certification/hash_tree.js';
import { ROUND_NS, StateCertificates } from '../../../src/localnet/certification/state_certificate.js';

const certifier = new Certifier();
const NOW = BigInt(Date.now()) * 1_000_000n;
const id = (n: number) => Principal.fromUint8Array(new Uint8Array([0, 0, 0, 0, 0, 0, 0, n, 1, 1]));
const subnet = (...data: number[]) => data.map((fill, n) => ({ id: id(n), certifiedData: new Uint8Array(32).fill(fill) }));

async function read(bytes: Uint8Array, canister: Principal) {
  const certificate = await Certificate.create({ certificate: bytes, rootKey: certifier.derPublicKey, canisterId: canister });
  const data = certificate.lookup_path(['canister', canister.toUint8Array(), 'certified_data']);
  const time = lookupResultToBuffer(certificate.lookup_path(['time']));
  return { data: data.status === LookupPathStatus.Found ? lookupResultToBuffer(data) : undefined, certificate, time };
}

describe('the certified state', () => {
  it('is signed once per round and shared by every query of the round, each with a witness the agent accepts', async () => {
    const state = new StateCertificates(certifier);
    const canisters = subnet(1, 2, 3);
    const first = state.dataCertificate(id(0), canisters, NOW);
    expect(state.dataCertificate(id(0), canisters, NOW + 1000n)).toBe(first);
    const other = state.dataCertificate(id(2), canisters, NOW + ROUND_NS);
    expect(state.signed).toBe(1);

    expect((await read(first, id(0))).data).toEqual(new Uint8Array(32).fill(1));
    const seen = await read(other, id(2));
    expect(seen.data).toEqual(new Uint8Array(32).fill(3));
    // Only its own canister is revealed: the others are pruned.
    const hidden = seen.certificate.lookup_path(['canister', id(0).toUint8Array(), 'certified_data']);
    expect(hidden.status).not.toBe(LookupPathStatus.Found);
  });

  it('is signed again once certified data changes, a canister comes or goes, time moves back or a round passes', async () => {
    const state = new StateCertificates(certifier);
    let canisters = subnet(1, 2, 3);
    state.dataCertificate(id(0), canisters, NOW);

    // Another canister's certified data changed: the state changed, so a new certificate holding every canister.
    canisters = subnet(1, 9, 3);
    const afterUpdate = state.dataCertificate(id(0), canisters, NOW + 1n);
    expect(state.signed).toBe(2);
    expect((await read(afterUpdate, id(0))).data).toEqual(new Uint8Array(32).fill(1));
    expect((await read(state.dataCertificate(id(1), canisters, NOW + 2n), id(1))).data).toEqual(new Uint8Array(32).fill(9));
    expect((await read(state.dataCertificate(id(2), canisters, NOW + 3n), id(2))).data).toEqual(new Uint8Array(32).fill(3));
    expect(state.signed).toBe(2);

    canisters = subnet(1, 9, 3, 4);
    expect((await read(state.dataCertificate(id(3), canisters, NOW + 4n), id(3))).data).toEqual(new Uint8Array(32).fill(4));
    expect(state.signed).toBe(3);
    canisters = subnet(1, 9, 3);
    state.dataCertificate(id(0), canisters, NOW + 5n);
    expect(state.signed).toBe(4);

    const later = NOW + 5n + ROUND_NS + 1n;
    const { time } = await read(state.dataCertificate(id(0), canisters, later), id(0));
    expect(state.signed).toBe(5);
    expect(time).toEqual(leb(later));
    state.dataCertificate(id(0), canisters, later - 1n);
    expect(state.signed).toBe(6);
  });

  it('is refused by the agent under another root key', async () => {
    const bytes = new StateCertificates(certifier).dataCertificate(id(0), subnet(1), NOW);
    const other = new Certifier().derPublicKey;
    await expect(Certificate.create({ certificate: bytes, rootKey: other, canisterId: id(0) })).rejects.toThrow(/signature/i);
  });
});

describe('a witness', () => {
  it('keeps the root hash and reveals exactly the paths asked for', () => {
    const tree: HashTree = node([
      [
        'a',
        node([
          ['x', leaf(new Uint8Array([1]))],
          ['y', leaf(new Uint8Array([2]))],
        ]),
      ],
      ['b', leaf(new Uint8Array([3]))],
      ['c', leaf(new Uint8Array([4]))],
    ]);
    const enc = (s: string) => new TextEncoder().encode(s);
    const seen = witness(tree, [[enc('a'), enc('y')], [enc('c')]]);
    expect(digest(seen)).toEqual(digest(tree));
    const text = JSON.stringify(seen, (_, v) => (v instanceof Uint8Array ? Buffer.from(v).toString('hex') : v));
    expect(text).toContain(Buffer.from('y').toString('hex'));
    expect(text).not.toContain(`"${Buffer.from('x').toString('hex')}"`);
    expect(text).not.toContain(`"${Buffer.from('b').toString('hex')}"`);
    expect(witness(tree, [[]])).toBe(tree);
  });
});

function leb(value: bigint): Uint8Array {
  const out: number[] = [];
  do {
    let b = Number(value & 0x7fn);
    value >>= 7n;
    if (value !== 0n) b |= 0x80;
    out.push(b);
  } while (value !== 0n);
  return Uint8Array.from(out);
}
