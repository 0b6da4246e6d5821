// Reads that may overlap (the session changes, a filter changes, an action reloads): only the newest one's answer
// is kept, so a slow older read cannot overwrite what a newer one showed.

/** `read` wrapped so that `keep` sees the answer of a call only when no later call has started meanwhile. */
export function latestOnly<I, T>(read: (input: I) => Promise<T>, keep: (value: T) => void): (input: I) => Promise<void> {
  let started = 0;
  return async (input) => {
    const mine = ++started;
    const value = await read(input);
    if (mine === started) keep(value);
  };
}
