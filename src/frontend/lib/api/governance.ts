// The governance canister's calls, one function each.
import type { Principal } from '@dfinity/principal';

import type { Ballot, Lock, Proposal, ProposalRequest, Result, Settings } from '../../../../canisters/governance/types';
import { opt } from '../format/misc';
import type { Actors } from './actors';

export const settings = (a: Actors): Promise<Settings> => a.governance.settings();
export const listProposals = (a: Actors, offset: bigint, limit: number): Promise<Proposal[]> => a.governance.list_proposals(offset, limit);
export const createProposal = (a: Actors, request: ProposalRequest): Promise<Result<Proposal>> => a.governance.create_proposal(request);
export const vote = (a: Actors, id: bigint, yes: boolean): Promise<Result<Proposal>> => a.governance.vote(id, yes);
export const ballotOf = async (a: Actors, id: bigint, voter: Principal): Promise<Ballot | undefined> =>
  opt(await a.governance.ballot_of(id, voter));
export const lockTokens = (a: Actors, amount: bigint): Promise<Result<Lock>> => a.governance.lock_tokens(amount);
export const unlockTokens = (a: Actors): Promise<Result<bigint>> => a.governance.unlock_tokens();
export const lockOf = async (a: Actors, holder: Principal): Promise<Lock | undefined> => opt(await a.governance.lock_of(holder));
export const executeProposal = (a: Actors, id: bigint): Promise<Result<Proposal>> => a.governance.execute_proposal(id);
