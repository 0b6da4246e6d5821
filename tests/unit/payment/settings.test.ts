import { Principal } from '@dfinity/principal';
import { describe, expect, it } from 'vitest';

import { DEFAULT_SPLIT } from '../../../canisters/payment/config';
import { initialSettings, mayAdminister, mayEscrow, maySettle } from '../../../canisters/payment/settings';

const p = (n: number) => Principal.fromUint8Array(new Uint8Array([n, 1, 1]));
const [installer, admin, market, bridge, self, other] = [p(1), p(2), p(3), p(4), p(5), p(6)];

describe('payment settings', () => {
  it('defaults: the installer administers, the split is 80/15/5 and the treasury is a subaccount of the canister', () => {
    const s = initialSettings(undefined, installer, self);
    expect(s.admin).toBe(installer);
    expect(s.config.split).toEqual(DEFAULT_SPLIT);
    expect(s.config.treasury.owner).toBe(self);
    expect(s.marketplace).toEqual([]);
  });

  it('only the marketplace escrows; marketplace, bridge, or the admin while no bridge is set, settle', () => {
    const open = initialSettings(
      { admin: [admin], ledger: [], marketplace: [market], bridge: [], split: [], treasury: [], min_escrow: [], analytics: [] },
      installer,
      self,
    );
    expect(mayEscrow(open, market)).toBeUndefined();
    for (const who of [admin, installer, other, bridge]) expect(mayEscrow(open, who)).toBeDefined();
    for (const who of [market, admin]) expect(maySettle(open, who)).toBeUndefined();
    for (const who of [installer, other, bridge]) expect(maySettle(open, who)).toBeDefined();
    const closed = { ...open, bridge: [bridge] as [Principal] };
    for (const who of [market, bridge]) expect(maySettle(closed, who)).toBeUndefined();
    expect(maySettle(closed, admin)).toBeDefined();
    expect(mayAdminister(open, admin)).toBeUndefined();
    for (const who of [installer, market, bridge, other]) expect(mayAdminister(open, who)).toBeDefined();
  });
});
