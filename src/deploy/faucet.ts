// The faucet's funding: the deployer is the local ledger's minting account, so a transfer from it mints. Each
// deployment tops the faucet up to FAUCET_FUNDING, so a second run mints nothing and a drained faucet refills on
// the next npm start.
import type { Principal } from '@dfinity/principal';

import { account, idlFactory as ledgerIdl, type LedgerService, transferArgs } from '../sdk/ledger.js';
import type { DeployTarget } from './target.js';

/** 1,000,000 tokens of 8 decimals: 100 days of the faucet's default daily cap (10,000 tokens). */
export const FAUCET_FUNDING = 100_000_000_000_000n;

/** Mints what the faucet lacks of FAUCET_FUNDING; returns the amount minted. */
export async function fundFaucet(target: DeployTarget, ledgerId: Principal, faucet: Principal): Promise<bigint> {
  const ledger = target.actor<LedgerService>(ledgerIdl, ledgerId);
  const balance = await ledger.icrc1_balance_of(account(faucet));
  if (balance >= FAUCET_FUNDING) return 0n;
  const missing = FAUCET_FUNDING - balance;
  const minted = await ledger.icrc1_transfer(transferArgs(account(faucet), missing));
  if ('Err' in minted) {
    const why = JSON.stringify(minted.Err, (_, v) => (typeof v === 'bigint' ? v.toString() : v));
    throw new Error(`the ledger refused to mint ${missing} to the faucet: ${why} (is the deployer its minting account?)`);
  }
  return missing;
}
