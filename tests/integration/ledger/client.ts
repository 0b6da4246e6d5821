// The ledger for tests and benchmarks: where its Wasm is, its setup with an init argument, and its interface and
// argument builders from src/sdk. No vitest here, so benchmarks can import it; the invariant check is in fixture.ts.
import { IDL } from '@dfinity/candid';
import type { Principal } from '@dfinity/principal';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

import * as T from '../../../canisters/ledger/types';
import type { Actor, LocalNetwork } from '../../../src/localnet/index.js';
import { account, idlFactory, type LedgerService } from '../../../src/sdk/ledger';

export * from '../../../src/sdk/ledger';

export const LEDGER_WASM = fileURLToPath(new URL('../../../.azle/ledger/ledger.wasm', import.meta.url));
if (!existsSync(LEDGER_WASM)) throw new Error(`${LEDGER_WASM} is missing: run \`npm run build -- ledger\` first`);

export const FEE = 10_000n;

export function initArg(minter: Principal, initialBalances: [T.Account, bigint][]): Uint8Array {
  const init: T.LedgerInit = {
    token_name: 'Market Token',
    token_symbol: 'MKT',
    decimals: [],
    transfer_fee: FEE,
    minting_account: account(minter),
    initial_balances: initialBalances,
  };
  return new Uint8Array(IDL.encode([IDL.Opt(T.LedgerInit)], [[init]]));
}

export async function setupLedger(
  network: LocalNetwork,
  minter: Principal,
  initialBalances: [T.Account, bigint][],
): Promise<{ canisterId: Principal; actor: Actor<LedgerService> }> {
  return network.setupCanister<LedgerService>({ wasm: LEDGER_WASM, idlFactory, arg: initArg(minter, initialBalances) });
}
