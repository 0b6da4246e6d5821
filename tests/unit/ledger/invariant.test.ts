// A property test over seeded random sequences of mint, transfer, approve, transfer_from and burn: after
// every step the supply equals the sum of the balances, no balance is negative, and replaying the log
// gives the same balances.
import { describe, expect, it } from 'vitest';

import { accountKey } from '../../../canisters/ledger/accounts';
import { approve } from '../../../canisters/ledger/approve';
import { totalSupply } from '../../../canisters/ledger/balances';
import { transfer } from '../../../canisters/ledger/transfer';
import { transferFrom } from '../../../canisters/ledger/transfer_from';
import type { Account, Transaction } from '../../../canisters/ledger/types';
import { account, approveArgs, MINTER, newState, NOW, sumOfBalances, transferArgs, transferFromArgs, user } from './state';
import { random } from '../../support/random';

const ACCOUNTS: Account[] = [account(user(1)), account(user(1), 1), account(user(2)), account(user(3)), account(user(4), 9)];

function replay(log: Transaction[]): Map<string, bigint> {
  const balances = new Map<string, bigint>();
  const add = (who: Account, delta: bigint) => balances.set(accountKey(who), (balances.get(accountKey(who)) ?? 0n) + delta);
  for (const tx of log) {
    for (const mint of tx.mint) add(mint.to, mint.amount);
    for (const burn of tx.burn) add(burn.from, -burn.amount);
    for (const t of tx.transfer) {
      add(t.from, -t.amount - (t.fee[0] ?? 0n));
      add(t.to, t.amount);
    }
    for (const a of tx.approve) add(a.from, -(a.fee[0] ?? 0n));
  }
  for (const [key, value] of balances) if (value === 0n) balances.delete(key);
  return balances;
}

describe('ledger invariants', () => {
  it.each([1, 2, 3, 4, 5, 6, 7, 8])('hold over a random sequence of 400 operations (seed %i)', (seed) => {
    const rand = random(seed);
    const pick = <T>(items: T[]) => items[Math.floor(rand() * items.length)];
    const amount = () => BigInt(Math.floor(rand() * 400));
    const state = newState();
    let now = NOW;
    let accepted = 0;
    for (let step = 0; step < 400; step++) {
      now += BigInt(Math.floor(rand() * 1e9));
      const [a, b] = [pick(ACCOUNTS), pick(ACCOUNTS)];
      const createdAt: { created_at_time?: [bigint] } = rand() < 0.3 ? { created_at_time: [now - BigInt(Math.floor(rand() * 1e9))] } : {};
      const op = pick(['mint', 'transfer', 'approve', 'transfer_from', 'burn']);
      const result =
        op === 'mint'
          ? transfer(state, MINTER.owner, transferArgs(a, amount(), createdAt), now)
          : op === 'transfer'
            ? transfer(state, a.owner, transferArgs(b, amount(), { from_subaccount: a.subaccount, ...createdAt }), now)
            : op === 'approve'
              ? approve(state, a.owner, approveArgs(b, amount(), { from_subaccount: a.subaccount, ...createdAt }), now)
              : op === 'transfer_from'
                ? transferFrom(
                    state,
                    b.owner,
                    transferFromArgs(a, pick(ACCOUNTS), amount(), { spender_subaccount: b.subaccount, ...createdAt }),
                    now,
                  )
                : transfer(state, a.owner, transferArgs(MINTER, amount(), { from_subaccount: a.subaccount, ...createdAt }), now);
      if ('Ok' in result) accepted++;

      expect(sumOfBalances(state)).toBe(totalSupply(state));
      for (const balance of state.balances.map.values()) expect(balance > 0n).toBe(true);
    }
    expect(accepted).toBeGreaterThan(100);
    const log = Array.from({ length: state.log.len() }, (_, i) => state.log.get(BigInt(i))!);
    expect(replay(log)).toEqual(state.balances.map);
  });
});
