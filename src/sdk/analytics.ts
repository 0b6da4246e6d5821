// The analytics canister's interface for agents: an idlFactory built from the canister's own type declarations
// (the build checks those against candid/analytics.did) and its TS shape. Used by the tests and dashboards.
import { IDL } from '@dfinity/candid';
import type { Principal } from '@dfinity/principal';

import { AccountFlows, AccountRole } from '../../canisters/analytics/accounts';
import type { AccountFlows as AccountFlowsT, AccountRole as AccountRoleT } from '../../canisters/analytics/accounts';
import { Dimension } from '../../canisters/analytics/dimensions';
import type { Dimension as DimensionT } from '../../canisters/analytics/dimensions';
import { Event } from '../../canisters/analytics/events';
import { ClaimAdminResult, type ClaimAdminResult as ClaimAdminResultT } from '../../canisters/shared/admin_claim_types';
import type { Event as EventT } from '../../canisters/analytics/events';
import { Flows, Leaderboard, LeaderboardQuery, Point, Result, TimeRange } from '../../canisters/analytics/queries';
import type {
  Flows as FlowsT,
  Leaderboard as LeaderboardT,
  LeaderboardQuery as LeaderboardQueryT,
  Point as PointT,
  Result as ResultT,
  TimeRange as TimeRangeT,
} from '../../canisters/analytics/queries';
import { Settings } from '../../canisters/analytics/settings';
import type { Settings as SettingsT } from '../../canisters/analytics/settings';
import { Summary } from '../../canisters/analytics/stats';
import type { Summary as SummaryT } from '../../canisters/analytics/stats';

const AccountPage = IDL.Record({ accounts: IDL.Vec(AccountFlows), total: IDL.Nat64 });
const Status = IDL.Record({ buckets: IDL.Nat64, minutes_rolled_until: IDL.Nat64, hours_rolled_until: IDL.Nat64 });

export const idlFactory: IDL.InterfaceFactory = () =>
  IDL.Service({
    version: IDL.Func([], [IDL.Text], ['query']),
    settings: IDL.Func([], [Settings], ['query']),
    set_reporters: IDL.Func([IDL.Vec(IDL.Principal)], [Result(Settings)], []),
    claim_admin: IDL.Func([], [ClaimAdminResult], []),
    record: IDL.Func([IDL.Vec(Event)], [Result(IDL.Nat32)], []),
    summary: IDL.Func([Dimension, TimeRange], [Result(Summary)], ['query']),
    series: IDL.Func([Dimension, TimeRange], [Result(IDL.Vec(Point))], ['query']),
    leaderboard: IDL.Func([LeaderboardQuery], [Result(Leaderboard)], ['query']),
    flows: IDL.Func([TimeRange], [Result(Flows)], ['query']),
    account_flows: IDL.Func([IDL.Principal], [IDL.Opt(AccountFlows)], ['query']),
    top_accounts: IDL.Func([AccountRole, IDL.Nat32, IDL.Nat32], [Result(AccountPage)], ['query']),
    status: IDL.Func([], [Status], ['query']),
  });

export type AnalyticsService = {
  version(): Promise<string>;
  settings(): Promise<SettingsT>;
  set_reporters(reporters: Principal[]): Promise<ResultT<SettingsT>>;
  claim_admin(): Promise<ClaimAdminResultT>;
  record(events: EventT[]): Promise<ResultT<number>>;
  summary(dimension: DimensionT, range: TimeRangeT): Promise<ResultT<SummaryT>>;
  series(dimension: DimensionT, range: TimeRangeT): Promise<ResultT<PointT[]>>;
  leaderboard(query: LeaderboardQueryT): Promise<ResultT<LeaderboardT>>;
  flows(range: TimeRangeT): Promise<ResultT<FlowsT>>;
  account_flows(owner: Principal): Promise<[] | [AccountFlowsT]>;
  top_accounts(role: AccountRoleT, offset: number, limit: number): Promise<ResultT<{ accounts: AccountFlowsT[]; total: bigint }>>;
  status(): Promise<{ buckets: bigint; minutes_rolled_until: bigint; hours_rolled_until: bigint }>;
};
