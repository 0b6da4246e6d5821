import { Skeleton } from '../shared/skeleton';

// The verification canister, a skeleton until its domain lands.
export default class extends Skeleton {
  constructor() {
    super('verification');
  }
}
