import { Skeleton } from '../shared/skeleton';

// The governance canister, a skeleton until its domain lands.
export default class extends Skeleton {
  constructor() {
    super('governance');
  }
}
