// The lock-before-await rule for escrows. The glue takes the lock on a consumer's allowance to this canister
// before it awaits anything on the ledger (an allowance read, transfer_from) and releases it after committing
// the outcome, so a second submission over the same allowance is refused with AllowanceBusy instead of acting
// on a read the first one is about to make stale. The table lives on the heap: an upgrade waits for every
// call in flight to finish, so no lock outlives one.
import { accountKey } from '../ledger/accounts';
import type { Account } from '../ledger/types';
import type { Store } from './store';
import type { JobId, Result } from './types';

export function allowanceKey(consumer: Account, spender: Account): string {
  return `${accountKey(consumer)}>${accountKey(spender)}`;
}

export class AllowanceLocks {
  constructor(private readonly holders: Store<string, JobId> = new Map()) {}

  take(consumer: Account, spender: Account, jobId: JobId): Result<null> {
    const key = allowanceKey(consumer, spender);
    const holder = this.holders.get(key);
    if (holder !== undefined) return { Err: { AllowanceBusy: { job_id: holder } } };
    this.holders.set(key, jobId);
    return { Ok: null };
  }

  /** Releases the lock if `jobId` holds it; another job's lock stays. */
  release(consumer: Account, spender: Account, jobId: JobId): void {
    const key = allowanceKey(consumer, spender);
    if (this.holders.get(key) === jobId) this.holders.delete(key);
  }

  holder(consumer: Account, spender: Account): JobId | undefined {
    return this.holders.get(allowanceKey(consumer, spender));
  }
}
