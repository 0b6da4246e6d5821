import { Principal } from '@dfinity/principal';
import { describe, expect, it } from 'vitest';

import { DEFAULT_PARAMS, checkParams } from '../../../canisters/governance/params';
import {
  adopted,
  castVote,
  checkRequest,
  decide,
  dueForExecution,
  keepsWasm,
  mayUploadWasm,
  openProposal,
  quorumReached,
  spendPastWindow,
  whyNotExecutable,
  RETRY_WINDOW_NS,
  SPEND_PAST_DEDUP_WINDOW,
  SPEND_RETRY_NS,
} from '../../../canisters/governance/proposals';
import type { Peers, Proposal } from '../../../canisters/governance/types';
import { NO_CHANGES } from '../../../canisters/identity/settings';
import { DEDUP_WINDOW_NS } from '../../../canisters/payment/retries';

const principal = (n: number) => Principal.fromUint8Array(new Uint8Array([n, 1]));
const [proposer, bridge] = [principal(1), principal(2)];
const PEERS: Peers = {
  ledger: [principal(10)],
  identity: [],
  model_registry: [],
  marketplace: [],
  payment: [],
  bridge: [bridge],
  verification: [],
  analytics: [],
  api: [],
};
const START = 1_000n;
const TOTAL = 1_000n;

function open(action: Proposal['action'] = { text: null }): Proposal {
  return openProposal(7n, proposer, { summary: 'why', action }, DEFAULT_PARAMS, START, TOTAL);
}

function withVotes(yes: bigint, no: bigint): Proposal {
  const p = open();
  return { ...p, tally: { ...p.tally, yes, no } };
}

const END = START + DEFAULT_PARAMS.voting_period_ns;

describe('what may be proposed', () => {
  it('needs a summary and a valid action', () => {
    expect(checkRequest({ summary: '  ', action: { text: null } }, PEERS)).toMatch(/^summary/);
    expect(checkRequest({ summary: 'x'.repeat(4_001), action: { text: null } }, PEERS)).toMatch(/^summary/);
    expect(checkRequest({ summary: 'ok', action: { text: null } }, PEERS)).toBeUndefined();
    const param = (p: object) => checkRequest({ summary: 'ok', action: { set_parameter: p as never } }, PEERS);
    expect(param({ audit_rate_bps: 10_001 })).toMatch(/^audit_rate_bps/);
    expect(param({ fee_split: { provider_bps: 8_000, treasury_bps: 1_500, creator_bps: 501 } })).toMatch(/sum to 10000/);
    expect(param({ royalty_cap_bps: 10_001 })).toMatch(/royalty cap/);
    expect(param({ certifiers: [Principal.anonymous()] })).toMatch(/^certifiers/);
    expect(param({ governance: { ...DEFAULT_PARAMS, adoption_threshold_bps: 4_999 } })).toMatch(/^adoption_threshold_bps/);
    expect(param({ min_stake: 5n })).toBeUndefined();
    expect(param({ identity_settings: { ...NO_CHANGES, admin: [proposer] } })).toBe('identity_settings: the admin is not a setting');
    expect(param({ identity_settings: { ...NO_CHANGES, min_stake: [5n] } })).toBeUndefined();
    const account = { owner: bridge, subaccount: [] };
    const split = { provider_bps: 8_000, treasury_bps: 1_500, creator_bps: 501 };
    expect(param({ payment_config: { split, treasury: account, min_escrow: 1n } })).toMatch(/sum to 10000/);
  });

  it('upgrades only a canister governance administers, named by a 32-byte hash', () => {
    const upgrade = (canister: Principal, hash: number) =>
      checkRequest(
        { summary: 'ok', action: { upgrade_canister: { canister, wasm_sha256: new Uint8Array(hash), arg: new Uint8Array() } } },
        PEERS,
      );
    expect(upgrade(bridge, 32)).toBeUndefined();
    expect(upgrade(bridge, 31)).toMatch(/^wasm_sha256/);
    // The ledger is a peer but not administered.
    expect(upgrade(PEERS.ledger[0]!, 32)).toMatch(/^canister/);
  });

  it('spends only a positive amount to a real account', () => {
    const spend = (amount: bigint, owner: Principal) =>
      checkRequest({ summary: 'ok', action: { spend_treasury: { amount, to: { owner, subaccount: [] } } } }, PEERS);
    expect(spend(0n, proposer)).toMatch(/^amount/);
    expect(spend(1n, Principal.anonymous())).toMatch(/^to/);
    expect(spend(1n, proposer)).toBeUndefined();
  });
});

