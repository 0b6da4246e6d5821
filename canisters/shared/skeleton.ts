import { IDL, init } from 'azle';

import { query, update } from './methods';
import { requireSignedCaller } from './caller';
import { versionOf } from './version';

/**
 * What every canister has until its domain lands: a version query and a counter, enough to build,
 * deploy and call it. Each canister extends it with its own name.
 */
export class Skeleton {
  // Heap only: a smoke-test value that an upgrade is expected to reset.
  counter = 0n;

  constructor(private readonly canisterName: string) {}

  // Declared with no arguments so the interface already has an init; peers will arrive here later.
  @init([])
  init(): void {}

  @query([], IDL.Text)
  version(): string {
    return versionOf(this.canisterName);
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
