// The payment canister for the integration tests: where its Wasm is, its setup, and its interface from src/sdk.
import { IDL } from '@dfinity/candid';
import type { Principal } from '@dfinity/principal';

import { DEFAULT_SPLIT } from '../../../canisters/payment/config';
import { InitArg } from '../../../canisters/payment/settings';
import type { Creator } from '../../../canisters/payment/types';
import type { LocalNetwork } from '../../../src/localnet/index.js';
import { idlFactory, type PaymentService } from '../../../src/sdk/payment';

export { idlFactory, type PaymentService };

export const PAYMENT_WASM = '.azle/payment/payment.wasm';

/** The creator of a job's model, on its default account, asking the whole creator share unless told otherwise. */
export function creatorOf(owner: Principal, royalty_bps = DEFAULT_SPLIT.creator_bps): Creator {
  return { account: { owner, subaccount: [] }, royalty_bps };
}

export const NO_ARG: InitArg = {
  admin: [],
  ledger: [],
  marketplace: [],
  bridge: [],
  split: [],
  treasury: [],
  min_escrow: [],
  analytics: [],
};

export function encodeInitArg(arg: InitArg): Uint8Array {
  return new Uint8Array(IDL.encode([IDL.Opt(InitArg)], [[arg]]));
}

/** Installs payment as `deployer`, who controls it and, unless `arg` names another, becomes its admin. */
export async function setupPayment(network: LocalNetwork, deployer: Principal, arg?: Partial<InitArg>) {
  const installed = await network.setupCanister<PaymentService>({
    wasm: PAYMENT_WASM,
    idlFactory,
    sender: deployer,
    controllers: [deployer],
    arg: arg === undefined ? undefined : encodeInitArg({ ...NO_ARG, ...arg }),
  });
  await network.tick();
  return installed;
}
