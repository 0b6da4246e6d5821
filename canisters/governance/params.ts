// Governance's parameters: their defaults and the bounds a proposal to change them must respect. Pure: no 'azle'.
import type { Params } from './types';

export const BPS = 10_000;
const SECOND = 1_000_000_000n;
const HOUR = 3_600n * SECOND;
const DAY = 24n * HOUR;

export const DEFAULT_PARAMS: Params = {
  voting_period_ns: 3n * DAY,
  quorum_bps: 2_000,
  adoption_threshold_bps: 5_000,
  timelock_ns: DAY,
  // One token at 8 decimals: enough to make spam cost something, little enough for any holder to propose.
  proposal_deposit: 100_000_000n,
  lock_period_ns: 7n * DAY,
};

// A vote shorter than an hour or a timelock shorter than a minute would let a proposal pass before anyone notices.
const MIN_VOTING_PERIOD_NS = HOUR;
const MIN_TIMELOCK_NS = 60n * SECOND;
const MAX_PERIOD_NS = 365n * DAY;

/** The first problem with a set of parameters, or undefined when they are valid. */
export function checkParams(p: Params): string | undefined {
  if (p.voting_period_ns < MIN_VOTING_PERIOD_NS || p.voting_period_ns > MAX_PERIOD_NS) return 'voting_period_ns: from one hour to one year';
  if (p.quorum_bps < 1 || p.quorum_bps > BPS) return `quorum_bps: from 1 to ${BPS}`;
  // Below one half, two contradictory proposals could both be adopted.
  if (p.adoption_threshold_bps < BPS / 2 || p.adoption_threshold_bps >= BPS) return `adoption_threshold_bps: from ${BPS / 2} to ${BPS - 1}`;
  if (p.timelock_ns < MIN_TIMELOCK_NS || p.timelock_ns > MAX_PERIOD_NS) return 'timelock_ns: from one minute to one year';
  // Power that can leave before a vote it counted in has ended would vote without a stake in the outcome.
  if (p.lock_period_ns < p.voting_period_ns || p.lock_period_ns > MAX_PERIOD_NS)
    return 'lock_period_ns: at least the voting period, at most one year';
}
