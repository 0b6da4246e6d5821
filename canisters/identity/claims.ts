// The claim flow's rules: a code is used once, before it expires, and gives a node to exactly one provider.
import type { Principal } from '@dfinity/principal';

import type { IdentityError, Node } from './types';
import { hex } from '../shared/hex';

/** A node as stored: the public record plus its current claim code, which only the worker ever sees. */
export type StoredNode = Node & { code: string };

export type ClaimCode = { node: Principal; expires_at: bigint; used: boolean };

// Codes come from the canister's CSPRNG: 16 bytes, written as hex in groups of four for typing.
export function formatCode(bytes: Uint8Array): string {
  if (bytes.length !== 16) throw new Error('a claim code is made of 16 random bytes');
  return hex(bytes).match(/.{4}/g)!.join('-');
}

/** Why `code` cannot claim its node at `now`, or undefined when it can. */
export function checkClaim(code: ClaimCode | undefined, node: StoredNode | undefined, now: bigint): IdentityError | undefined {
  if (code === undefined || node === undefined) return { ClaimCodeUnknown: null };
  if (code.used) return { ClaimCodeUsed: null };
  if (now >= code.expires_at) return { ClaimCodeExpired: { expired_at: code.expires_at } };
  if ('claimed' in node.status) return { AlreadyClaimed: { provider: node.provider[0]! } };
  if (!('unclaimed' in node.status)) return { InvalidTransition: 'the node is retired' };
  return undefined;
}

/** The public record, without the claim code. */
export function publicNode({ code: _code, ...node }: StoredNode): Node {
  return node;
}
