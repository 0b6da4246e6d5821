// Times as commands print them: the canisters count nanoseconds since the epoch, people read ISO dates.

export const at = (ns: bigint): string => new Date(Number(ns / 1_000_000n)).toISOString();
