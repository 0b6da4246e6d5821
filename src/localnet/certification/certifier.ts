// The local network's root of trust: a BLS12-381 key that signs certificates over state trees, as
// a subnet's threshold key does. Agents fetch its public key from /api/v2/status.
import { BLS12_381_G2_OID, Cbor, domain_sep, wrapDER } from '@dfinity/agent';
import type { Principal } from '@dfinity/principal';
import { bls12_381 } from '@noble/curves/bls12-381';

import { digest, type HashTree, leaf, leb128, node } from './hash_tree.js';

const STATE_ROOT_DOMAIN = domain_sep('ic-state-root');

export class Certifier {
  readonly publicKey: Uint8Array;
  /** The root key as agents expect it: DER with the BLS12-381 G2 OID. */
  readonly derPublicKey: Uint8Array;

  constructor(readonly secretKey: Uint8Array = bls12_381.utils.randomPrivateKey()) {
    this.publicKey = bls12_381.getPublicKeyForShortSignatures(secretKey);
    this.derPublicKey = wrapDER(this.publicKey, BLS12_381_G2_OID);
  }

  /** A CBOR certificate: the tree and a signature over its root hash. */
  certify(tree: HashTree): Uint8Array {
    const signature = bls12_381.signShortSignature(this.stateRootMessage(digest(tree)), this.secretKey);
    return Cbor.encode({ tree, signature });
  }

  /** What the root key signs for a state tree: the domain separator and its root hash. */
  stateRootMessage(rootHash: Uint8Array): Uint8Array {
    return new Uint8Array([...STATE_ROOT_DOMAIN, ...rootHash]);
  }

  /**
   * A certificate of one canister's certified data alone. The network gives queries the subnet's
   * per-round certificate instead (StateCertificates); this serves tests that certify by hand.
   */
  dataCertificate(canisterId: Principal, certifiedData: Uint8Array, time: bigint): Uint8Array {
    return this.certify(
      node([
        ['canister', node([[canisterId.toUint8Array(), node([['certified_data', leaf(certifiedData)]])]])],
        ['time', leaf(leb128(time))],
      ]),
    );
  }
}
