// Issue 13, items 8 and 9 for identity, on the real canister: claimed nodes and waiting unbondings per provider are
// capped with their own error variants, unclaimed node registrations are capped in all and pruned once their code
// expires (never a claimed node), and ingress that is anonymous or larger than any method takes is refused by
// canister_inspect_message before it runs.
import { Principal } from '@dfinity/principal';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { MAX_NODES_PER_PROVIDER, MAX_UNBONDINGS, MAX_UNCLAIMED_NODES } from '../../../canisters/identity/identity';
import type { Account } from '../../../canisters/ledger/types';
import { LocalNetwork } from '../../../src/localnet/index.js';
import { FEE, account, approveArgs, setupLedger } from '../ledger/fixture';
import { randomUser, rejection } from '../localnet/probe';
import { setupIdentity } from './client';

function ok<T>(result: { Ok: T } | { Err: unknown }): T {
  if (!('Ok' in result)) throw new Error(`expected Ok, got ${JSON.stringify(result.Err, (_, v) => (typeof v === 'bigint' ? `${v}` : v))}`);
  return result.Ok;
}

const HARDWARE = { gpu_model: ['RTX 4090'] as [string], vram_mib: 24_576, cpu_cores: 16, ram_mib: 65_536, description: 'rig' };
const HOUR_MS = 3_600_000;
const PROVIDER = { roles: [{ provider: null }], profile: [{ name: 'Acme', region: 'eu-west', contact: 'ops@acme.test' }] } as const;

