// The certified state of the subnet, as the IC certifies it: once per round, not once per query.
// The replica signs the state tree (every canister's certified data, the time) after each round and
// every query's ic0.data_certificate is that one signature with a witness for the canister's
// /canister/<id>/certified_data and /time. Here a round ends when a query needs a certificate and
// the state changed since the last one (a canister's certified data, a canister created or deleted)
// or the last one is a round old (time moved backwards, or more than ROUND_NS forwards). Signing
// a BLS certificate takes about 8 ms, so this is what makes serving many files cheap; and the same
// certificate bytes let the HTTP gateway reuse what it verified.
import { Cbor } from '@dfinity/agent';
import type { Principal } from '@dfinity/principal';
import { bls12_381 } from '@noble/curves/bls12-381';

import type { Certifier } from './certifier.js';
import { digest, type HashTree, label, leaf, leb128, node, witness } from './hash_tree.js';

/**
 * How old a certificate may be before the next query gets a new one: about a round on mainnet,
 * where a query's certificate is the last certified state's. Far inside the 5 minutes agents and
 * the HTTP gateway accept.
 */
export const ROUND_NS = 1_000_000_000n;

type Certified = { id: Principal; certifiedData: Uint8Array };

type Round = {
  time: bigint;
  /** Each canister's certified data as signed, by the hex of its id. */
  data: Map<string, Uint8Array>;
  tree: HashTree;
  signature: Uint8Array;
  /** The encoded certificate each canister's queries get, made on first use. */
  certificates: Map<string, Uint8Array>;
};

export class StateCertificates {
  private round: Round | null = null;
  /** How many state trees were signed (for tests and benchmarks). */
  signed = 0;

  constructor(
    readonly certifier: Certifier,
    private readonly roundNs = ROUND_NS,
  ) {}

  /** The data certificate of a query on `canister` at `time`, given every canister on the subnet. */
  dataCertificate(canister: Principal, subnet: Iterable<Certified>, time: bigint): Uint8Array {
    const canisters = [...subnet]; // read twice when the round is over: not a one-pass iterator
    let round = this.round;
    if (!round || !this.current(round, canisters, time)) round = this.round = this.certify(canisters, time);
    const key = canister.toHex();
    let certificate = round.certificates.get(key);
    if (!certificate) {
      const tree = witness(round.tree, [[label('canister'), canister.toUint8Array(), label('certified_data')], [label('time')]]);
      certificate = Cbor.encode({ tree, signature: round.signature });
      round.certificates.set(key, certificate);
    }
    return certificate;
  }

  /** A round's certificate still holds: the same canisters with the same certified data, and recent. */
  private current(round: Round, canisters: Certified[], time: bigint): boolean {
    if (time < round.time || time - round.time > this.roundNs) return false;
    let count = 0;
    for (const { id, certifiedData } of canisters) {
      const signed = round.data.get(id.toHex());
      if (!signed || Buffer.compare(signed, certifiedData) !== 0) return false;
      count++;
    }
    return count === round.data.size;
  }

  private certify(canisters: Certified[], time: bigint): Round {
    const data = new Map<string, Uint8Array>();
    const entries: [Uint8Array, HashTree][] = [];
    for (const { id, certifiedData } of canisters) {
      const value = Uint8Array.from(certifiedData);
      data.set(id.toHex(), value);
      entries.push([id.toUint8Array(), node([['certified_data', leaf(value)]])]);
    }
    const tree = node([
      ['canister', node(entries)],
      ['time', leaf(leb128(time))],
    ]);
    const signature = bls12_381.signShortSignature(this.certifier.stateRootMessage(digest(tree)), this.certifier.secretKey);
    this.signed++;
    return { time, data, tree, signature, certificates: new Map() };
  }
}
