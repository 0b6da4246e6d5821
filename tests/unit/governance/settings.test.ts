// Governance's settings are stored as azle's JSON: a record stored before a peer existed lacks the peer's field, and
// postUpgrade completes it, so the settings query (Candid) answers with that peer as none and bootstrap skips it.
import { IDL } from '@dfinity/candid';
import { Principal } from '@dfinity/principal';
import { describe, expect, it } from 'vitest';

import { DEFAULT_PARAMS } from '../../../canisters/governance/params';
import { NO_PEERS, withAllPeers } from '../../../canisters/governance/settings';
import { Settings } from '../../../canisters/governance/types';

const ledger = Principal.fromText('ryjl3-tyaaa-aaaaa-aaaba-cai');

describe('settings stored before the peer existed', () => {
  it('read the api canister as none and keep every other peer', () => {
    const { api: _, ...before } = { ...NO_PEERS, ledger: [ledger] as [Principal] };
    const stored = { admin: [], bootstrapped: true, peers: before, params: DEFAULT_PARAMS } as unknown as Settings;
    expect(() => IDL.encode([Settings], [stored])).toThrow();
    const completed = withAllPeers(stored);
    const [decoded] = IDL.decode([Settings], IDL.encode([Settings], [completed])) as unknown as [Settings];
    expect(decoded.peers.api).toEqual([]);
    expect(decoded.peers.ledger[0]?.toText()).toBe(ledger.toText());
    expect(decoded.bootstrapped).toBe(true);
  });

  it('keep an api canister named', () => {
    const named = { ...NO_PEERS, api: [ledger] as [Principal] };
    const settings: Settings = { admin: [], bootstrapped: false, peers: named, params: DEFAULT_PARAMS };
    expect(withAllPeers(settings).peers.api[0]?.toText()).toBe(ledger.toText());
  });
});
