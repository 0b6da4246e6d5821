// Governance from a token holder's side: proposals with their state and countdowns, creating one (its deposit
// approved first), votes, locks for voting power, the execution outcome, and the treasury and reserve balances.
import type { Principal } from '@dfinity/principal';

import type { Action, Ballot, Lock, Parameter, Proposal, Settings } from '../../../../canisters/governance/types';
import type { Actors } from '../api/actors';
import * as governanceApi from '../api/governance';
import * as identityApi from '../api/identity';
import * as ledgerApi from '../api/ledger';
import * as paymentApi from '../api/payment';
import { decodeAccount, toCandidAccount } from '../format/account';
import { parseAmount, type Token } from '../format/amount';
import { msToNs } from '../format/time';
import { escrowCharges, type Charges } from './jobs';
import { attempt, failure, fromResult, success, type Outcome } from './outcome';

/** The canister's page limit (MAX_PAGE in canisters/governance/index.ts). */
const PAGE = 100;

export type GovernanceView = {
  settings: Settings;
  proposals: Proposal[];
  ballots: Record<string, Ballot>;
  lock: Lock | undefined;
  /** The payment canister's treasury, owed to it there (governance spends it by proposal). */
  treasury: bigint;
  /** Governance's reserve on the ledger, where slashed stake goes. */
  reserve: bigint;
};

export async function loadGovernance(a: Actors, me: Principal | undefined, host?: string): Promise<Outcome<GovernanceView>> {
  return attempt(async () => {
    const [settings, paymentSettings, identitySettings, lock] = await Promise.all([
      governanceApi.settings(a),
      paymentApi.settings(a),
      identityApi.settings(a),
      me ? governanceApi.lockOf(a, me) : Promise.resolve(undefined),
    ]);
    const proposals: Proposal[] = [];
    for (;;) {
      const page = await governanceApi.listProposals(a, BigInt(proposals.length), PAGE);
      proposals.push(...page);
      if (page.length < PAGE) break;
    }
    const [treasury, reserve, ballots] = await Promise.all([
      paymentApi.owedOf(a, paymentSettings.config.treasury),
      ledgerApi.balanceOf(a, identitySettings.treasury),
      me
        ? Promise.all(proposals.map(async (p) => [p.id.toString(), await governanceApi.ballotOf(a, p.id, me)] as const))
        : Promise.resolve([] as (readonly [string, Ballot | undefined])[]),
    ]);
    const mine: Record<string, Ballot> = {};
    for (const [id, ballot] of ballots) if (ballot) mine[id] = ballot;
    return success({ settings, proposals: proposals.sort((x, y) => (x.id > y.id ? -1 : 1)), ballots: mine, lock, treasury, reserve });
  }, host);
}

export const stateName = (p: Proposal): string => Object.keys(p.state)[0];

/** Proposals in a status ('' for all). */
export const filterProposals = (proposals: Proposal[], status: string): Proposal[] =>
  status === '' ? proposals : proposals.filter((p) => stateName(p) === status);

/** What happens next to a proposal and when (ns), for its countdown. */
export function nextStep(p: Proposal): { what: string; at: bigint } | undefined {
  if ('open' in p.state) return { what: 'voting ends', at: p.voting_ends_at };
  if ('adopted' in p.state && p.executable_at.length === 1) return { what: 'executes', at: p.executable_at[0] };
  return undefined;
}

/** The share of the power snapshotted that voted, and the yes share of the votes, in bps. */
export function tallyBps(p: Proposal): { turnout: number; yes: number } {
  const cast = p.tally.yes + p.tally.no;
  return {
    turnout: p.tally.total_power === 0n ? 0 : Number((cast * 10_000n) / p.tally.total_power),
    yes: cast === 0n ? 0 : Number((p.tally.yes * 10_000n) / cast),
  };
}

export type ProposalKind =
  | 'text'
  | 'set_job_intake_paused'
  | 'spend_treasury'
  | 'spend_reserve'
  | 'audit_rate_bps'
  | 'slash_rate_bps'
  | 'royalty_cap_bps'
  | 'priority_surcharge_bps'
  | 'min_stake';

