import { Principal } from '@dfinity/principal';
import { describe, expect, it } from 'vitest';

import { initialSettings, mayAdminister, mayReport } from '../../../canisters/analytics/settings';

const p = (n: number) => Principal.fromUint8Array(new Uint8Array([n, 2, 2]));
const [installer, admin, market, payment, other] = [p(1), p(2), p(3), p(4), p(5)];

describe('analytics settings', () => {
  it('the installer administers unless the argument names an admin; no reporter by default', () => {
    expect(initialSettings(undefined, installer)).toEqual({ admin: installer, reporters: [] });
    expect(initialSettings({ admin: [admin], reporters: [market] }, installer)).toEqual({ admin, reporters: [market] });
  });

  it('only the named reporters record and only the admin changes them', () => {
    const s = initialSettings({ admin: [admin], reporters: [market, payment] }, installer);
    for (const who of [market, payment]) expect(mayReport(s, who)).toBeUndefined();
    for (const who of [admin, installer, other]) expect(mayReport(s, who)).toBeDefined();
    expect(mayAdminister(s, admin)).toBeUndefined();
    for (const who of [installer, market, other]) expect(mayAdminister(s, who)).toBeDefined();
  });
});
