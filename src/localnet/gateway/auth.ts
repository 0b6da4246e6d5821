// Request authentication as the spec's "Authentication" and "Signatures" sections define it:
// the sender is the self-authenticating id of sender_pubkey, a chain of at most 20 delegations
// leads from that key to the key that signed the request id, and each delegation is in date and
// names the target canister if it restricts targets.
import { hashOfMap, IC_REQUEST_AUTH_DELEGATION_DOMAIN_SEPARATOR, IC_REQUEST_DOMAIN_SEPARATOR } from '@dfinity/agent';
import { Principal } from '@dfinity/principal';
import { ed25519 } from '@noble/curves/ed25519';
import { p256 } from '@noble/curves/p256';
import { secp256k1 } from '@noble/curves/secp256k1';
import { sha256 } from '@noble/hashes/sha2';

export class AuthError extends Error {}

const MAX_DELEGATIONS = 20;
const MAX_TARGETS = 1000;

// DER SubjectPublicKeyInfo prefixes of the supported schemes, followed by the raw key.
const SCHEMES = [
  { name: 'Ed25519', prefix: hex('302a300506032b6570032100'), keyLength: 32 },
  { name: 'ECDSA P-256', prefix: hex('3059301306072a8648ce3d020106082a8648ce3d030107034200'), keyLength: 65 },
  { name: 'ECDSA secp256k1', prefix: hex('3056301006072a8648ce3d020106052b8104000a034200'), keyLength: 65 },
] as const;

function hex(text: string): Uint8Array {
  return new Uint8Array(Buffer.from(text, 'hex'));
}

function startsWith(bytes: Uint8Array, prefix: Uint8Array): boolean {
  return bytes.length >= prefix.length && Buffer.compare(bytes.subarray(0, prefix.length), prefix) === 0;
}

/** Verifies a signature by a DER-encoded public key over a message. */
export function verifySignature(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
  const scheme = SCHEMES.find((s) => startsWith(publicKey, s.prefix) && publicKey.length === s.prefix.length + s.keyLength);
  if (!scheme)
    throw new AuthError('unsupported public key: the local network accepts DER-encoded Ed25519, ECDSA P-256 and ECDSA secp256k1 keys');
  const raw = publicKey.subarray(scheme.prefix.length);
  try {
    if (scheme.name === 'Ed25519') return ed25519.verify(signature, message, raw);
    // ECDSA signs the SHA-256 of the message; the signature is r || s (64 bytes).
    const curve = scheme.name === 'ECDSA P-256' ? p256 : secp256k1;
    return curve.verify(signature, sha256(message), raw, { prehash: false, lowS: false });
  } catch {
    return false;
  }
}

export type SignedDelegation = {
  delegation: { pubkey: Uint8Array; expiration: bigint | number; targets?: Uint8Array[] };
  signature: Uint8Array;
};

export type Envelope = {
  content: Record<string, unknown> & { sender: Uint8Array };
  sender_pubkey?: Uint8Array;
  sender_sig?: Uint8Array;
  sender_delegation?: SignedDelegation[];
};

/**
 * Checks the envelope's authentication for a request id at a time (ns); returns the canister
 * targets the delegations allow (null: any).
 */
export function authenticate(envelope: Envelope, requestId: Uint8Array, now: bigint): Principal[] | null {
  const sender = Principal.fromUint8Array(Uint8Array.from(envelope.content.sender));
  const { sender_pubkey: pubkey, sender_sig: signature, sender_delegation: delegations } = envelope;
  if (sender.isAnonymous()) {
    if (pubkey || signature || delegations) throw new AuthError('an anonymous request must carry no public key, signature or delegation');
    return null;
  }
  if (!pubkey || !signature)
    throw new AuthError(`request from ${sender.toText()} is not signed: sender_pubkey and sender_sig are required`);
  const owner = Principal.selfAuthenticating(Uint8Array.from(pubkey));
  if (owner.compareTo(sender) !== 'eq') {
    throw new AuthError(`sender ${sender.toText()} does not match the public key, which authenticates ${owner.toText()}`);
  }
  const chain = delegations ?? [];
  if (chain.length > MAX_DELEGATIONS)
    throw new AuthError(`the delegation chain has ${chain.length} delegations; at most ${MAX_DELEGATIONS} are allowed`);
  let key = Uint8Array.from(pubkey);
  const seen = new Set([Buffer.from(key).toString('hex')]);
  let targets: Principal[] | null = null;
  for (const [i, { delegation, signature: delegationSig }] of chain.entries()) {
    const hashed = hashOfMap({ ...delegation, expiration: BigInt(delegation.expiration) });
    if (!verifySignature(key, new Uint8Array([...IC_REQUEST_AUTH_DELEGATION_DOMAIN_SEPARATOR, ...hashed]), delegationSig)) {
      throw new AuthError(`invalid signature on delegation ${i}`);
    }
    if (BigInt(delegation.expiration) < now) throw new AuthError(`delegation ${i} expired at ${delegation.expiration} (now ${now})`);
    if (delegation.targets) {
      if (delegation.targets.length > MAX_TARGETS) throw new AuthError(`delegation ${i} names more than ${MAX_TARGETS} targets`);
      const named = delegation.targets.map((t) => Principal.fromUint8Array(Uint8Array.from(t)));
      targets = targets ? targets.filter((t) => named.some((n) => n.compareTo(t) === 'eq')) : named;
    }
    key = Uint8Array.from(delegation.pubkey);
    const id = Buffer.from(key).toString('hex');
    if (seen.has(id)) throw new AuthError(`delegation ${i} repeats a public key of the chain`);
    seen.add(id);
  }
  if (!verifySignature(key, new Uint8Array([...IC_REQUEST_DOMAIN_SEPARATOR, ...requestId]), signature)) {
    throw new AuthError('invalid signature: sender_sig does not sign the request id with the delegated key');
  }
  return targets;
}
