// Reports to the analytics canister, sent one way: the reporter neither waits for nor reads a reply, so analytics
// being slow, stopped, absent or refusing never blocks or fails a job. A send the system refuses at once (no
// cycles for it, a full queue) is dropped: analytics is best effort, and the job's own state is the record.
// The analytics canister's id comes from the reporter's init (or upgrade) argument and is kept in stable memory
// under `memoryId`, which each reporter lists among its own. Glue: imports azle.
import { call, IDL, Principal, StableBTreeMap } from 'azle';

import { Event } from '../analytics/events';
import { encodeCandid } from './candid_cache';

const Events = IDL.Vec(Event);

export function analyticsReporter(memoryId: number) {
  const stored = new StableBTreeMap<'analytics', Principal>(memoryId);
  // The heap copy saves a stable read per report; after an upgrade it fills on the first one.
  let peer: Principal | null | undefined;
  return {
    /** Names the analytics canister; an empty opt keeps the one named before. */
    name(analytics: [] | [Principal]): void {
      if (analytics.length === 0) return;
      stored.insert('analytics', analytics[0]);
      peer = analytics[0];
    },
    report(events: Event[]): void {
      if (peer === undefined) peer = stored.get('analytics') ?? null;
      if (peer === null) return;
      try {
        call(peer, 'record', { raw: true, args: encodeCandid([Events], [events]), oneway: true });
      } catch {
        // Dropped, as said above.
      }
    },
  };
}
