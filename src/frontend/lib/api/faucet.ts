// The faucet's calls (local and test networks), one function each; undefined where the network has no faucet.
import type { Principal } from '@dfinity/principal';

import type { Claimed, ClaimStatus, Result } from '../../../../canisters/faucet/types';
import type { Actors } from './actors';

export const claim = (a: Actors): Promise<Result<Claimed>> | undefined => a.faucet?.claim();
export const claimStatus = (a: Actors, who: Principal): Promise<ClaimStatus> | undefined => a.faucet?.claim_status(who);
