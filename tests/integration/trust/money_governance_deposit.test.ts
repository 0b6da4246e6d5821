// Money never waits for a person, in governance too: a proposal's deposit whose return fails while the ledger is
// down is returned by governance's timer once the ledger is back, exactly once; a deposit leg the ledger can no
// longer deduplicate (24 hours after the decision) is not sent again, and the deposit stays where it is; a spend
// whose execution failed while the ledger was down is executed again by the timer an hour later, with the payment its
// first attempt fixed, so one that landed unseen is answered Duplicate and paid once, and not past the ledger's
// deduplication window; one the ledger refused for want of funds (so surely unpaid) is retried for its whole 7 days.
import type { Principal } from '@dfinity/principal';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { DEPOSITS_SUBACCOUNT, reserveAccount, reserveOut } from '../../../canisters/governance/ledger_legs';
import { SPEND_PAST_DEDUP_WINDOW, SPEND_RETRY_NS } from '../../../canisters/governance/proposals';
import { DEDUP_WINDOW_NS } from '../../../canisters/payment/retries';
import { LocalNetwork } from '../../../src/localnet/index.js';
import { FEE, NAMES, STAKE, WASM, account, balance, ok } from '../economy/suite';
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
} from '../governance/fixture';
import { expectConsistent, transferArgs } from '../ledger/fixture';
import { randomUser } from '../localnet/probe';

const RETURN_TAG = 2;
const SPEND_TAG = 6;
const ROUND_MS = 60_000;
const SPEND_RETRY_MS = Number(SPEND_RETRY_NS / 1_000_000n);

