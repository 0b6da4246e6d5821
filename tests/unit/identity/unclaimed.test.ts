// Issue 13, item 8: unclaimed node registrations are capped, counted by their index, and pruned once their code
// expires (lazily by register_node, and by the timer through pruneExpired), while a claimed node is never pruned.
import { describe, expect, it } from 'vitest';

import { MAX_UNCLAIMED_NODES } from '../../../canisters/identity/identity';
import { HARDWARE, PROVIDER, ok, randomUser, setup } from './fixtures';

const CODES = ['aaaa-0000', 'bbbb-1111', 'cccc-2222', 'dddd-3333'];

function withProvider() {
  const context = setup({ claim_code_ttl_ns: [1_000n] });
  const provider = randomUser();
  ok(context.identity.register(provider, 0n, PROVIDER));
  return { ...context, provider };
}

describe('unclaimed node registrations', () => {
  it(`refuses a new node past ${MAX_UNCLAIMED_NODES} waiting registrations; a registered one may register again`, () => {
    const { identity, tables, provider } = withProvider();
    // Strangers' registrations, as the index holds them, still valid long after the test's clock.
    const index = (tables.unclaimed as unknown as { map: Map<string, string> }).map;
    for (let i = 1; i < MAX_UNCLAIMED_NODES; i++) index.set(`${'9'.repeat(19)}${i % 10}:stranger-${i}`, `stranger-${i}`);
    const [first, second] = [randomUser(), randomUser()];

    ok(identity.registerNode(first, 0n, HARDWARE, CODES[0]));
    expect(identity.registerNode(second, 0n, HARDWARE, CODES[1])).toEqual({ Err: { TooManyNodes: { max: MAX_UNCLAIMED_NODES } } });
    expect(identity.node(second)).toBeUndefined();
    // A new code replaces the old one in the count.
    ok(identity.registerNode(first, 1n, HARDWARE, CODES[2]));
    expect(tables.unclaimed.len()).toBe(MAX_UNCLAIMED_NODES);
    // A claim frees its place.
    ok(identity.claimNode(provider, 2n, CODES[2]));
    ok(identity.registerNode(second, 3n, HARDWARE, CODES[1]));
  });

  it('prunes expired registrations with their codes, oldest first and at most as many as asked, never a claimed node', () => {
    const { identity, tables, provider } = withProvider();
    const [early, claimed, late, fresh] = [randomUser(), randomUser(), randomUser(), randomUser()];
    ok(identity.registerNode(early, 0n, HARDWARE, CODES[0]));
    ok(identity.registerNode(claimed, 0n, HARDWARE, CODES[1]));
    ok(identity.registerNode(late, 500n, HARDWARE, CODES[2]));
    ok(identity.claimNode(provider, 1n, CODES[1]));

    expect(identity.pruneExpired(999n, 10)).toBe(0);
    expect(identity.pruneExpired(1_500n, 1)).toBe(1);
    expect(identity.node(early)).toBeUndefined();
    expect(identity.claimNode(provider, 1_500n, CODES[0])).toEqual({ Err: { ClaimCodeUnknown: null } });
    expect(identity.node(late)).toMatchObject({ status: { unclaimed: null } });

    // register_node prunes on its own: the late registration goes as the next one arrives.
    ok(identity.registerNode(fresh, 1_500n, HARDWARE, CODES[3]));
    expect(identity.node(late)).toBeUndefined();
    expect(tables.claimCodes.get(CODES[2])).toBeUndefined();
    expect(tables.unclaimed.len()).toBe(1);

    expect(identity.pruneExpired(10_000n, 10)).toBe(1);
    expect(identity.node(fresh)).toBeUndefined();
    expect(identity.node(claimed)).toMatchObject({ status: { claimed: null }, provider: [provider] });
  });

  it('indexes registrations made before the index existed once, so an upgrade from that version prunes them too', () => {
    const { identity, tables } = withProvider();
    const [old, later] = [randomUser(), randomUser()];
    ok(identity.registerNode(old, 0n, HARDWARE, CODES[0]));
    // The state an older version left: the node and its code, no index entry.
    (tables.unclaimed as unknown as { map: Map<string, string> }).map.clear();
    identity.indexUnclaimedOnce();
    expect(tables.unclaimed.len()).toBe(1);
    identity.indexUnclaimedOnce();
    ok(identity.registerNode(later, 2_000n, HARDWARE, CODES[1]));
    expect(identity.node(old)).toBeUndefined();
    expect(tables.unclaimed.len()).toBe(1);
  });
});
