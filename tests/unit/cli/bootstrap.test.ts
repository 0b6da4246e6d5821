import { Principal } from '@dfinity/principal';
import { afterEach, describe, expect, it, vi } from 'vitest';

import { bootstrapGovernance } from '../../../src/cli/commands';
import type { Connection } from '../../../src/cli/connect';

const id = (n: number) => Principal.fromUint8Array(new Uint8Array([n]));
const IDS: Record<string, Principal> = { governance: id(1), identity: id(2), marketplace: id(3) };

/** What `governance bootstrap` prints when governance's report names `canisters`. */
async function printed(canisters: Principal[]): Promise<string> {
  const log = vi.spyOn(console, 'log').mockImplementation(() => {});
  const c = { canister: (name: string) => IDS[name], governance: () => ({ bootstrap: async () => ({ Ok: { canisters } }) }) };
  await bootstrapGovernance(c as unknown as Connection);
  return log.mock.calls.map((args) => args.join(' ')).join('\n');
}

describe('governance bootstrap on the command line', () => {
  afterEach(() => vi.restoreAllMocks());

  it('says the deployer was taken off identity’s certifiers, as bootstrap does when it hands identity over', async () => {
    const out = await printed([IDS.identity, IDS.marketplace]);
    expect(out).toContain(`  ${IDS.identity.toText()}`);
    expect(out).toContain('the deployer is no longer one of identity’s certifiers: certifiers are now set by governance proposals');
  });

  it('says nothing of certifiers where no identity canister was handed over', async () => {
    expect(await printed([IDS.marketplace])).not.toContain('certifiers');
  });
});
