import { Skeleton } from '../shared/skeleton';

// The payment canister, a skeleton until its domain lands.
export default class extends Skeleton {
  constructor() {
    super('payment');
  }
}
