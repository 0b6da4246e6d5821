// Money never waits for a person, in governance too: a proposal's deposit whose return fails while the ledger is
// down is returned by governance's timer once the ledger is back, exactly once; a deposit leg the ledger can no
// longer deduplicate (24 hours after the decision) is not sent again, and the deposit stays where it is; a spend
// whose execution failed while the ledger was down is executed again by the timer an hour later.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { DEPOSITS_SUBACCOUNT, reserveAccount } from '../../../canisters/governance/ledger_legs';
import { SPEND_RETRY_NS } from '../../../canisters/governance/proposals';
import { DEDUP_WINDOW_NS } from '../../../canisters/payment/retries';
import { LocalNetwork } from '../../../src/localnet/index.js';
import { FEE, NAMES, STAKE, account, balance, ok } from '../economy/suite';
import {
  DEPOSIT,
  TIMELOCK_MS,
  VOTING_MS,
  deployGoverned,
  elapse,
  lockTokens,
  propose,
  proposal,
  vote,
  type Governed,
} from '../governance/fixture';
import { expectConsistent, transferArgs } from '../ledger/fixture';
import { randomUser } from '../localnet/probe';

const RETURN_TAG = 2;
const ROUND_MS = 60_000;

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

  /** How many deposit returns of proposal `id` the ledger logged. */
  async function returnsLogged(id: bigint): Promise<number> {
    const { log_length } = await e.ledger.get_transactions({ start: 0n, length: 0n });
    const { transactions } = await e.ledger.get_transactions({ start: 0n, length: log_length });
    return transactions.filter((tx) => {
      const memo = tx.transfer[0]?.memo[0];
      return memo !== undefined && memo[0] === RETURN_TAG && new DataView(Uint8Array.from(memo).buffer).getBigUint64(1) === id;
    }).length;
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
    expect(await returnsLogged(id)).toBe(1);
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
    // A fresh lock: the first one has run out by now.
    await lockTokens(e, holder, STAKE);
    const reserve = reserveAccount(e.ids.governance);
    const amount = 5n * FEE;
    e.ledger.setPrincipal(deployer);
    ok(await e.ledger.icrc1_transfer(transferArgs(reserve, amount)));
    const recipient = randomUser();
    const { id } = await propose(e, randomUser(), {
      summary: 'Pay the auditors',
      action: { spend_reserve: { amount, to: account(recipient) } },
    });
    await vote(e, holder, id, true);
    await elapse(e, VOTING_MS);
    await network.stopCanister(e.ids.ledger, deployer);
    await elapse(e, TIMELOCK_MS);
    expect(Object.keys((await proposal(e, id)).state)[0]).toBe('failed');

    await network.startCanister(e.ids.ledger, deployer);
    await elapse(e, ROUND_MS);
    expect(Object.keys((await proposal(e, id)).state)[0]).toBe('failed');
    await elapse(e, Number(SPEND_RETRY_NS / 1_000_000n));
    expect(Object.keys((await proposal(e, id)).state)[0]).toBe('executed');
    expect(await balance(e, recipient)).toBe(amount - FEE);
    expect(await e.ledger.icrc1_balance_of(reserve)).toBe(0n);
    await elapse(e, Number(SPEND_RETRY_NS / 1_000_000n));
    expect(await balance(e, recipient)).toBe(amount - FEE);
    await expectConsistent(e.ledger);
  });
});
