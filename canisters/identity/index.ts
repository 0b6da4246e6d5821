import { Skeleton } from '../shared/skeleton';

// The identity canister, a skeleton until its domain lands.
export default class extends Skeleton {
  constructor() {
    super('identity');
  }
}
