// Proposals on the real suite after the hand-over: parameter changes through deposit, votes, quorum, timelock and
// execution, after which the target canisters use the new values; deposits returned or burned to the unit; voting
// power fixed at each proposal's creation; and tokens locked for voting and paid back after their lock period.
import type { Principal } from '@dfinity/principal';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { DEPOSITS_SUBACCOUNT, LOCKS_SUBACCOUNT } from '../../../canisters/governance/ledger_legs';
import { DEFAULT_PARAMS } from '../../../canisters/governance/params';
import { LocalNetwork } from '../../../src/localnet/index.js';
import { randomUser } from '../localnet/probe';
import { FEE, NAMES, STAKE, balance, errName, jobRequest, ok, onboardProvider, publishModel } from '../economy/suite';
import {
  DEPOSIT,
  TIMELOCK_MS,
  VOTING_MS,
  deployGoverned,
  elapse,
  lockTokens,
  propose,
  proposal,
  stateOf,
  vote,
  type Governed,
} from './fixture';

describe('proposals, votes and execution on the governed suite', () => {
  let network: LocalNetwork;
  let e: Governed;
  const deployer = randomUser();
  const holder = randomUser();
  const newcomer = randomUser();
  const LOCKED = 3n * STAKE;
  let providerA: Principal;
  let providerB: Principal;
  let model: bigint;
  const deposits = () => balance(e, { owner: e.ids.governance, subaccount: [DEPOSITS_SUBACCOUNT] });
  const lockedBalance = () => balance(e, { owner: e.ids.governance, subaccount: [LOCKS_SUBACCOUNT] });

  beforeAll(async () => {
    network = await LocalNetwork.create();
    e = await deployGoverned(network, deployer, [...NAMES, 'bridge', 'verification']);
    model = (await publishModel(e, randomUser(), 'tiny-llama', 500)).id;
    // The certifier named before the hand-over (fixture.ts) stays one, so providers onboard as before.
    providerA = (await onboardProvider(e, [model])).provider;
    providerB = (await onboardProvider(e, [model])).provider;
    await lockTokens(e, holder, LOCKED);
  });
  afterAll(() => network?.stop());

  it('changes parameters of three canisters and of governance through deposit, vote, quorum, timelock and execution', async () => {
    const proposer = randomUser();
    const priority = jobRequest(model, { lane: { priority: null } });
    const standard = ok(await e.marketplace.quote(jobRequest(model))).total;
    expect(ok(await e.marketplace.quote(priority)).total).toBe((standard * 12_500n) / 10_000n);

    const requests = [
      { summary: 'Audit a quarter of settled jobs', action: { set_parameter: { audit_rate_bps: 2_500 } } },
      { summary: 'Priority lane at +50%', action: { set_parameter: { priority_surcharge_bps: 5_000 } } },
      {
        summary: 'Providers 75%, treasury 20%',
        action: { set_parameter: { fee_split: { provider_bps: 7_500, treasury_bps: 2_000, creator_bps: 500 } } },
      },
      { summary: 'Quorum 30%', action: { set_parameter: { governance: { ...DEFAULT_PARAMS, quorum_bps: 3_000 } } } },
    ];
    const ids: bigint[] = [];
    for (const request of requests) ids.push((await propose(e, proposer, request)).id);
    // Each deposit came in whole; the proposer paid an approve fee and a transfer_from fee for each.
    expect(await balance(e, proposer)).toBe(0n);
    expect(await deposits()).toBe(4n * DEPOSIT);

    const first = await proposal(e, ids[0]);
    expect(first.tally).toEqual({ yes: 0n, no: 0n, total_power: 2n * STAKE + LOCKED });
    expect(first.voting_ends_at - first.created_at).toBe(DEFAULT_PARAMS.voting_period_ns);
    expect((await e.governance.ballot_of(ids[0], holder))[0]?.power).toBe(LOCKED);
    expect((await e.governance.ballot_of(ids[0], providerA))[0]?.power).toBe(STAKE);

    for (const id of ids) {
      await vote(e, holder, id, true);
      await vote(e, providerA, id, false);
    }
    expect((await proposal(e, ids[0])).tally).toEqual({ yes: LOCKED, no: STAKE, total_power: 2n * STAKE + LOCKED });
    e.governance.setPrincipal(providerA);
    expect(errName(await e.governance.vote(ids[0], true))).toBe('AlreadyVoted');
    e.governance.setPrincipal(randomUser());
    expect(errName(await e.governance.vote(ids[0], true))).toBe('NoVotingPower');
    expect(errName(await e.governance.execute_proposal(ids[0]))).toBe('InvalidState');

    // The vote ends: adopted, and the deposits go back less one fee each.
    await elapse(e, VOTING_MS);
    for (const id of ids) {
      const decided = await proposal(e, id);
      expect(stateOf(decided)).toBe('adopted');
      expect(Object.keys(decided.deposit_state)).toEqual(['returned']);
      expect(decided.executable_at).toEqual([decided.voting_ends_at + DEFAULT_PARAMS.timelock_ns]);
    }
    expect(await balance(e, proposer)).toBe(4n * (DEPOSIT - FEE));
    expect(await deposits()).toBe(0n);
    e.governance.setPrincipal(holder);
    expect(errName(await e.governance.vote(ids[1], true))).toBe('VotingClosed');

    // Nothing changes during the timelock, not even when asked.
    expect(errName(await e.governance.execute_proposal(ids[0]))).toBe('InvalidState');
    expect((await e.bridge!.settings()).audit_rate_bps).toBe(0);

    await elapse(e, TIMELOCK_MS);
    for (const id of ids) expect(stateOf(await proposal(e, id))).toBe('executed');
    expect((await e.bridge!.settings()).audit_rate_bps).toBe(2_500);
    expect((await e.payment.get_config()).config.split).toEqual({ provider_bps: 7_500, treasury_bps: 2_000, creator_bps: 500 });
    expect((await e.governance.settings()).params.quorum_bps).toBe(3_000);
    // The marketplace prices the priority lane with the new surcharge.
    expect(ok(await e.marketplace.quote(priority)).total).toBe((standard * 15_000n) / 10_000n);
  });

  it('burns the deposit of a proposal rejected without quorum and returns one rejected with quorum', async () => {
    // Quorum is 30% now (the first test changed it): the holder's 3 of 5 tokens of power reach it.
    const [spammer, dissenter] = [randomUser(), randomUser()];
    const spam = await propose(e, spammer, { summary: 'Buy my token', action: { text: null } });
    const motion = await propose(e, dissenter, { summary: 'Close on Sundays', action: { text: null } });
    await vote(e, holder, motion.id, false);
    const supply = await e.ledger.icrc1_total_supply();

    await elapse(e, VOTING_MS);
    const [burned, returned] = [await proposal(e, spam.id), await proposal(e, motion.id)];
    expect([stateOf(burned), Object.keys(burned.deposit_state)[0]]).toEqual(['rejected', 'burned']);
    expect([stateOf(returned), Object.keys(returned.deposit_state)[0]]).toEqual(['rejected', 'returned']);
    expect(await balance(e, spammer)).toBe(0n);
    expect(await balance(e, dissenter)).toBe(DEPOSIT - FEE);
    // The burn pays no fee; the return pays one, which the ledger burns too.
    expect(await e.ledger.icrc1_total_supply()).toBe(supply - DEPOSIT - FEE);
    expect(await deposits()).toBe(0n);
  });

  it('counts votes with the power each voter had when the proposal was created', async () => {
    // The holder's lock has passed its unlock time (the two votes above took six days): it no longer counts.
    const motion = await propose(e, randomUser(), { summary: 'Snapshot check', action: { text: null } });
    expect(motion.tally.total_power).toBe(2n * STAKE);

    // After the snapshot: provider B unbonds everything, a newcomer locks tokens, a new provider stakes.
    e.identity.setPrincipal(providerB);
    expect(ok(await e.identity.unbond(STAKE)).bonded).toBe(0n);
    await lockTokens(e, newcomer, 10n * STAKE);
    const late = (await onboardProvider(e, [model])).provider;

    expect((await vote(e, providerB, motion.id, true)).tally.yes).toBe(STAKE);
    for (const voter of [newcomer, late, holder]) {
      e.governance.setPrincipal(voter);
      expect(errName(await e.governance.vote(motion.id, true))).toBe('NoVotingPower');
    }
    // A proposal made now sees the power as it is now.
    const next = await propose(e, randomUser(), { summary: 'After the moves', action: { text: null } });
    expect(next.tally.total_power).toBe(STAKE + 10n * STAKE + STAKE);
    expect((await e.governance.ballot_of(next.id, providerB)).length).toBe(0);
    expect((await e.governance.ballot_of(next.id, newcomer))[0]?.power).toBe(10n * STAKE);
  });

  it('keeps locked tokens until their lock period ends, then pays them back less the fee', async () => {
    // The governance locks subaccount holds exactly the tokens locked.
    expect(await lockedBalance()).toBe(LOCKED + 10n * STAKE);
    e.governance.setPrincipal(newcomer);
    expect(errName(await e.governance.unlock_tokens())).toBe('StillLocked');

    e.governance.setPrincipal(holder);
    expect(ok(await e.governance.unlock_tokens())).toBe(LOCKED - FEE);
    expect(await balance(e, holder)).toBe(LOCKED - FEE);
    expect(await e.governance.lock_of(holder)).toEqual([]);
    expect(errName(await e.governance.unlock_tokens())).toBe('NotFound');

    await elapse(e, Number(DEFAULT_PARAMS.lock_period_ns / 1_000_000n));
    e.governance.setPrincipal(newcomer);
    expect(ok(await e.governance.unlock_tokens())).toBe(10n * STAKE - FEE);
    expect(await lockedBalance()).toBe(0n);
  });
});
