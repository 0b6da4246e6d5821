import { Principal } from '@dfinity/principal';
import { describe, expect, it } from 'vitest';

import { guard, isOneOf } from '../../../canisters/shared/guard';

const principal = (byte: number): Principal => Principal.fromUint8Array(new Uint8Array([byte, 1, 1]));
const [admin, bridge, stranger] = [principal(1), principal(2), principal(3)];

describe('isOneOf', () => {
  it('allows the admin, a named peer in either opt form, or any one of a list', () => {
    expect(isOneOf(admin, admin)).toBe(true);
    expect(isOneOf(bridge, admin, [bridge])).toBe(true);
    expect(isOneOf(bridge, ...[admin, bridge])).toBe(true);
    // Equal by value, not by object: a principal decoded from another message is the same caller.
    expect(isOneOf(Principal.fromText(admin.toText()), admin)).toBe(true);
  });

  it('refuses a stranger, and an unnamed peer allows nobody, the anonymous principal included', () => {
    expect(isOneOf(stranger, admin, [bridge])).toBe(false);
    expect(isOneOf(stranger, [], undefined)).toBe(false);
    expect(isOneOf(Principal.anonymous(), [], undefined)).toBe(false);
    expect(isOneOf(stranger)).toBe(false);
  });
});

describe('guard', () => {
  it('says who may call when the caller is refused, and nothing when it is allowed', () => {
    expect(guard(stranger, 'the bridge', [bridge])).toBe('only the bridge may call this');
    expect(guard(bridge, 'the bridge', [bridge])).toBeUndefined();
  });
});
