// The pages' loader keeps only the newest read's answer: a slow read started before a faster one (the session
// changed, a filter changed, an action reloaded) must not overwrite what the newer one showed.
import { describe, expect, it } from 'vitest';

import { latestOnly } from '../../../src/frontend/lib/stores/latest';

/** A read whose answers the test releases in the order it chooses. */
function controlledRead() {
  const pending = new Map<string, (value: string) => void>();
  const read = (input: string) => new Promise<string>((resolve) => pending.set(input, resolve));
  return { read, answer: (input: string) => pending.get(input)!(`answer to ${input}`) };
}

describe('latestOnly', () => {
  it('drops the answer of a read overtaken by a newer one, whichever finishes first', async () => {
    const { read, answer } = controlledRead();
    const kept: string[] = [];
    const run = latestOnly(read, (value: string) => kept.push(value));
    const old = run('old session');
    const fresh = run('new session');
    answer('new session');
    await fresh;
    answer('old session');
    await old;
    expect(kept).toEqual(['answer to new session']);
  });

  it('keeps each answer when the reads do not overlap', async () => {
    const { read, answer } = controlledRead();
    const kept: string[] = [];
    const run = latestOnly(read, (value: string) => kept.push(value));
    const first = run('first');
    answer('first');
    await first;
    const second = run('second');
    answer('second');
    await second;
    expect(kept).toEqual(['answer to first', 'answer to second']);
  });
});