describe('parameters', () => {
  it('accepts the defaults and refuses votes too short, thresholds below half and locks shorter than a vote', () => {
    expect(checkParams(DEFAULT_PARAMS)).toBeUndefined();
    expect(checkParams({ ...DEFAULT_PARAMS, voting_period_ns: 1n })).toMatch(/^voting_period_ns/);
    expect(checkParams({ ...DEFAULT_PARAMS, quorum_bps: 0 })).toMatch(/^quorum_bps/);
    expect(checkParams({ ...DEFAULT_PARAMS, adoption_threshold_bps: 10_000 })).toMatch(/^adoption_threshold_bps/);
    expect(checkParams({ ...DEFAULT_PARAMS, timelock_ns: 0n })).toMatch(/^timelock_ns/);
    expect(checkParams({ ...DEFAULT_PARAMS, lock_period_ns: DEFAULT_PARAMS.voting_period_ns - 1n })).toMatch(/^lock_period_ns/);
  });
});

describe('votes', () => {
  it('adds the ballot power once, only while the vote is open', () => {
    const ballot = { power: 300n, vote: [] as [] };
    const cast = castVote(open(), ballot, true, START + 1n);
    if (!('Ok' in cast)) throw new Error('expected Ok');
    expect(cast.Ok.proposal.tally).toEqual({ yes: 300n, no: 0n, total_power: TOTAL });
    expect(cast.Ok.ballot.vote).toEqual([true]);
    expect(castVote(cast.Ok.proposal, cast.Ok.ballot, false, START + 2n)).toEqual({ Err: { AlreadyVoted: null } });
    expect(castVote(open(), undefined, true, START)).toEqual({ Err: { NoVotingPower: null } });
    expect(castVote(open(), ballot, true, END)).toEqual({ Err: { VotingClosed: null } });
  });

  it('counts quorum over the snapshot and adoption over the votes cast', () => {
    // Quorum 20% of 1000: 200 votes cast.
    expect(quorumReached({ yes: 100n, no: 99n, total_power: TOTAL }, 2_000)).toBe(false);
    expect(quorumReached({ yes: 100n, no: 100n, total_power: TOTAL }, 2_000)).toBe(true);
    expect(quorumReached({ yes: 0n, no: 0n, total_power: 0n }, 2_000)).toBe(false);
    // More than half of the votes cast: a tie is not adopted.
    expect(adopted({ yes: 100n, no: 100n, total_power: TOTAL }, 2_000, 5_000)).toBe(false);
    expect(adopted({ yes: 101n, no: 100n, total_power: TOTAL }, 2_000, 5_000)).toBe(true);
    expect(adopted({ yes: 199n, no: 0n, total_power: TOTAL }, 2_000, 5_000)).toBe(false);
  });
});

describe('the decision and the deposit', () => {
  it('waits for the end of the vote', () => {
    expect(decide(withVotes(600n, 0n), END - 1n)).toBeUndefined();
  });

  it('adopts, returns the deposit and opens execution after the timelock', () => {
    const decided = decide(withVotes(600n, 0n), END + 5n)!;
    expect(decided.state).toEqual({ adopted: null });
    expect(decided.deposit_state).toEqual({ returning: null });
    expect(decided.decided_at).toEqual([END + 5n]);
    expect(decided.executable_at).toEqual([END + DEFAULT_PARAMS.timelock_ns]);
    expect(whyNotExecutable(decided, END + DEFAULT_PARAMS.timelock_ns - 1n)).toMatch(/timelock/);
    expect(whyNotExecutable(decided, END + DEFAULT_PARAMS.timelock_ns)).toBeUndefined();
    // A failed execution may be retried for a week after the timelock, not forever.
    const failed: Proposal = { ...decided, state: { failed: { at: 0n, reason: 'the target refused' } } };
    expect(whyNotExecutable(failed, END + DEFAULT_PARAMS.timelock_ns + RETRY_WINDOW_NS)).toBeUndefined();
    expect(whyNotExecutable(failed, END + DEFAULT_PARAMS.timelock_ns + RETRY_WINDOW_NS + 1n)).toMatch(/propose it again/);
    expect(decide(decided, END + 10n)).toBeUndefined();
  });

  it('returns the deposit of a proposal rejected with quorum and burns one rejected without', () => {
    const withQuorum = decide(withVotes(100n, 500n), END)!;
    expect([withQuorum.state, withQuorum.deposit_state]).toEqual([{ rejected: null }, { returning: null }]);
    const spam = decide(withVotes(150n, 0n), END)!;
    expect([spam.state, spam.deposit_state]).toEqual([{ rejected: null }, { burning: null }]);
    expect(whyNotExecutable(spam, END + DEFAULT_PARAMS.timelock_ns)).toMatch(/rejected/);
  });

  it('lets a failed execution be retried and nothing else run twice', () => {
    const decided = decide(withVotes(600n, 0n), END)!;
    const at = END + DEFAULT_PARAMS.timelock_ns;
    expect(whyNotExecutable({ ...decided, state: { failed: { at, reason: 'down' } } }, at)).toBeUndefined();
    expect(whyNotExecutable({ ...decided, state: { executing: null } }, at)).toMatch(/executing/);
    expect(whyNotExecutable({ ...decided, state: { executed: { at, outcome: 'done' } } }, at)).toMatch(/executed/);
  });
});

