// Reputations as stored: per provider a head (bps and the number of changes so far) and each of its last
// HISTORY_LIMIT changes as an entry of its own, so a change writes the head and one entry and drops the oldest
// instead of rewriting the whole history. Read once per provider into the heap, which lasts between messages and
// is read again from stable memory after an upgrade.
import type { Principal } from '@dfinity/principal';

import { HISTORY_LIMIT, INITIAL_REPUTATION, adjust } from './reputation';
import { changeBytes, decodeChanges, type ReputationHead } from './reputation_codec';
import type { Table } from './tables';
import type { Reputation } from './types';

type Loaded = Reputation & { count: bigint; legacy: boolean };

// Providers whose reputation the heap keeps before it starts over: bounded however many providers there are.
const KEPT = 10_000;

// Zero-padded so a provider's entries sort in order.
const changeKey = (provider: string, n: bigint): string => `${provider}:${n.toString().padStart(20, '0')}`;

export class ReputationBook {
  private readonly cache = new Map<string, Loaded>();

  /**
   * `legacy`: the whole-record layout of earlier versions, read for a provider not yet in `heads` and moved out of
   * at that provider's next change.
   */
  constructor(
    private readonly heads: Table<ReputationHead>,
    private readonly changes: Table<Uint8Array>,
    private readonly legacy: Table<Reputation>,
  ) {}

  get(provider: string): Reputation {
    const { bps, history } = this.load(provider);
    return { bps, history };
  }

  change(provider: string, delta: number, by: Principal, at: bigint, reason: string): Reputation {
    const current = this.load(provider);
    const { bps, history } = adjust(current, delta, by, at, reason);
    if (current.legacy) {
      current.history.forEach((change, i) => this.changes.insert(changeKey(provider, BigInt(i)), changeBytes(change)));
      this.legacy.remove(provider);
    }
    this.changes.insert(changeKey(provider, current.count), changeBytes(history[history.length - 1]));
    if (current.count >= HISTORY_LIMIT) this.changes.remove(changeKey(provider, current.count - BigInt(HISTORY_LIMIT)));
    const count = current.count + 1n;
    this.heads.insert(provider, { bps, count });
    this.keep(provider, { bps, history, count, legacy: false });
    return { bps, history };
  }

  private load(provider: string): Loaded {
    const cached = this.cache.get(provider);
    if (cached !== undefined) return cached;
    const head = this.heads.get(provider);
    let loaded: Loaded;
    if (head !== undefined) {
      const bytes: Uint8Array[] = [];
      const first = head.count > HISTORY_LIMIT ? head.count - BigInt(HISTORY_LIMIT) : 0n;
      for (let n = first; n < head.count; n++) bytes.push(this.changes.get(changeKey(provider, n))!);
      loaded = { bps: head.bps, history: decodeChanges(bytes), count: head.count, legacy: false };
    } else {
      const old = this.legacy.get(provider);
      loaded =
        old === undefined
          ? { ...INITIAL_REPUTATION, count: 0n, legacy: false }
          : { ...old, count: BigInt(old.history.length), legacy: true };
    }
    this.keep(provider, loaded);
    return loaded;
  }

  private keep(provider: string, loaded: Loaded): void {
    if (this.cache.size >= KEPT && !this.cache.has(provider)) this.cache.clear();
    this.cache.set(provider, loaded);
  }
}
