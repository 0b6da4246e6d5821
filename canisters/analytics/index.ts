import { Skeleton } from '../shared/skeleton';

// The analytics canister, a skeleton until its domain lands.
export default class extends Skeleton {
  constructor() {
    super('analytics');
  }
}
