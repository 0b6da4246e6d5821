// The verification canister's calls, one function each.
import type { Verdict } from '../../../../canisters/verification/types';
import { opt } from '../format/misc';
import type { Actors } from './actors';

export const verdictOf = async (a: Actors, jobId: bigint): Promise<Verdict | undefined> => opt(await a.verification.verdict_of(jobId));