export const PROPOSAL_KINDS: Record<ProposalKind, string> = {
  text: 'A motion (nothing is executed)',
  set_job_intake_paused: 'Pause or resume new jobs',
  spend_treasury: 'Spend from the treasury',
  spend_reserve: 'Spend from the reserve',
  audit_rate_bps: 'Set the audit rate',
  slash_rate_bps: 'Set the slash rate',
  royalty_cap_bps: 'Set the royalty cap',
  priority_surcharge_bps: 'Set the priority surcharge',
  min_stake: 'Set the minimum stake',
};

export type ProposalForm = { kind: ProposalKind; summary: string; paused: boolean; amount: string; to: string; percent: string };

/** A proposal's action from the form (percentages as bps, amounts in base units, accounts as ICRC-1 text). */
export function proposalAction(form: ProposalForm, token: Token): Outcome<Action> {
  const percent = (): Outcome<number> => {
    const parsed = parseAmount(form.percent, 2, 'percent');
    return parsed.ok && parsed.value <= 10_000n ? success(Number(parsed.value)) : failure('The rate is a percentage from 0 to 100, with at most two decimals.');
  };
  const amount = (): Outcome<bigint> => {
    const parsed = parseAmount(form.amount, token.decimals, token.symbol);
    return parsed.ok ? success(parsed.value) : failure(parsed.error);
  };
  const parameter = (p: Parameter): Outcome<Action> => success({ set_parameter: p });
  switch (form.kind) {
    case 'text':
      return success({ text: null });
    case 'set_job_intake_paused':
      return success({ set_job_intake_paused: form.paused });
    case 'spend_treasury':
    case 'spend_reserve': {
      const value = amount();
      if (!value.ok) return value;
      const to = decodeAccount(form.to);
      if (!to.ok) return failure(`The recipient: ${to.error}`);
      const spend = { amount: value.value, to: toCandidAccount(to.account) };
      return success(form.kind === 'spend_treasury' ? { spend_treasury: spend } : { spend_reserve: spend });
    }
    case 'min_stake': {
      const value = amount();
      return value.ok ? parameter({ min_stake: value.value }) : value;
    }
    default: {
      const bps = percent();
      if (!bps.ok) return bps;
      if (form.kind === 'priority_surcharge_bps') return parameter({ priority_surcharge_bps: bps.value });
      return parameter({ [form.kind]: bps.value } as Parameter);
    }
  }
}

/** The deposit goes in by transfer_from, as a job's escrow does: approve deposit + fee, pay one approve fee. */
export const depositCharges = (deposit: bigint, fee: bigint): Charges => escrowCharges(deposit, fee);

export async function createProposal(a: Actors, summary: string, action: Action, charges: Charges, token: Token, host?: string, nowMs = Date.now()) {
  if (summary.trim() === '') return failure<Proposal>('Write a summary: it is what people vote on.');
  return attempt(async () => {
    const approved = fromResult('ledger', await ledgerApi.approve(a, a.ids.governance, charges.allowance, msToNs(nowMs)), { token });
    if (!approved.ok) return failure<Proposal>(`The approval failed, so no proposal was made. ${approved.error}`);
    return fromResult('governance', await governanceApi.createProposal(a, { summary: summary.trim(), action }), { token });
  }, host);
}

export const vote = (a: Actors, id: bigint, yes: boolean, host?: string) =>
  attempt(async () => fromResult('governance', await governanceApi.vote(a, id, yes)), host);

export async function lockTokens(a: Actors, charges: Charges, token: Token, host?: string, nowMs = Date.now()): Promise<Outcome<Lock>> {
  return attempt(async () => {
    const approved = fromResult('ledger', await ledgerApi.approve(a, a.ids.governance, charges.allowance, msToNs(nowMs)), { token });
    if (!approved.ok) return failure(`The approval failed, so nothing was locked. ${approved.error}`);
    return fromResult('governance', await governanceApi.lockTokens(a, charges.amount), { token });
  }, host);
}

export const unlockTokens = (a: Actors, token: Token, host?: string) =>
  attempt(async () => fromResult('governance', await governanceApi.unlockTokens(a), { token }), host);

export const executeProposal = (a: Actors, id: bigint, host?: string) =>
  attempt(async () => fromResult('governance', await governanceApi.executeProposal(a, id)), host);
