import { Skeleton } from '../shared/skeleton';

// The ledger canister, a skeleton until its domain lands.
export default class extends Skeleton {
  constructor() {
    super('ledger');
  }
}
