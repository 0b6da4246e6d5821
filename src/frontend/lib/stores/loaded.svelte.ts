// A page's data from the canisters, as every page reads it: undefined while loading, then a value or a sentence.
// It is read when the page opens, again whenever what `inputs` reads changes (the session's actors, the principal, a
// filter), and on reload() after an action.
import { untrack } from 'svelte';

import type { Outcome } from '../services/outcome';
import { latestOnly } from './latest';

export type Loaded<T> = {
  /** undefined while the first read (or, with `clear`, any read) is under way. */
  readonly current: Outcome<T> | undefined;
  /** Whether a read is under way. */
  readonly loading: boolean;
  /** Reads again with the inputs as they are now; nothing when one is missing. */
  reload: () => Promise<void>;
};

/**
 * `inputs` returns what the read needs, or undefined while something is missing (no session yet, logged out): then
 * nothing is read and the page keeps what it shows. With `clear`, the page shows its loading state during each read
 * instead of the previous answer.
 */
export function loaded<I, T>(
  inputs: () => I | undefined,
  read: (input: I) => Promise<Outcome<T>>,
  { clear = false }: { clear?: boolean } = {},
): Loaded<T> {
  let current: Outcome<T> | undefined = $state();
  let pending = $state(0);
  const run = latestOnly(
    async (input: I) => {
      pending += 1;
      try {
        return await read(input);
      } finally {
        pending -= 1;
      }
    },
    (value: Outcome<T>) => (current = value),
  );

  async function load(input: I | undefined) {
    if (input === undefined) return;
    if (clear) current = undefined;
    await run(input);
  }

  $effect(() => {
    const input = inputs();
    untrack(() => void load(input));
  });

  return {
    get current() {
      return current;
    },
    get loading() {
      return pending > 0;
    },
    reload: () => load(untrack(inputs)),
  };
}
