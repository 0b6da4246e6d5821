// The analytics canister's calls, one function each.
import type { Principal } from '@dfinity/principal';

import type { AccountFlows } from '../../../../canisters/analytics/accounts';
import type { Dimension } from '../../../../canisters/analytics/dimensions';
import type { Flows, Leaderboard, LeaderboardQuery, Point, Result, TimeRange } from '../../../../canisters/analytics/queries';
import type { Summary } from '../../../../canisters/analytics/stats';
import { opt } from '../format/misc';
import type { Actors } from './actors';

export const summary = (a: Actors, dimension: Dimension, range: TimeRange): Promise<Result<Summary>> =>
  a.analytics.summary(dimension, range);
export const series = (a: Actors, dimension: Dimension, range: TimeRange): Promise<Result<Point[]>> => a.analytics.series(dimension, range);
export const leaderboard = (a: Actors, query: LeaderboardQuery): Promise<Result<Leaderboard>> => a.analytics.leaderboard(query);
export const flows = (a: Actors, range: TimeRange): Promise<Result<Flows>> => a.analytics.flows(range);
export const accountFlows = async (a: Actors, owner: Principal): Promise<AccountFlows | undefined> =>
  opt(await a.analytics.account_flows(owner));
