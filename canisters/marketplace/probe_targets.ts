// Which nodes the bridge probes: those in active offers of matchable (certified, staked) providers, the offers on
// the index's ladders. A stranger's nodes, endpoints and offers are never on them, so junk adds nothing to a probe
// round. Pure: the book comes in.
import type { Principal } from '@dfinity/principal';

import type { OfferBook } from './offers';

/**
 * The most nodes one reply names. Matchable providers are few, since each bonds the minimum stake, so the cap only
 * keeps the reply (and the bridge's outcalls a round) bounded: past it, later offers' nodes go unprobed.
 */
export const MAX_PROBE_TARGETS = 1_000;
/** The most offers one call walks (a provider may list one node on many offers), so its cost is bounded too. */
export const PROBE_WALK = 4_096;

/** Each node of an offer on the ladders once, in the order the offers went on, at most MAX_PROBE_TARGETS. */
export function probeTargets(book: OfferBook): Principal[] {
  const seen = new Set<string>();
  const nodes: Principal[] = [];
  let walked = 0;
  for (const id of book.index.rankedOffers()) {
    if (walked++ >= PROBE_WALK) break;
    for (const node of book.get(id)!.terms.nodes) {
      if (nodes.length >= MAX_PROBE_TARGETS) return nodes;
      const key = node.toHex();
      if (seen.has(key)) continue;
      seen.add(key);
      nodes.push(node);
    }
  }
  return nodes;
}