describe('the Wasm uploaded for an upgrade proposal', () => {
  const adoptedAt = (): Proposal => decide(withVotes(600n, 0n), END)!;
  const EXECUTABLE = END + DEFAULT_PARAMS.timelock_ns;

  it('is kept and may grow while the proposal is open or adopted, and kept but not grown while it executes', () => {
    for (const p of [open(), adoptedAt()]) expect([mayUploadWasm(p, END), keepsWasm(p, END)]).toEqual([true, true]);
    const executing: Proposal = { ...adoptedAt(), state: { executing: null } };
    expect([mayUploadWasm(executing, EXECUTABLE), keepsWasm(executing, EXECUTABLE)]).toEqual([false, true]);
  });

  it('is freed once the proposal is rejected or executed, or failed past its retry window', () => {
    const rejected = decide(withVotes(100n, 500n), END)!;
    const executed: Proposal = { ...adoptedAt(), state: { executed: { at: EXECUTABLE, outcome: 'upgraded' } } };
    const failed: Proposal = { ...adoptedAt(), state: { failed: { at: EXECUTABLE, reason: 'the hash differs' } } };
    expect(keepsWasm(rejected, END)).toBe(false);
    expect(keepsWasm(executed, EXECUTABLE)).toBe(false);
    expect([mayUploadWasm(failed, EXECUTABLE + RETRY_WINDOW_NS), keepsWasm(failed, EXECUTABLE + RETRY_WINDOW_NS)]).toEqual([true, true]);
    expect(keepsWasm(failed, EXECUTABLE + RETRY_WINDOW_NS + 1n)).toBe(false);
  });
});

describe('what the timer executes', () => {
  const EXECUTABLE = END + DEFAULT_PARAMS.timelock_ns;
  const adoptedWith = (action: Proposal['action']): Proposal => {
    const p = openProposal(7n, proposer, { summary: 'why', action }, DEFAULT_PARAMS, START, TOTAL);
    return decide({ ...p, tally: { ...p.tally, yes: 600n } }, END)!;
  };
  const failedAt = (p: Proposal, at: bigint): Proposal => ({ ...p, state: { failed: { at, reason: 'the ledger was stopped' } } });
  const spend = { spend_reserve: { amount: 5n, to: { owner: bridge, subaccount: [] as [] } } };

  it('an adopted proposal once its timelock has passed', () => {
    expect(dueForExecution(adoptedWith({ text: null }), EXECUTABLE - 1n)).toBe(false);
    expect(dueForExecution(adoptedWith({ text: null }), EXECUTABLE)).toBe(true);
  });

  it('a failed spend again an hour after it failed, within the retry window; other failures only when asked', () => {
    const failed = failedAt(adoptedWith(spend), EXECUTABLE);
    expect(dueForExecution(failed, EXECUTABLE + SPEND_RETRY_NS - 1n)).toBe(false);
    expect(dueForExecution(failed, EXECUTABLE + SPEND_RETRY_NS)).toBe(true);
    expect(dueForExecution(failed, EXECUTABLE + RETRY_WINDOW_NS + 1n)).toBe(false);
    expect(dueForExecution(failedAt(adoptedWith({ set_job_intake_paused: true }), EXECUTABLE), EXECUTABLE + SPEND_RETRY_NS)).toBe(false);
  });

  it('a failed reserve spend only while the ledger would deduplicate its payment, then marks why it stopped', () => {
    // First tried when it became executable; it failed (its outcome unknown: it may have paid).
    const failed = failedAt(adoptedWith(spend), EXECUTABLE);
    const lastTry = EXECUTABLE + DEDUP_WINDOW_NS - 1n;
    const past = EXECUTABLE + DEDUP_WINDOW_NS;
    expect(dueForExecution(failed, lastTry, EXECUTABLE)).toBe(true);
    expect(spendPastWindow(failed, lastTry, EXECUTABLE)).toBeUndefined();
    expect(dueForExecution(failed, past, EXECUTABLE)).toBe(false);
    expect(whyNotExecutable(failed, past, EXECUTABLE)).toBe(SPEND_PAST_DEDUP_WINDOW);
    const marked = spendPastWindow(failed, past, EXECUTABLE)!;
    expect(marked.state).toEqual({
      failed: { at: EXECUTABLE, reason: `${SPEND_PAST_DEDUP_WINDOW} (last attempt: the ledger was stopped)` },
    });
    // Marked once: later rounds leave it as it is.
    expect(spendPastWindow(marked, past + SPEND_RETRY_NS, EXECUTABLE)).toBeUndefined();
    // A spend whose payment was never fixed (it failed before this rule) keeps the week's retry window.
    expect(dueForExecution(failed, past)).toBe(true);
    expect(spendPastWindow(failed, past, undefined)).toBeUndefined();
    // An executed spend is not marked.
    const executed: Proposal = { ...failed, state: { executed: { at: EXECUTABLE, outcome: 'paid' } } };
    expect(spendPastWindow(executed, past, EXECUTABLE)).toBeUndefined();
  });
});