describe("governance's deposits and spends are retried by its timer", () => {
  let network: LocalNetwork;
  let e: Governed;
  const deployer = randomUser();
  const holder = randomUser();

  beforeAll(async () => {
    network = await LocalNetwork.create();
    e = await deployGoverned(network, deployer, NAMES);
    await lockTokens(e, holder, STAKE);
  });
  afterAll(() => network?.stop());

  const deposits = () => balance(e, { owner: e.ids.governance, subaccount: [DEPOSITS_SUBACCOUNT] });
  const depositState = async (id: bigint) => Object.keys((await proposal(e, id)).deposit_state)[0];

  /** How many ledger transfers with the memo tag `tag` (a deposit's return, a spend) of proposal `id` the ledger logged. */
  async function logged(tag: number, id: bigint): Promise<number> {
    const { log_length } = await e.ledger.get_transactions({ start: 0n, length: 0n });
    const { transactions } = await e.ledger.get_transactions({ start: 0n, length: log_length });
    return transactions.filter((tx) => {
      const memo = tx.transfer[0]?.memo[0];
      return memo !== undefined && memo[0] === tag && new DataView(Uint8Array.from(memo).buffer).getBigUint64(1) === id;
    }).length;
  }

  /** A spend of `amount`, adopted and in its timelock, from a reserve `funded` more. */
  async function adoptedSpend(amount: bigint, funded: bigint): Promise<{ id: bigint; recipient: Principal }> {
    // A fresh lock: an earlier one may have run out by now.
    await lockTokens(e, holder, STAKE);
    e.ledger.setPrincipal(deployer);
    if (funded > 0n) ok(await e.ledger.icrc1_transfer(transferArgs(reserveAccount(e.ids.governance), funded)));
    const recipient = randomUser();
    const { id } = await propose(e, randomUser(), {
      summary: 'Pay the auditors',
      action: { spend_reserve: { amount, to: account(recipient) } },
    });
    await vote(e, holder, id, true);
    await elapse(e, VOTING_MS);
    return { id, recipient };
  }

  /** An adopted spend of `amount` from a reserve `funded` more, whose first attempt fails while the ledger is down. */
  async function spendFailedWhileLedgerDown(amount: bigint, funded: bigint): Promise<{ id: bigint; recipient: Principal }> {
    const { id, recipient } = await adoptedSpend(amount, funded);
    await network.stopCanister(e.ids.ledger, deployer);
    await elapse(e, TIMELOCK_MS);
    expect(stateOf(await proposal(e, id))).toBe('failed');
    await network.startCanister(e.ids.ledger, deployer);
    return { id, recipient };
  }

  it('returns a deposit once the ledger is back, exactly once, with nobody asking', async () => {
    const proposer = randomUser();
    const { id } = await propose(e, proposer, { summary: 'A motion that passes', action: { text: null } });
    await vote(e, holder, id, true);
    // The deployer still controls the local ledger (it is not handed over): it stops it before the vote ends.
    await network.stopCanister(e.ids.ledger, deployer);
    await elapse(e, VOTING_MS);
    await elapse(e, ROUND_MS);
    expect(await depositState(id)).toBe('returning');

    await network.startCanister(e.ids.ledger, deployer);
    await elapse(e, ROUND_MS);
    expect(await depositState(id)).toBe('returned');
    expect(await balance(e, proposer)).toBe(DEPOSIT - FEE);
    await elapse(e, ROUND_MS);
    expect(await balance(e, proposer)).toBe(DEPOSIT - FEE);
    expect(await logged(RETURN_TAG, id)).toBe(1);
    expect(await deposits()).toBe(0n);
    await expectConsistent(e.ledger);
  });

  it('stops sending a deposit leg past the deduplication window and keeps the deposit', async () => {
    const proposer = randomUser();
    const { id } = await propose(e, proposer, { summary: 'A motion nobody votes on', action: { text: null } });
    await network.stopCanister(e.ids.ledger, deployer);
    await elapse(e, VOTING_MS);
    // Rejected without quorum: the deposit is to be burned, but the ledger stays down past the window.
    expect(await depositState(id)).toBe('burning');
    await elapse(e, Number(DEDUP_WINDOW_NS / 1_000_000n));
    await network.startCanister(e.ids.ledger, deployer);
    // The timer's rounds no longer call the ledger for it at all.
    const calls = network.getCounters(e.ids.ledger).messages;
    await elapse(e, ROUND_MS);
    expect(network.getCounters(e.ids.ledger).messages).toBe(calls);
    expect(await depositState(id)).toBe('burning');
    expect(await deposits()).toBe(DEPOSIT);
    await expectConsistent(e.ledger);
  });

  it('executes a spend that failed while the ledger was down again an hour later, paying it once', async () => {
    const reserve = reserveAccount(e.ids.governance);
    const amount = 5n * FEE;
    const { id, recipient } = await spendFailedWhileLedgerDown(amount, amount);
    await elapse(e, ROUND_MS);
    expect(Object.keys((await proposal(e, id)).state)[0]).toBe('failed');
    await elapse(e, SPEND_RETRY_MS);
    expect(Object.keys((await proposal(e, id)).state)[0]).toBe('executed');
    expect(await balance(e, recipient)).toBe(amount - FEE);
    expect(await e.ledger.icrc1_balance_of(reserve)).toBe(0n);
    await elapse(e, SPEND_RETRY_MS);
    expect(await balance(e, recipient)).toBe(amount - FEE);
    await expectConsistent(e.ledger);
  });

  it('pays a spend whose first payment landed unseen exactly once, across an upgrade: the retry is answered Duplicate', async () => {
    const reserve = reserveAccount(e.ids.governance);
    const amount = 5n * FEE;
    // Enough for two payments, so a second one would show.
    const { id, recipient } = await spendFailedWhileLedgerDown(amount, 2n * amount);
    const supply = await e.ledger.icrc1_total_supply();
    // The local network never loses a reply, so the test lands governance's payment for it, as a ledger that executed
    // the call whose outcome governance could not know would have: its very arguments, sent as governance (only a test
    // network lets an ingress name a canister). Governance fixed its created_at_time when it first tried, in the round
    // that recorded the failure (this clock moves only when the test moves it).
    const failed = (await proposal(e, id)).state as { failed: { at: bigint } };
    e.ledger.setPrincipal(e.ids.governance);
    const block = ok(await e.ledger.icrc1_transfer(reserveOut(account(recipient), amount, FEE, id, failed.failed.at)));
    // What the first attempt fixed is kept in stable memory: an upgrade before the retry changes nothing (governance,
    // its own controller, upgraded as it would upgrade itself).
    await network.upgradeCanister({ canisterId: e.ids.governance, wasm: WASM.governance, sender: e.ids.governance });

    await elapse(e, SPEND_RETRY_MS);
    expect((await proposal(e, id)).state).toMatchObject({
      executed: { outcome: `paid ${amount - FEE} from the reserve at block ${block}` },
    });
    expect(await logged(SPEND_TAG, id)).toBe(1);
    expect(await balance(e, recipient)).toBe(amount - FEE);
    expect(await e.ledger.icrc1_balance_of(reserve)).toBe(amount);
    // One fee, burned by the payment that landed.
    expect(await e.ledger.icrc1_total_supply()).toBe(supply - FEE);
    await elapse(e, SPEND_RETRY_MS);
    expect(await balance(e, recipient)).toBe(amount - FEE);
    await expectConsistent(e.ledger);
  });

  it('keeps retrying a spend the ledger refused for want of funds past its deduplication window, and pays it once funded', async () => {
    // That refusal proves no payment landed, so the 24-hour stop for an unknown outcome does not apply.
    const reserve = reserveAccount(e.ids.governance);
    const held = await e.ledger.icrc1_balance_of(reserve);
    const amount = held + 5n * FEE;
    const { id, recipient } = await adoptedSpend(amount, 0n);
    await elapse(e, TIMELOCK_MS);
    const { state } = await proposal(e, id);
    expect('failed' in state ? state.failed.reason : '').toMatch(/InsufficientFunds/);
    await elapse(e, Number(DEDUP_WINDOW_NS / 1_000_000n));
    expect(stateOf(await proposal(e, id))).toBe('failed');
    e.ledger.setPrincipal(deployer);
    ok(await e.ledger.icrc1_transfer(transferArgs(reserve, amount - held)));
    await elapse(e, SPEND_RETRY_MS);
    expect(stateOf(await proposal(e, id))).toBe('executed');
    expect(await balance(e, recipient)).toBe(amount - FEE);
    expect(await e.ledger.icrc1_balance_of(reserve)).toBe(0n);
    expect(await logged(SPEND_TAG, id)).toBe(1);
    await expectConsistent(e.ledger);
  });

  it('stops retrying a spend once the ledger could no longer recognise its payment, and says why', async () => {
    const reserve = reserveAccount(e.ids.governance);
    const amount = 5n * FEE;
    const before = await e.ledger.icrc1_balance_of(reserve);
    const { id, recipient } = await spendFailedWhileLedgerDown(amount, amount);
    await network.stopCanister(e.ids.ledger, deployer);
    await elapse(e, Number(DEDUP_WINDOW_NS / 1_000_000n));
    await network.startCanister(e.ids.ledger, deployer);
    const calls = network.getCounters(e.ids.ledger).messages;
    await elapse(e, SPEND_RETRY_MS);
    expect(network.getCounters(e.ids.ledger).messages).toBe(calls);
    const { state } = await proposal(e, id);
    expect('failed' in state && state.failed.reason.startsWith(SPEND_PAST_DEDUP_WINDOW)).toBe(true);
    e.governance.setPrincipal(randomUser());
    expect(await e.governance.execute_proposal(id)).toEqual({ Err: { InvalidState: SPEND_PAST_DEDUP_WINDOW } });
    expect(await balance(e, recipient)).toBe(0n);
    expect(await e.ledger.icrc1_balance_of(reserve)).toBe(before + amount);
    await expectConsistent(e.ledger);
  });
});
