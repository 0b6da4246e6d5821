import { Skeleton } from '../shared/skeleton';

// The bridge canister, a skeleton until its domain lands.
export default class extends Skeleton {
  constructor() {
    super('bridge');
  }
}
