// The life of a proposal: what may be proposed, a vote with power fixed at creation, the decision when the vote
// ends (with what becomes of the deposit), and when it may be executed. Pure: no 'azle' import; time and callers
// are arguments.
import type { Principal } from '@dfinity/principal';

import { checkSplit } from '../payment/config';
import { checkRoyaltyCap } from '../model_registry/validation';
import { spendResendable } from './ledger_legs';
import { BPS, checkParams } from './params';
import {
  ADMINISTERED,
  type Action,
  type Ballot,
  type Params,
  type Peers,
  type Proposal,
  type ProposalRequest,
  type Result,
  type Tally,
} from './types';

export const MAX_SUMMARY_CHARS = 4_000;

/** The administered canister with this id, if it is one. */
export function administeredName(peers: Peers, canister: Principal): string | undefined {
  return ADMINISTERED.find((name) => peers[name][0]?.toText() === canister.toText());
}

/** Why an action cannot be proposed with these peers, or undefined. Targets check again when it executes. */
export function checkAction(action: Action, peers: Peers): string | undefined {
  if ('set_parameter' in action) {
    const p = action.set_parameter;
    if ('fee_split' in p) return checkSplit(p.fee_split);
    if ('audit_rate_bps' in p && p.audit_rate_bps > BPS) return `audit_rate_bps: at most ${BPS}`;
    if ('slash_rate_bps' in p && p.slash_rate_bps > BPS) return `slash_rate_bps: at most ${BPS}`;
    if ('royalty_cap_bps' in p) return checkRoyaltyCap(p.royalty_cap_bps);
    if ('certifiers' in p && p.certifiers.some((c) => c.isAnonymous())) return 'certifiers: the anonymous principal cannot certify';
    if ('governance' in p) return checkParams(p.governance);
    // Governance stays identity's admin: only an upgrade may change who administers a canister.
    if ('identity_settings' in p && p.identity_settings.admin.length > 0) return 'identity_settings: the admin is not a setting';
    if ('payment_config' in p) return checkSplit(p.payment_config.split);
    return undefined;
  }
  if ('upgrade_canister' in action) {
    const { canister, wasm_sha256 } = action.upgrade_canister;
    if (wasm_sha256.length !== 32) return 'wasm_sha256: 32 bytes';
    if (administeredName(peers, canister) === undefined) return 'canister: not one of the canisters governance administers';
    return undefined;
  }
  const spend = 'spend_treasury' in action ? action.spend_treasury : 'spend_reserve' in action ? action.spend_reserve : undefined;
  if (spend !== undefined) {
    if (spend.amount === 0n) return 'amount: more than zero';
    if (spend.to.owner.isAnonymous()) return 'to: not the anonymous principal';
  }
  return undefined;
}

export function checkRequest(request: ProposalRequest, peers: Peers): string | undefined {
  if (request.summary.trim().length === 0) return 'summary: say what is proposed and why';
  if (request.summary.length > MAX_SUMMARY_CHARS) return `summary: at most ${MAX_SUMMARY_CHARS} characters`;
  return checkAction(request.action, peers);
}

/** An open proposal; quorum, threshold and timelock are copied from the parameters in force now. */
export function openProposal(
  id: bigint,
  proposer: Principal,
  request: ProposalRequest,
  params: Params,
  now: bigint,
  totalPower: bigint,
): Proposal {
  return {
    id,
    proposer,
    summary: request.summary,
    action: request.action,
    created_at: now,
    voting_ends_at: now + params.voting_period_ns,
    quorum_bps: params.quorum_bps,
    adoption_threshold_bps: params.adoption_threshold_bps,
    timelock_ns: params.timelock_ns,
    tally: { yes: 0n, no: 0n, total_power: totalPower },
    state: { open: null },
    deposit: params.proposal_deposit,
    deposit_state: { held: null },
    decided_at: [],
    executable_at: [],
  };
}

/** The proposal and ballot after the ballot's owner votes `yes` (true) or no. */
export function castVote(
  proposal: Proposal,
  ballot: Ballot | undefined,
  yes: boolean,
  now: bigint,
): Result<{ proposal: Proposal; ballot: Ballot }> {
  if (!('open' in proposal.state) || now >= proposal.voting_ends_at) return { Err: { VotingClosed: null } };
  if (ballot === undefined || ballot.power === 0n) return { Err: { NoVotingPower: null } };
  if (ballot.vote.length === 1) return { Err: { AlreadyVoted: null } };
  const tally: Tally = yes
    ? { ...proposal.tally, yes: proposal.tally.yes + ballot.power }
    : { ...proposal.tally, no: proposal.tally.no + ballot.power };
  return { Ok: { proposal: { ...proposal, tally }, ballot: { ...ballot, vote: [yes] } } };
}

export function quorumReached(tally: Tally, quorumBps: number): boolean {
  return tally.total_power > 0n && (tally.yes + tally.no) * BigInt(BPS) >= tally.total_power * BigInt(quorumBps);
}

export function adopted(tally: Tally, quorumBps: number, thresholdBps: number): boolean {
  return quorumReached(tally, quorumBps) && tally.yes * BigInt(BPS) > (tally.yes + tally.no) * BigInt(thresholdBps);
}

