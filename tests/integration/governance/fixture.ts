// The suite deployed as `npm start` deploys it, with governance, and handed over to governance by the deployer's one
// bootstrap call; and the steps of a proposal's life the governance tests share: the deposit, votes and the clock
// moved past the vote and the timelock.
import type { Principal } from '@dfinity/principal';

import { DEFAULT_PARAMS } from '../../../canisters/governance/params';
import { NO_CHANGES } from '../../../canisters/identity/settings';
import type { Proposal, ProposalRequest } from '../../../canisters/governance/types';
import type { LocalNetwork } from '../../../src/localnet/index.js';
import type { GovernanceService } from '../../../src/sdk/governance';
import { FEE, NAMES, approve, deployEconomy, mint, ok, type CanisterName, type Economy } from '../economy/suite';
import { randomUser } from '../localnet/probe';

export type Governed = Economy & { governance: GovernanceService };

export const DEPOSIT = DEFAULT_PARAMS.proposal_deposit;
const NS_PER_MS = 1_000_000n;
export const VOTING_MS = Number(DEFAULT_PARAMS.voting_period_ns / NS_PER_MS);
export const TIMELOCK_MS = Number(DEFAULT_PARAMS.timelock_ns / NS_PER_MS);

/** Deploys `names` and governance, lets `prepare` act as the deployer, names a certifier, then bootstraps. */
export async function deployGoverned(
  network: LocalNetwork,
  deployer: Principal,
  names: CanisterName[] = [...NAMES, 'verification'],
  prepare: (e: Governed) => Promise<void> = async () => undefined,
): Promise<Governed> {
  const e = (await deployEconomy(network, deployer, [...names, 'governance'])) as Governed;
  await prepare(e);
  // The hand-over takes the deployer off identity's certifiers; one it named before stays, so providers onboard after.
  const certifier = randomUser();
  e.identity.setPrincipal(deployer);
  ok(await e.identity.update_settings({ ...NO_CHANGES, certifiers: [[deployer, certifier]] }));
  e.governance.setPrincipal(deployer);
  ok(await e.governance.bootstrap());
  e.certifier = certifier;
  return e;
}

/** Funds `proposer` with exactly the deposit and the two fees (approve, transfer_from) and makes the proposal. */
export async function propose(e: Governed, proposer: Principal, request: ProposalRequest): Promise<Proposal> {
  await mint(e, proposer, DEPOSIT + 2n * FEE);
  await approve(e, proposer, e.ids.governance, DEPOSIT + FEE);
  e.governance.setPrincipal(proposer);
  return ok(await e.governance.create_proposal(request));
}

export async function vote(e: Governed, voter: Principal, id: bigint, yes: boolean): Promise<Proposal> {
  e.governance.setPrincipal(voter);
  return ok(await e.governance.vote(id, yes));
}

/** Locks `amount` of freshly minted tokens for `holder` (who pays the approve and transfer_from fees). */
export async function lockTokens(e: Governed, holder: Principal, amount: bigint): Promise<void> {
  await mint(e, holder, amount + 2n * FEE);
  await approve(e, holder, e.ids.governance, amount + FEE);
  e.governance.setPrincipal(holder);
  ok(await e.governance.lock_tokens(amount));
}

/** Moves the clock by `ms` and lets governance's timer (and everything else due) run. */
export async function elapse(e: Governed, ms: number): Promise<void> {
  await e.network.advanceTime(ms);
  await e.network.tick(2);
}

export async function proposal(e: Governed, id: bigint): Promise<Proposal> {
  const [found] = await e.governance.get_proposal(id);
  if (found === undefined) throw new Error(`no proposal ${id}`);
  return found;
}

export const stateOf = (p: Proposal): string => Object.keys(p.state)[0];
