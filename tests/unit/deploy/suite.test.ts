// deploySuite's decisions against a network kept in memory: everything created before anything is installed, the
// controllers of new canisters, install / upgrade / unchanged by module hash, the upgrade arguments, an outside
// ledger, a network where canisters cannot be created (mainnet) refused before any change, and the faucet: left out
// unless asked, and topped up by minting.
import { Principal } from '@dfinity/principal';
import { sha256 } from '@noble/hashes/sha2';
import { describe, expect, it } from 'vitest';

import { FAUCET_FUNDING } from '../../../src/deploy/faucet';
import { deploySuite } from '../../../src/deploy/suite';
import type { CanisterState, DeployTarget, InstallMode } from '../../../src/deploy/target';

const NAMES = ['ledger', 'identity', 'payment', 'analytics', 'governance'];
const deployer = Principal.fromText('rwlgt-iiaaa-aaaaa-aaaaa-cai');
const wasm = (version: number) => Object.fromEntries(NAMES.map((name) => [name, new TextEncoder().encode(`${name} v${version}`)]));

function memoryTarget(canCreate = true) {
  const canisters = new Map<string, CanisterState>();
  const steps: string[] = [];
  // The ledger's balances by owner, as far as minting to the faucet goes.
  const balances = new Map<string, bigint>();
  let next = 0;
  const name = (id: Principal) => id.toText();
  const target: DeployTarget = {
    name: 'memory',
    cannotCreate: 'Create them first.',
    createCanister: canCreate
      ? async () => {
          const id = Principal.fromUint8Array(new Uint8Array([0, 0, 0, 0, 0, 0, 0, ++next, 1, 1]));
          canisters.set(name(id), { moduleHash: null, controllers: [deployer] });
          steps.push(`create ${next}`);
          return id;
        }
      : undefined,
    canister: async (id) => canisters.get(name(id)) ?? null,
    async setControllers(id, controllers) {
      canisters.get(name(id))!.controllers = controllers;
      steps.push(`controllers ${name(id)}`);
    },
    async install(id, module, arg, mode: InstallMode) {
      canisters.get(name(id))!.moduleHash = sha256(module);
      steps.push(`${mode} ${new TextDecoder().decode(module)} arg ${arg.length > 6 ? 'given' : 'empty'}`);
    },
    actor: <T>() =>
      ({
        icrc1_balance_of: async ({ owner }: { owner: Principal }) => balances.get(owner.toText()) ?? 0n,
        async icrc1_transfer({ to, amount }: { to: { owner: Principal }; amount: bigint }) {
          balances.set(to.owner.toText(), (balances.get(to.owner.toText()) ?? 0n) + amount);
          steps.push(`mint ${amount}`);
          return { Ok: 0n };
        },
      }) as T,
  };
  return { target, canisters, steps, balances };
}

