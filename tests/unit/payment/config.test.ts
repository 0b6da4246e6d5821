import { describe, expect, it } from 'vitest';

import { checkConfig, DEFAULT_SPLIT, defaultConfig } from '../../../canisters/payment/config';
import { TREASURY_SUBACCOUNT } from '../../../canisters/payment/subaccounts';
import { PAYMENT_CANISTER, setup } from './fixtures';

describe('payment config', () => {
  it('defaults to 8000 / 1500 / 500 bps with the treasury in the canister treasury subaccount', () => {
    const config = defaultConfig(PAYMENT_CANISTER);
    expect(config.split).toEqual({ provider_bps: 8_000, treasury_bps: 1_500, creator_bps: 500 });
    expect(config.treasury).toEqual({ owner: PAYMENT_CANISTER, subaccount: [TREASURY_SUBACCOUNT] });
    expect(checkConfig(config)).toBeUndefined();
  });

  it('refuses shares that do not sum to 10000 bps', () => {
    const config = { ...defaultConfig(PAYMENT_CANISTER), split: { ...DEFAULT_SPLIT, creator_bps: 501 } };
    expect(checkConfig(config)).toBe('split: shares must sum to 10000 bps, got 10001');
  });

  it('refuses a share out of range or fractional, a bad treasury subaccount and a zero minimum', () => {
    const base = defaultConfig(PAYMENT_CANISTER);
    expect(checkConfig({ ...base, split: { provider_bps: 10_500, treasury_bps: -500, creator_bps: 0 } })).toMatch(/^split.provider_bps/);
    expect(checkConfig({ ...base, split: { provider_bps: 7_999.5, treasury_bps: 1_500.5, creator_bps: 500 } })).toMatch(/integer/);
    expect(checkConfig({ ...base, treasury: { owner: PAYMENT_CANISTER, subaccount: [new Uint8Array(31)] } })).toMatch(/^treasury/);
    expect(checkConfig({ ...base, min_escrow: 0n })).toMatch(/^min_escrow/);
  });

  it('accepts a governance change that passes and keeps the old one on a refusal', () => {
    const { payment, config } = setup();
    const changed = { ...config, split: { provider_bps: 7_000, treasury_bps: 2_000, creator_bps: 1_000 } };
    expect(payment.setConfig(changed)).toEqual({ Ok: null });
    expect(payment.setConfig({ ...config, split: { ...DEFAULT_SPLIT, provider_bps: 0 } })).toEqual({
      Err: { InvalidInput: 'split: shares must sum to 10000 bps, got 2000' },
    });
    expect(payment.getConfig()).toBe(changed);
  });
});
