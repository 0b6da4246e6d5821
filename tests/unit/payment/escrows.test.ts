import { describe, expect, it } from 'vitest';

import { Escrows } from '../../../canisters/payment/escrows';
import type { Escrow, EscrowState } from '../../../canisters/payment/types';
import { account, ok } from './fixtures';

const consumer = account();

function book(): { escrows: Escrows; map: Map<bigint, Escrow> } {
  const map = new Map<bigint, Escrow>();
  return { escrows: new Escrows(map), map };
}

describe('escrow state machine', () => {
  it('goes locked -> held -> settled, stamping each step', () => {
    const { escrows } = book();
    expect(ok(escrows.lock(1n, consumer, 500n, 10n))).toEqual({
      job_id: 1n,
      consumer,
      amount: 500n,
      state: { locked: null },
      created_at: 10n,
      updated_at: 10n,
    });
    expect(ok(escrows.advance(1n, 'held', 11n))).toMatchObject({ state: { held: null }, created_at: 10n, updated_at: 11n });
    expect(ok(escrows.advance(1n, 'settled', 12n))).toMatchObject({ state: { settled: null }, updated_at: 12n });
  });

  it('goes held -> refunded', () => {
    const { escrows } = book();
    ok(escrows.lock(1n, consumer, 500n, 0n));
    ok(escrows.advance(1n, 'held', 0n));
    expect(ok(escrows.advance(1n, 'refunded', 1n)).state).toEqual({ refunded: null });
  });

  it('refuses every other step and changes nothing', () => {
    const cases: [('held' | 'settled' | 'refunded')[], 'held' | 'settled' | 'refunded', EscrowState][] = [
      [[], 'settled', { locked: null }],
      [[], 'refunded', { locked: null }],
      [['held'], 'held', { held: null }],
      [['held', 'settled'], 'refunded', { settled: null }],
      [['held', 'settled'], 'settled', { settled: null }],
      [['held', 'refunded'], 'settled', { refunded: null }],
      [['held', 'refunded'], 'held', { refunded: null }],
    ];
    for (const [path, to, from] of cases) {
      const { escrows, map } = book();
      ok(escrows.lock(1n, consumer, 500n, 0n));
      for (const step of path) ok(escrows.advance(1n, step, 1n));
      const before = structuredClone(map.get(1n));
      expect(escrows.advance(1n, to, 2n)).toEqual({ Err: { InvalidTransition: { from, to: { [to]: null } } } });
      expect(map.get(1n)).toEqual(before);
    }
  });

  it('opens a job at most once, whatever its state', () => {
    const { escrows } = book();
    ok(escrows.lock(1n, consumer, 500n, 0n));
    expect(escrows.lock(1n, account(), 9n, 1n)).toEqual({ Err: { AlreadyEscrowed: { state: { locked: null } } } });
    ok(escrows.advance(1n, 'held', 1n));
    expect(escrows.lock(1n, consumer, 500n, 1n)).toEqual({ Err: { AlreadyEscrowed: { state: { held: null } } } });
  });

  it('drops only a locked escrow, after which the job may lock again', () => {
    const { escrows, map } = book();
    ok(escrows.lock(1n, consumer, 500n, 0n));
    ok(escrows.drop(1n));
    expect(map.size).toBe(0);
    ok(escrows.lock(1n, consumer, 500n, 1n));
    ok(escrows.advance(1n, 'held', 1n));
    expect(escrows.drop(1n)).toEqual({ Err: { InvalidTransition: { from: { held: null }, to: { locked: null } } } });
    expect(escrows.drop(2n)).toEqual({ Err: { NotFound: null } });
    expect(escrows.advance(2n, 'held', 0n)).toEqual({ Err: { NotFound: null } });
  });
});
