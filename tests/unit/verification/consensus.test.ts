import { describe, expect, it } from 'vitest';

import { embeddingsAgree, isAudited, rejudges, slashAmount, verdictOf, type ReplicaAnswer } from '../../../canisters/verification/consensus';
import { random } from '../../support/random';

const text = (node: string, hash: string): ReplicaAnswer => ({ node, output_sha256: hash });

describe('consensus over redundant answers', () => {
  it('delivers what the majority of three returned and names the one that lied', () => {
    expect(verdictOf([text('a', 'h1'), text('b', 'h2'), text('c', 'h1')])).toEqual({
      agreed: { output_sha256: 'h1', agreeing: ['a', 'c'], dissenting: ['b'] },
    });
    expect(verdictOf([text('a', 'h1'), text('b', 'h1')])).toEqual({
      agreed: { output_sha256: 'h1', agreeing: ['a', 'b'], dissenting: [] },
    });
    expect(verdictOf([text('a', 'h1')])).toEqual({ agreed: { output_sha256: 'h1', agreeing: ['a'], dissenting: [] } });
  });

  it('judges again only with every trusted replica and more outside auditors than replicas, so colluders lose', () => {
    expect(rejudges(['a', 'b'], ['a', 'b', 'x', 'y', 'z'])).toBe(true);
    expect(verdictOf([text('a', 'lie'), text('b', 'lie'), text('x', 'h'), text('y', 'h'), text('z', 'h')])).toEqual({
      agreed: { output_sha256: 'h', agreeing: ['x', 'y', 'z'], dissenting: ['a', 'b'] },
    });
    // Two auditors would only tie two colluders; leaving a replica out would spare it.
    expect(rejudges(['a', 'b'], ['a', 'b', 'x', 'y'])).toBe(false);
    expect(rejudges(['a', 'b'], ['a', 'x', 'y', 'z'])).toBe(false);
    expect(rejudges(['a'], ['a', 'x', 'y'])).toBe(true);
    // A verdict that trusted nobody (no majority) is not judged again this way.
    expect(rejudges([], ['x', 'y', 'z'])).toBe(false);
  });

  it('trusts nobody without a strict majority: a tie of two, or three different answers', () => {
    expect(verdictOf([text('a', 'h1'), text('b', 'h2')])).toEqual({ no_majority: { groups: [['a'], ['b']] } });
    expect(verdictOf([text('a', 'h1'), text('b', 'h2'), text('c', 'h3')])).toEqual({ no_majority: { groups: [['a'], ['b'], ['c']] } });
    expect(verdictOf([])).toEqual({ no_majority: { groups: [] } });
  });

  it('lets embeddings agree within the tolerance, not beyond it', () => {
    const base = Array.from({ length: 512 }, (_, i) => Math.sin(i));
    const jitter = base.map((x) => x + 1e-7);
    const wrong = base.map((x, i) => (i === 7 ? x + 0.01 : x));
    const answers = [
      { node: 'a', output_sha256: 'ha', vector: base },
      { node: 'b', output_sha256: 'hb', vector: jitter },
      { node: 'c', output_sha256: 'hc', vector: wrong },
    ];
    expect(verdictOf(answers, 1e-5)).toEqual({ agreed: { output_sha256: 'ha', agreeing: ['a', 'b'], dissenting: ['c'] } });
    expect(embeddingsAgree(base, [...base, 0], 1)).toBe(false);
    expect(embeddingsAgree([Number.NaN], [Number.NaN], 1)).toBe(false);
  });

  it.each([1, 2, 3])('never lets a minority win, whatever the answers (seed %i)', (seed) => {
    const next = random(seed);
    for (let i = 0; i < 500; i++) {
      const answers = Array.from({ length: 1 + Math.floor(next() * 3) }, (_, k) => text(`n${k}`, `h${Math.floor(next() * 2)}`));
      const verdict = verdictOf(answers);
      if ('agreed' in verdict) {
        expect(verdict.agreed.agreeing.length * 2).toBeGreaterThan(answers.length);
        expect(verdict.agreed.agreeing.length + verdict.agreed.dissenting.length).toBe(answers.length);
        for (const node of verdict.agreed.agreeing)
          expect(answers.find((a) => a.node === node)?.output_sha256).toBe(verdict.agreed.output_sha256);
      } else {
        for (const group of verdict.no_majority.groups) expect(group.length * 2).toBeLessThanOrEqual(answers.length);
      }
    }
  });

  it('slashes bps of the bonded stake, rounded down, and audits at the rate', () => {
    expect(slashAmount(1_000_000n, 1_000)).toBe(100_000n);
    expect(slashAmount(999n, 1_000)).toBe(99n);
    expect(() => slashAmount(1n, 10_001)).toThrow(/slash_bps/);
    expect(isAudited(999, 1_000)).toBe(true);
    expect(isAudited(1_000, 1_000)).toBe(false);
  });
});