describe('deploySuite', () => {
  it('creates every canister first, then sets controllers, then installs with init arguments', async () => {
    const { target, steps } = memoryTarget();
    const result = await deploySuite(target, { names: NAMES, deployer, wasm: wasm(1) });
    expect(Object.keys(result.ids)).toEqual(NAMES);
    expect(result.created).toEqual(NAMES);
    expect(steps.slice(0, 5)).toEqual(['create 1', 'create 2', 'create 3', 'create 4', 'create 5']);
    // Governance co-controls identity, payment, analytics and itself; the ledger stays the deployer's alone.
    expect(steps.slice(5, 9)).toEqual(
      ['identity', 'payment', 'analytics', 'governance'].map((n) => `controllers ${result.ids[n].toText()}`),
    );
    expect(steps.slice(9)).toEqual(NAMES.map((n) => `install ${n} v1 arg given`));
    expect(Object.values(result.outcomes)).toEqual(NAMES.map(() => 'installed'));
  });

  it('upgrades what changed (with the upgrade argument analytics and its reporters read), leaves the rest', async () => {
    const { target, steps } = memoryTarget();
    const first = await deploySuite(target, { names: NAMES, deployer, wasm: wasm(1) });
    steps.length = 0;
    const again = await deploySuite(target, { names: NAMES, deployer, wasm: wasm(1), known: first.ids });
    expect(steps).toEqual([]);
    expect(again.ids).toEqual(first.ids);
    expect(Object.values(again.outcomes)).toEqual(NAMES.map(() => 'unchanged'));

    const changed = { ...wasm(1), payment: wasm(2).payment, identity: wasm(2).identity };
    const third = await deploySuite(target, { names: NAMES, deployer, wasm: changed, known: first.ids });
    expect(steps).toEqual(['upgrade identity v2 arg empty', 'upgrade payment v2 arg given']);
    expect(third.outcomes).toEqual({
      ledger: 'unchanged',
      identity: 'upgraded',
      payment: 'upgraded',
      analytics: 'unchanged',
      governance: 'unchanged',
    });
  });

  it('refuses to upgrade a canister the deployer no longer controls (after bootstrap), naming the way', async () => {
    const { target, canisters } = memoryTarget();
    const first = await deploySuite(target, { names: NAMES, deployer, wasm: wasm(1) });
    canisters.get(first.ids.payment.toText())!.controllers = [first.ids.governance];
    await expect(
      deploySuite(target, { names: NAMES, deployer, wasm: { ...wasm(1), payment: wasm(2).payment }, known: first.ids }),
    ).rejects.toThrow(/payment .* no longer controls it .*upgrade_canister proposal/);
  });

  it('with an outside ledger, deploys no ledger and names it', async () => {
    const { target, steps } = memoryTarget();
    const ledger = Principal.fromText('ryjl3-tyaaa-aaaaa-aaaba-cai');
    const result = await deploySuite(target, { names: NAMES, deployer, wasm: wasm(1), ledger });
    expect(result.ids.ledger).toEqual(ledger);
    expect(result.outcomes.ledger).toBe('outside');
    expect(steps.filter((s) => s.includes('ledger'))).toEqual([]);
  });

  it('where canisters cannot be created, lists the missing ones and changes nothing', async () => {
    const { target, steps } = memoryTarget(false);
    await expect(deploySuite(target, { names: NAMES, deployer, wasm: wasm(1) })).rejects.toThrow(
      'memory has no canister for ledger, identity, payment, analytics, governance, and this deployment cannot create one. Create them first.',
    );
    expect(steps).toEqual([]);
  });

  it('leaves the faucet out unless asked; asked, installs it and tops it up to its funding by minting', async () => {
    const { target, steps, balances } = memoryTarget();
    const names = [...NAMES, 'faucet'];
    const modules = { ...wasm(1), faucet: new TextEncoder().encode('faucet v1') };
    const without = await deploySuite(target, { names, deployer, wasm: modules });
    expect(Object.keys(without.ids)).toEqual(NAMES);
    expect(without.faucetFunded).toBeUndefined();

    steps.length = 0;
    const first = await deploySuite(target, { names, deployer, wasm: modules, known: without.ids, faucet: true });
    expect(first.outcomes.faucet).toBe('installed');
    expect(steps).toEqual(['create 6', 'install faucet v1 arg given', `mint ${FAUCET_FUNDING}`]);
    expect(first.faucetFunded).toBe(FAUCET_FUNDING);
    // Full: a second run mints nothing; after claims it mints what is missing.
    expect((await deploySuite(target, { names, deployer, wasm: modules, known: first.ids, faucet: true })).faucetFunded).toBe(0n);
    balances.set(first.ids.faucet.toText(), FAUCET_FUNDING - 5n);
    expect((await deploySuite(target, { names, deployer, wasm: modules, known: first.ids, faucet: true })).faucetFunded).toBe(5n);
  });

  it('refuses the faucet with an outside ledger, which it cannot mint', async () => {
    const { target, steps } = memoryTarget();
    const ledger = Principal.fromText('ryjl3-tyaaa-aaaaa-aaaba-cai');
    await expect(deploySuite(target, { names: [...NAMES, 'faucet'], deployer, ledger, faucet: true })).rejects.toThrow(
      /faucet mints the local ledger's tokens/,
    );
    expect(steps).toEqual([]);
  });
});
