// The payment parameters: defaults, and the checks governance's changes must pass.
import type { Principal } from '@dfinity/principal';

import { validSubaccount } from '../ledger/accounts';
import { TREASURY_SUBACCOUNT } from './subaccounts';
import type { PaymentConfig, Split } from './types';

export const BPS_WHOLE = 10_000;

export const DEFAULT_SPLIT: Split = { provider_bps: 8_000, treasury_bps: 1_500, creator_bps: 500 };

// One token unit; the ledger's fee is checked per escrow as well, since it can change after this is set.
export const DEFAULT_MIN_ESCROW = 1n;

/** The defaults, with the treasury in the payment canister's own treasury subaccount. */
export function defaultConfig(paymentCanister: Principal): PaymentConfig {
  return { split: DEFAULT_SPLIT, treasury: { owner: paymentCanister, subaccount: [TREASURY_SUBACCOUNT] }, min_escrow: DEFAULT_MIN_ESCROW };
}

export function checkBps(field: string, bps: number): string | undefined {
  if (!Number.isInteger(bps) || bps < 0 || bps > BPS_WHOLE) return `${field}: must be an integer from 0 to ${BPS_WHOLE}, got ${bps}`;
}

export function checkSplit(split: Split): string | undefined {
  for (const [field, bps] of Object.entries(split)) {
    const error = checkBps(`split.${field}`, bps);
    if (error) return error;
  }
  const sum = split.provider_bps + split.treasury_bps + split.creator_bps;
  if (sum !== BPS_WHOLE) return `split: shares must sum to ${BPS_WHOLE} bps, got ${sum}`;
}

/** The reason a configuration is refused, or undefined when it is valid. */
export function checkConfig(config: PaymentConfig): string | undefined {
  const split = checkSplit(config.split);
  if (split) return split;
  if (!validSubaccount(config.treasury.subaccount)) return 'treasury: a subaccount must be 32 bytes';
  if (config.min_escrow < 1n) return 'min_escrow: must be at least 1';
}
