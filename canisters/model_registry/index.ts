import { Skeleton } from '../shared/skeleton';

// The model_registry canister, a skeleton until its domain lands.
export default class extends Skeleton {
  constructor() {
    super('model_registry');
  }
}
