// Every canister's candid/<name>.did (generated from the canister's decorators at build) against the idlFactory the
// SDK writes by hand in src/sdk/<name>.ts: the same methods with the same argument and result types and modes.
import { IDL } from '@dfinity/candid';
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

import { interfaceDrift } from '../../../src/sdk/did/compare';

const CANDID = 'candid';
const canisters = readdirSync(CANDID)
  .filter((file) => file.endsWith('.did'))
  .map((file) => file.slice(0, -'.did'.length));

describe("the SDK's interfaces match candid/*.did", () => {
  it('has a .did for every canister the SDK mirrors', () => {
    expect(canisters).toEqual(expect.arrayContaining(['marketplace', 'payment', 'ledger', 'identity', 'bridge']));
  });

  it.each(canisters)('%s', async (name) => {
    const sdk = (await import(`../../../src/sdk/${name}.ts`)) as { idlFactory?: IDL.InterfaceFactory };
    expect(sdk.idlFactory, `src/sdk/${name}.ts exports no idlFactory`).toBeDefined();
    const drift = interfaceDrift(name, readFileSync(`${CANDID}/${name}.did`, 'utf8'), sdk.idlFactory!);
    expect(drift, `candid/${name}.did and src/sdk/${name}.ts differ:\n${drift.join('\n')}`).toEqual([]);
  });
});
