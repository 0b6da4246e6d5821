import { Skeleton } from '../shared/skeleton';

// The marketplace canister, a skeleton until its domain lands.
export default class extends Skeleton {
  constructor() {
    super('marketplace');
  }
}
