import { IDL, init, query, update } from 'azle';

import { requireSignedCaller } from '../shared/caller';
import { versionOf } from '../shared/version';

// Skeleton of the bridge canister: enough to build, deploy and call it until its domain lands.
export default class {
  // Heap only: a smoke-test value that an upgrade is expected to reset.
  counter = 0n;

  // Declared with no arguments so the interface already has an init; peers will arrive here later.
  @init([])
  init(): void {}

  @query([], IDL.Text)
  version(): string {
    return versionOf('bridge');
  }

  @update([], IDL.Nat)
  increment(): bigint {
    requireSignedCaller();
    return ++this.counter;
  }

  @query([], IDL.Nat)
  get(): bigint {
    return this.counter;
  }
}