describe('identity caps and ingress inspection', () => {
  let network: LocalNetwork;
  const [deployer, minter, provider] = [randomUser(), randomUser(), randomUser()];

  beforeAll(async () => {
    network = await LocalNetwork.create();
  });
  afterAll(() => network.stop());

  it(`refuses a provider more than ${MAX_NODES_PER_PROVIDER} claimed nodes, and more than ${MAX_UNBONDINGS} waiting unbondings`, async () => {
    const ledger = await setupLedger(network, minter, [[account(provider), 1_000_000_000n] as [Account, bigint]]);
    const { actor, canisterId } = await setupIdentity(network, deployer, { ledger: [ledger.canisterId], min_stake: [1n] });
    actor.setPrincipal(provider);
    ok(await actor.register({ roles: [...PROVIDER.roles], profile: [{ ...PROVIDER.profile[0] }] }));

    // One worker more than the cap registers, all at once (the actor reads the sender as each call is sent); the
    // provider's claims then race for the places: exactly the cap's worth win, and the one left over is refused.
    const workers = Array.from({ length: MAX_NODES_PER_PROVIDER + 1 }, () => randomUser());
    const codes = (
      await Promise.all(
        workers.map((worker) => {
          actor.setPrincipal(worker);
          return actor.register_node(HARDWARE);
        }),
      )
    ).map((ticket) => ok(ticket).code);
    actor.setPrincipal(provider);
    const claims = await Promise.all(codes.map((code) => actor.claim_node(code)));
    const refused = claims.flatMap((claim, i) => ('Err' in claim ? [{ code: codes[i], claim }] : []));
    expect(refused.map(({ claim }) => claim)).toEqual([{ Err: { TooManyNodes: { max: MAX_NODES_PER_PROVIDER } } }]);
    expect((await actor.nodes_of(provider)).filter((node) => 'claimed' in node.status)).toHaveLength(MAX_NODES_PER_PROVIDER);
    // A retired node frees its place, and the refused code still claims.
    ok(await actor.retire_node(ok(claims.find((claim) => 'Ok' in claim)!).id));
    ok(await actor.claim_node(refused[0].code));

    ledger.actor.setPrincipal(provider);
    ok(await ledger.actor.icrc2_approve(approveArgs(account(canisterId), 1_000n + FEE)));
    actor.setPrincipal(provider);
    ok(await actor.stake(1_000n));
    // Likewise one unbonding more than the cap, all at once: exactly one is refused.
    const unbonds = await Promise.all(Array.from({ length: MAX_UNBONDINGS + 1 }, () => actor.unbond(1n)));
    expect(unbonds.filter((unbond) => 'Err' in unbond)).toEqual([{ Err: { TooManyUnbondings: { max: MAX_UNBONDINGS } } }]);
    expect((await actor.get_stake(provider)).unbonding).toHaveLength(MAX_UNBONDINGS);
  });

  it(`refuses a new node past ${MAX_UNCLAIMED_NODES} unclaimed registrations, and prunes expired ones but never a claimed node`, async () => {
    const { actor } = await setupIdentity(network, deployer);
    actor.setPrincipal(provider);
    ok(await actor.register({ roles: [...PROVIDER.roles], profile: [{ ...PROVIDER.profile[0] }] }));
    const kept = randomUser();
    actor.setPrincipal(kept);
    const keptCode = ok(await actor.register_node(HARDWARE)).code;
    actor.setPrincipal(provider);
    ok(await actor.claim_node(keptCode));

    // Strangers fill the cap, many calls in flight at once (the actor reads the sender as each call is sent).
    const strangers: { node: Principal; code: string }[] = [];
    for (let from = 0; from < MAX_UNCLAIMED_NODES; from += 500) {
      const batch = Array.from({ length: Math.min(500, MAX_UNCLAIMED_NODES - from) }, () => randomUser());
      const codes = await Promise.all(
        batch.map((node) => {
          actor.setPrincipal(node);
          return actor.register_node(HARDWARE);
        }),
      );
      codes.forEach((ticket, i) => strangers.push({ node: batch[i], code: ok(ticket).code }));
    }
    const late = randomUser();
    actor.setPrincipal(late);
    expect(await actor.register_node(HARDWARE)).toEqual({ Err: { TooManyNodes: { max: MAX_UNCLAIMED_NODES } } });
    expect(await actor.get_node(late)).toEqual([]);
    // A worker already waiting may still get a fresh code.
    actor.setPrincipal(strangers[0].node);
    const fresh = ok(await actor.register_node(HARDWARE));
    expect(fresh.code).not.toBe(strangers[0].code);

    // One code lifetime later the timer has pruned them: the node is gone and its code unknown.
    await network.advanceTime(HOUR_MS);
    for (let round = 0; round < 3; round++) {
      await network.advanceTime(30_000);
      await network.tick();
    }
    const gone = strangers[strangers.length - 1];
    expect(await actor.get_node(gone.node)).toEqual([]);
    actor.setPrincipal(provider);
    expect(await actor.claim_node(gone.code)).toEqual({ Err: { ClaimCodeUnknown: null } });
    expect(await actor.claim_node(fresh.code)).toEqual({ Err: { ClaimCodeUnknown: null } });
    actor.setPrincipal(late);
    ok(await actor.register_node(HARDWARE));
    expect(await actor.get_node(kept)).toEqual([expect.objectContaining({ status: { claimed: null }, provider: [provider] })]);
    expect(await actor.nodes_of(provider)).toHaveLength(1);
    // The cap's registrations take 30 to 90 ms each on the local network, slower on a loaded machine.
  }, 420_000);

  it('refuses anonymous and oversized ingress before it runs', async () => {
    const { actor, canisterId } = await setupIdentity(network, deployer);
    const messages = network.getCounters(canisterId).messages;
    actor.setPrincipal(Principal.anonymous());
    expect(await rejection(actor.register({ roles: [{ consumer: null }], profile: [] }))).toMatchObject({ code: 4, errorCode: 'IC0406' });
    actor.setPrincipal(randomUser());
    const huge = { name: 'x'.repeat(70_000), region: 'eu-west', contact: '' };
    expect(await rejection(actor.register({ roles: [{ consumer: null }], profile: [huge] }))).toMatchObject({
      code: 4,
      errorCode: 'IC0406',
    });
    expect(network.getCounters(canisterId).messages).toBe(messages);
  });
});
