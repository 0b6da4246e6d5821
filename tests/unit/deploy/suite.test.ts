// deploySuite's decisions against a network kept in memory: everything created before anything is installed, the
// controllers of new canisters, install / upgrade / unchanged by module hash, the upgrade arguments, an outside
// ledger, and a network where canisters cannot be created (mainnet) refused before any change.
import { Principal } from '@dfinity/principal';
import { sha256 } from '@noble/hashes/sha2';
import { describe, expect, it } from 'vitest';

import { deploySuite } from '../../../src/deploy/suite';
import type { CanisterState, DeployTarget, InstallMode } from '../../../src/deploy/target';

const NAMES = ['ledger', 'identity', 'payment', 'analytics', 'governance'];
const deployer = Principal.fromText('rwlgt-iiaaa-aaaaa-aaaaa-cai');
const wasm = (version: number) => Object.fromEntries(NAMES.map((name) => [name, new TextEncoder().encode(`${name} v${version}`)]));

function memoryTarget(canCreate = true) {
  const canisters = new Map<string, CanisterState>();
  const steps: string[] = [];
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
  };
  return { target, canisters, steps };
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
});
