// Reads governance makes from its peers: the bonded stakes for a voting-power snapshot (identity) and the minting
// account that burns a spam proposal's deposit (the ledger). Glue: imports azle.
import { IDL, Principal } from 'azle';

import { Account } from '../ledger/types';
import { BondedStakes, MAX_STAKES_PAGE } from '../identity/types';
import { mintingAccount as ledgerMintingAccount } from '../shared/icrc_ledger';
import { callPeer, type CallOutcome } from '../shared/peer_call';
import type { StakeEntry } from './power';

/** Every provider's bonded stake, page by page. */
export async function allBondedStakes(identity: Principal): Promise<CallOutcome<StakeEntry[]>> {
  const stakes: StakeEntry[] = [];
  for (let offset = 0n; ; offset += BigInt(MAX_STAKES_PAGE)) {
    const page = await callPeer<BondedStakes>('identity', identity, 'bonded_stakes', [IDL.Nat64, IDL.Nat32], BondedStakes, [
      offset,
      MAX_STAKES_PAGE,
    ]);
    if ('Err' in page) return page;
    stakes.push(...page.Ok.stakes);
    if (offset + BigInt(MAX_STAKES_PAGE) >= page.Ok.total) return { Ok: stakes };
  }
}

export async function mintingAccount(ledger: Principal): Promise<CallOutcome<Account>> {
  const reply = await ledgerMintingAccount(ledger);
  if ('Err' in reply) return reply;
  const account = reply.Ok[0];
  return account === undefined ? { Err: 'the ledger has no minting account to burn to' } : { Ok: account };
}
