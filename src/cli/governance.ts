// Governance on the command line: make a proposal (its deposit approved first), vote on one, list them.
import type { Action, Proposal } from '../../canisters/governance/types';
import { escrowCharges } from '../sdk/charges';
import { ok } from '../sdk/errors';
import { approveArgs } from '../sdk/ledger_args';
import type { Connection } from './connect';
import { at } from './time';
import { token, type Token } from './token';

/** The actions a proposal from the command line may carry; the rest (upgrades, spending, parameters) need the app. */
export const ACTIONS: Record<string, Action> = {
  text: { text: null },
  'pause-intake': { set_job_intake_paused: true },
  'resume-intake': { set_job_intake_paused: false },
};

function describe(p: Proposal, t: Token): string {
  const { yes, no, total_power } = p.tally;
  return `proposal ${p.id} (${Object.keys(p.state)[0]}): ${JSON.stringify(p.summary)}, ${Object.keys(p.action)[0]}; yes ${t.amount(yes)}, no ${t.amount(no)} of ${t.amount(total_power)}; voting ends ${at(p.voting_ends_at)}`;
}

/** Approves governance for the deposit plus the transfer fee, then proposes. The deposit comes back less a fee. */
export async function propose(c: Connection, summary: string, action: string): Promise<void> {
  // Own keys only: `in` would take `constructor` or `toString` for an action.
  if (!Object.hasOwn(ACTIONS, action)) throw new Error(`no action ${action}: one of ${Object.keys(ACTIONS).join(', ')}`);
  const t = await token(c);
  const governance = c.governance();
  const { params } = await governance.settings();
  const charges = escrowCharges(params.proposal_deposit, t.fee);
  ok('approve', await c.ledger.icrc2_approve(approveArgs(c.canister('governance'), charges.allowance)));
  const proposal = ok('create_proposal', await governance.create_proposal({ summary, action: ACTIONS[action] }));
  console.log(`${describe(proposal, t)}; deposit ${t.amount(proposal.deposit)}`);
}

export async function vote(c: Connection, id: string, choice: string): Promise<void> {
  if (choice !== 'yes' && choice !== 'no') throw new Error(`vote yes or no, not ${JSON.stringify(choice)}`);
  const t = await token(c);
  console.log(describe(ok('vote', await c.governance().vote(BigInt(id), choice === 'yes')), t));
}

export async function listProposals(c: Connection): Promise<void> {
  const t = await token(c);
  const proposals = await c.governance().list_proposals(0n, 100);
  if (proposals.length === 0) return console.log('no proposals');
  for (const p of proposals) console.log(describe(p, t));
}
