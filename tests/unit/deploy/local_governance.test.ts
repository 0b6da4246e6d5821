// Governance's short periods are a local network's setting (npm start): its init argument carries them only when the
// deployment says it is local, and every other deployment leaves governance its defaults.
import { IDL } from '@dfinity/candid';
import { Principal } from '@dfinity/principal';
import { describe, expect, it } from 'vitest';

import { DEFAULT_PARAMS } from '../../../canisters/governance/params';
import { InitArg } from '../../../canisters/governance/types';
import { initArg, LOCAL_GOVERNANCE_PARAMS } from '../../../src/deploy/init_args';

const deployer = Principal.fromText('aaaaa-aa');
const ids = { governance: Principal.fromText('rrkah-fqaaa-aaaaa-aaaaq-cai') };
const params = (local?: boolean) => {
  const [arg] = IDL.decode([IDL.Opt(InitArg)], initArg('governance', { deployer, ids, local })!) as [[InitArg]];
  return arg[0].params;
};

describe("governance's local periods", () => {
  it('are passed on a local deployment only', () => {
    expect(params(true)).toEqual([LOCAL_GOVERNANCE_PARAMS]);
    expect(params(false)).toEqual([]);
    expect(params(undefined)).toEqual([]);
  });

  it('vote for a minute, execute 10 s later, and keep the quorum, threshold and deposit of the defaults', () => {
    expect(LOCAL_GOVERNANCE_PARAMS.voting_period_ns).toBe(60_000_000_000n);
    expect(LOCAL_GOVERNANCE_PARAMS.timelock_ns).toBe(10_000_000_000n);
    expect(LOCAL_GOVERNANCE_PARAMS.lock_period_ns).toBeGreaterThanOrEqual(LOCAL_GOVERNANCE_PARAMS.voting_period_ns);
    const { quorum_bps, adoption_threshold_bps, proposal_deposit } = DEFAULT_PARAMS;
    expect(LOCAL_GOVERNANCE_PARAMS).toMatchObject({ quorum_bps, adoption_threshold_bps, proposal_deposit });
  });
});
