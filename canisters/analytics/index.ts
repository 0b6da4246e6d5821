// The analytics canister: candid glue around the buckets (buckets.ts), the event intake (ingest.ts) and the dashboard
// queries (queries.ts). The reporting canisters send events one way; a timer rolls minutes up into hours and days.
import { IDL, init, inspectMessage, msgArgData, msgCaller, postUpgrade, Principal, setTimerInterval, time } from 'azle';

import { requireSignedCaller } from '../shared/caller';
import { decodeOptionalArg } from '../shared/init_arg';
import { claimAdmin, ClaimAdminResult } from '../shared/admin_claim';
import { acceptIngress } from '../shared/inspect';
import { query, update } from '../shared/methods';
import { versionOf } from '../shared/version';
import { AccountFlows, AccountRole, Accounts, rankedBy } from './accounts';
import { Buckets } from './buckets';
import { Dimension } from './dimensions';
import { Event, MAX_BATCH, type Event as EventT } from './events';
import { ingest } from './ingest';
import { checkPage, Flows, flows, Leaderboard, leaderboard, LeaderboardQuery, Point, Result, series, summary, TimeRange } from './queries';
import { InitArg, initialSettings, MAX_REPORTERS, mayAdminister, mayReport, Settings } from './settings';
import { Summary } from './stats';
import { hasSettings, stableAccounts, stableBuckets, stableJobs, stableSettings, stableWatermarks } from './storage';

// Closed minutes are rolled up into hours (and hours into days) this often.
const ROLL_UP_INTERVAL_S = 60;

const AccountPage = IDL.Record({ accounts: IDL.Vec(AccountFlows), total: IDL.Nat64 });
type AccountPage = { accounts: AccountFlows[]; total: bigint };
const Status = IDL.Record({ buckets: IDL.Nat64, minutes_rolled_until: IDL.Nat64, hours_rolled_until: IDL.Nat64 });
type Status = { buckets: bigint; minutes_rolled_until: bigint; hours_rolled_until: bigint };

type R<T> = { Ok: T } | { Err: { Unauthorized: string } | { InvalidInput: string } };

export default class {
  // Heap copies of the bounded state, built from stable memory in init and postUpgrade and written through.
  buckets!: Buckets;
  accounts!: Accounts;

  @init([IDL.Opt(InitArg)], { manual: true })
  init(): void {
    stableSettings.put(initialSettings(decodeOptionalArg<InitArg>(InitArg, msgArgData()), msgCaller()));
    this.load();
  }

  // The settings survive upgrades and change through set_reporters; the argument counts only when there are none
  // (an upgrade from the skeleton this canister was before).
  @postUpgrade([IDL.Opt(InitArg)], { manual: true })
  postUpgrade(): void {
    if (!hasSettings()) stableSettings.put(initialSettings(decodeOptionalArg<InitArg>(InitArg, msgArgData()), msgCaller()));
    this.load();
  }

  private load(): void {
    this.buckets = new Buckets(stableBuckets, stableBuckets.all(), stableWatermarks.get());
    this.accounts = new Accounts(stableAccounts, stableAccounts.all());
    // Timers do not survive an upgrade: postUpgrade arms the roll-up again through here.
    setTimerInterval(ROLL_UP_INTERVAL_S, () => stableWatermarks.put(this.buckets.rollUp(time())));
  }

  // Anonymous or oversized ingress would only trap or be refused after it ran; refuse it before induction instead.
  @inspectMessage({ manual: true })
  inspect(): boolean {
    return acceptIngress();
  }

  @query([], IDL.Text)
  version(): string {
    return versionOf('analytics');
  }

  @query([], Settings)
  settings(): Settings {
    return stableSettings.get();
  }

  /** Names the canisters whose events are accepted (the marketplace, payment, the bridge, verification). Admin only. */
  @update([IDL.Vec(IDL.Principal)], Result(Settings))
  set_reporters(reporters: Principal[]): R<Settings> {
    requireSignedCaller();
    const current = stableSettings.get();
    const refused = mayAdminister(current, msgCaller());
    if (refused !== undefined) return { Err: { Unauthorized: refused } };
    if (reporters.length > MAX_REPORTERS) return { Err: { InvalidInput: `reporters: at most ${MAX_REPORTERS}` } };
    const next = { ...current, reporters };
    stableSettings.put(next);
    return { Ok: next };
  }

  /** A controller (governance, after the hand-over) becomes the admin. */
  @update([], ClaimAdminResult)
  claim_admin(): ClaimAdminResult {
    return claimAdmin((admin) => stableSettings.put({ ...stableSettings.get(), admin }));
  }

  /** Events from a reporting canister, usually one per call and sent one way; returns how many were recorded. */
  @update([IDL.Vec(Event)], Result(IDL.Nat32))
  record(events: EventT[]): R<number> {
    requireSignedCaller();
    const refused = mayReport(stableSettings.get(), msgCaller());
    if (refused !== undefined) return { Err: { Unauthorized: refused } };
    if (events.length > MAX_BATCH) return { Err: { InvalidInput: `events: at most ${MAX_BATCH} per call` } };
    const sinks = { buckets: this.buckets, accounts: this.accounts, jobs: stableJobs };
    for (const event of events) ingest(event, sinks);
    return { Ok: events.length };
  }

  /** One dimension's figures over a range, merged. */
  @query([Dimension, TimeRange], Result(Summary))
  summary(dimension: Dimension, range: TimeRange): R<Summary> {
    return summary(this.buckets, dimension, range);
  }

  /** One dimension's buckets over a range that hold anything, oldest first: the points of a dashboard chart. */
  @query([Dimension, TimeRange], Result(IDL.Vec(Point)))
  series(dimension: Dimension, range: TimeRange): R<Point[]> {
    return series(this.buckets, dimension, range);
  }

  /** Models, providers or regions ranked by a metric over a range, a page at a time. */
  @query([LeaderboardQuery], Result(Leaderboard))
  leaderboard(request: LeaderboardQuery): R<Leaderboard> {
    return leaderboard(this.buckets, request);
  }

  /** Where the tokens of the escrows closed over a range went: providers, creators, treasury, ledger fees, refunds. */
  @query([TimeRange], Result(Flows))
  flows(range: TimeRange): R<Flows> {
    return flows(this.buckets, range);
  }

  /** An account's token flows, all time. */
  @query([IDL.Principal], IDL.Opt(AccountFlows))
  account_flows(owner: Principal): [] | [AccountFlows] {
    const found = this.accounts.get(owner);
    return found === undefined ? [] : [found];
  }

  /** The accounts of a role ranked by what they paid (consumers) or were credited (payees), a page at a time. */
  @query([AccountRole, IDL.Nat32, IDL.Nat32], Result(AccountPage))
  top_accounts(role: AccountRole, offset: number, limit: number): R<AccountPage> {
    const problem = checkPage(offset, limit);
    if (problem !== undefined) return { Err: { InvalidInput: problem } };
    return { Ok: this.accounts.top(rankedBy(role), offset, limit) };
  }

  /** How many buckets are kept and up to where the roll-up has gone. */
  @query([], Status)
  status(): Status {
    const marks = this.buckets.watermarks();
    return { buckets: BigInt(this.buckets.size()), minutes_rolled_until: marks.minute, hours_rolled_until: marks.hour };
  }
}
