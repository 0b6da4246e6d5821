// claim_admin, the one step of the hand-over to governance that each canister takes itself: a controller of the
// canister becomes its admin. Controllers can already replace the canister's code, so this grants them nothing new;
// it lets governance, once a controller, take the admin role with one call per canister, and once governance has
// removed the deployer from the controllers, nobody else can. Glue: imports azle.
import { isController, msgCaller, Principal } from 'azle';

import { ClaimAdminResult } from './admin_claim_types';

export { ClaimAdminResult };

/** Makes the caller the admin through `setAdmin` when it controls this canister. */
export function claimAdmin(setAdmin: (admin: Principal) => void): ClaimAdminResult {
  const caller = msgCaller();
  if (caller.isAnonymous() || !isController(caller))
    return { Err: { Unauthorized: 'only a controller of this canister may claim its admin role' } };
  setAdmin(caller);
  return { Ok: caller };
}