/**
 * The decision once the vote has ended, or undefined while it runs (or was decided before). Adopted proposals wait
 * out the timelock. The deposit goes back when the proposal was adopted or reached quorum, and is burned when it was
 * rejected without reaching quorum (spam nobody took the trouble to vote on).
 */
export function decide(proposal: Proposal, now: bigint): Proposal | undefined {
  if (!('open' in proposal.state) || now < proposal.voting_ends_at) return undefined;
  const { tally, quorum_bps, adoption_threshold_bps } = proposal;
  const yes = adopted(tally, quorum_bps, adoption_threshold_bps);
  return {
    ...proposal,
    state: yes ? { adopted: null } : { rejected: null },
    deposit_state: yes || quorumReached(tally, quorum_bps) ? { returning: null } : { burning: null },
    decided_at: [now],
    executable_at: yes ? [proposal.voting_ends_at + proposal.timelock_ns] : [],
  };
}

/**
 * How long after its timelock a failed execution may be retried. Past it the decision is stale (the treasury may
 * have refilled, a later proposal may have changed the same parameter), so it needs a new proposal.
 */
export const RETRY_WINDOW_NS = 7n * 24n * 3_600n * 1_000_000_000n;

/** Why a failed reserve spend is not sent again once the ledger can no longer deduplicate its payment. */
export const SPEND_PAST_DEDUP_WINDOW =
  'its payment was first tried more than 24 hours ago with an unknown outcome; the ledger no longer recognises it, so a resend would be refused and a new payment could pay twice: ' +
  'check the recipient’s balance and propose it again if it was not paid';

/**
 * Why the proposal cannot be executed now, or undefined: adopted (or failed, within the retry window) and past its
 * timelock. `spendSentAt`: when a reserve spend's payment was first tried (ledger_legs.ts spendResendable), if it was.
 */
export function whyNotExecutable(proposal: Proposal, now: bigint, spendSentAt?: bigint): string | undefined {
  if (!('adopted' in proposal.state) && !('failed' in proposal.state)) return `the proposal is ${Object.keys(proposal.state)[0]}`;
  const at = proposal.executable_at[0];
  if (at === undefined || now < at) return `the timelock runs until ${at}`;
  if ('failed' in proposal.state && now > at + RETRY_WINDOW_NS) return 'its failed execution can no longer be retried: propose it again';
  if ('failed' in proposal.state && spendSentAt !== undefined && !spendResendable(spendSentAt, now)) return SPEND_PAST_DEDUP_WINDOW;
  return undefined;
}

/**
 * A failed reserve spend whose payment is past the ledger's deduplication window, with that reason recorded (and the
 * last attempt's after it); undefined when it may still be retried or says so already.
 */
export function spendPastWindow(proposal: Proposal, now: bigint, spendSentAt: bigint | undefined): Proposal | undefined {
  if (!('failed' in proposal.state) || proposal.state.failed.reason.startsWith(SPEND_PAST_DEDUP_WINDOW)) return undefined;
  if (whyNotExecutable(proposal, now, spendSentAt) !== SPEND_PAST_DEDUP_WINDOW) return undefined;
  const { at, reason } = proposal.state.failed;
  return { ...proposal, state: { failed: { at, reason: `${SPEND_PAST_DEDUP_WINDOW} (last attempt: ${reason})` } } };
}

/** Whether the proposer may still upload Wasm for the proposal: while it is open or adopted, or failed and retryable. */
export function mayUploadWasm(proposal: Proposal, now: bigint): boolean {
  if ('open' in proposal.state || 'adopted' in proposal.state) return true;
  return 'failed' in proposal.state && whyNotExecutable(proposal, now) === undefined;
}

/**
 * Whether the proposal's uploaded Wasm may still be installed. Once it cannot (rejected, executed, or failed past
 * its retry window) the chunks are freed, so Wasm uploaded for proposals that were not adopted holds no memory.
 */
export function keepsWasm(proposal: Proposal, now: bigint): boolean {
  return 'executing' in proposal.state || mayUploadWasm(proposal, now);
}

/** How long the timer waits after a spend's failed execution before trying it again. */
export const SPEND_RETRY_NS = 3_600n * 1_000_000_000n;

/**
 * Whether the timer executes the proposal now: adopted and past its timelock, or a spend (treasury or reserve) whose
 * execution failed an hour or more ago and may still be retried, so a payout that failed while the ledger or payment
 * was down is paid without anyone calling execute_proposal; other failures wait for execute_proposal. A failed reserve
 * spend may have paid (a call failure's outcome is unknown), so it resends the same payment, which the ledger
 * deduplicates, and only inside its window (`spendSentAt`, as whyNotExecutable).
 */
export function dueForExecution(proposal: Proposal, now: bigint, spendSentAt?: bigint): boolean {
  if (whyNotExecutable(proposal, now, spendSentAt) !== undefined) return false;
  if ('adopted' in proposal.state) return true;
  const spend = 'spend_treasury' in proposal.action || 'spend_reserve' in proposal.action;
  return spend && 'failed' in proposal.state && now - proposal.state.failed.at >= SPEND_RETRY_NS;
}
