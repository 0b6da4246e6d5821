// The payment canister's own subaccounts. Each is sha256 over a length-prefixed domain name and, for an escrow,
// the job id as 8 big-endian bytes, the way the IC separates hash domains. The prefix keeps these hashes apart
// from any other use of sha256 over a job id, and fixed-length ids keep one job's input from being another's.
import { sha256 } from '@noble/hashes/sha2';

import type { JobId } from './types';

const ESCROW_DOMAIN = 'icp-market-payment-escrow';
const DEPOSIT_DOMAIN = 'icp-market-payment-deposit';
const POOL_DOMAIN = 'icp-market-payment-pool';
const TREASURY_DOMAIN = 'icp-market-payment-treasury';

function domainHash(domain: string, suffix: Uint8Array): Uint8Array {
  const name = new TextEncoder().encode(domain);
  const input = new Uint8Array(1 + name.length + suffix.length);
  input[0] = name.length;
  input.set(name, 1);
  input.set(suffix, 1 + name.length);
  return sha256(input);
}

function jobSubaccount(domain: string, jobId: JobId): Uint8Array {
  if (jobId < 0n || jobId >= 1n << 64n) throw new RangeError(`job id out of nat64: ${jobId}`);
  const id = new Uint8Array(8);
  new DataView(id.buffer).setBigUint64(0, jobId);
  return domainHash(domain, id);
}

/** The 32-byte subaccount of the payment canister that holds one job's escrow. */
export const escrowSubaccount = (jobId: JobId): Uint8Array => jobSubaccount(ESCROW_DOMAIN, jobId);

/** The subaccount that holds the deposit of a dispute about one job, apart from the job's own escrow. */
export const depositSubaccount = (jobId: JobId): Uint8Array => jobSubaccount(DEPOSIT_DOMAIN, jobId);

/** Where settled escrows are swept; owed balances are withdrawn from it. */
export const POOL_SUBACCOUNT = domainHash(POOL_DOMAIN, new Uint8Array());

/** The default treasury: a subaccount of the payment canister until governance names another account. */
export const TREASURY_SUBACCOUNT = domainHash(TREASURY_DOMAIN, new Uint8Array());
