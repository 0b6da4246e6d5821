// Strangers cannot burn a canister's cycles with ingress that is sure to fail: canister_inspect_message refuses an
// anonymous update and an oversized one before induction, so the canister pays nothing and runs nothing. Every
// canister of the deployed suite is attacked the same way, each with a well-formed call of one of its updates.
import { IDL } from '@dfinity/candid';
import { Principal } from '@dfinity/principal';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { DEFAULT_MAX_ARG_BYTES } from '../../../canisters/shared/inspect';
import { deploySuite } from '../../../src/deploy/suite.js';
import { localTarget } from '../../../src/deploy/target.js';
import { LocalNetwork } from '../../../src/localnet/index.js';
import { idlFactory as analyticsIdl } from '../../../src/sdk/analytics';
import { idlFactory as bridgeIdl } from '../../../src/sdk/bridge';
import { idlFactory as faucetIdl } from '../../../src/sdk/faucet';
import { idlFactory as governanceIdl } from '../../../src/sdk/governance';
import { idlFactory as identityIdl } from '../../../src/sdk/identity';
import { account, idlFactory as ledgerIdl, transferArgs } from '../../../src/sdk/ledger';
import { idlFactory as marketplaceIdl } from '../../../src/sdk/marketplace';
import { idlFactory as registryIdl } from '../../../src/sdk/model_registry';
import { idlFactory as paymentIdl } from '../../../src/sdk/payment';
import { idlFactory as verificationIdl } from '../../../src/sdk/verification';
import { randomUser } from '../localnet/probe';

const user = randomUser();

/** One update of each canister and a well-formed argument for it, encoded with the canister's own candid types. */
const CASES: { name: string; idl: IDL.InterfaceFactory; method: string; values: unknown[] }[] = [
  { name: 'ledger', idl: ledgerIdl, method: 'icrc1_transfer', values: [transferArgs(account(user), 1n)] },
  { name: 'identity', idl: identityIdl, method: 'claim_node', values: ['a-claim-code'] },
  { name: 'model_registry', idl: registryIdl, method: 'set_royalty_cap', values: [100] },
  { name: 'marketplace', idl: marketplaceIdl, method: 'pause_offer', values: [0n] },
  { name: 'payment', idl: paymentIdl, method: 'withdraw', values: [100n, account(user)] },
  { name: 'bridge', idl: bridgeIdl, method: 'register_endpoint', values: ['https://node.example'] },
  { name: 'governance', idl: governanceIdl, method: 'lock_tokens', values: [1n] },
  {
    name: 'verification',
    idl: verificationIdl,
    method: 'set_config',
    values: [{ embedding_tolerance: 0.01, reputation_penalty_bps: 100, slash_bps: 100 }],
  },
  { name: 'analytics', idl: analyticsIdl, method: 'set_reporters', values: [[user]] },
  { name: 'faucet', idl: faucetIdl, method: 'claim', values: [] },
];

function argOf(idl: IDL.InterfaceFactory, method: string, values: unknown[]): Uint8Array {
  const func = idl({ IDL })._fields.find(([name]) => name === method)?.[1] as IDL.FuncClass | undefined;
  if (func === undefined) throw new Error(`no method ${method}`);
  return new Uint8Array(IDL.encode(func.argTypes, values));
}

// What an attacker sends to fill a canister: more bytes than any of these methods takes, which would trap in
// decoding after induction.
const OVERSIZED = new Uint8Array(IDL.encode([IDL.Text], ['x'.repeat(DEFAULT_MAX_ARG_BYTES)]));

describe('canister_inspect_message across the suite', () => {
  let network: LocalNetwork;
  let ids: Record<string, Principal>;
  const deployer = randomUser();

  beforeAll(async () => {
    network = await LocalNetwork.create();
    const names = CASES.map((c) => c.name);
    ({ ids } = await deploySuite(localTarget(network, deployer), { names, deployer, faucet: true }));
    await network.tick();
  });
  afterAll(() => network?.stop());

  /** Submits one ingress message and returns its rejection with what the canister paid and ran meanwhile. */
  async function attack(canisterId: Principal, method: string, arg: Uint8Array, sender: Principal) {
    const cycles = await network.getCyclesBalance(canisterId);
    const messages = network.getCounters(canisterId).messages;
    const result = await network.submitIngress({ canisterId, method, arg, sender });
    return {
      reject: 'reject' in result ? result.reject : undefined,
      spent: cycles - (await network.getCyclesBalance(canisterId)),
      ran: network.getCounters(canisterId).messages - messages,
    };
  }

  it.each(CASES)('$name refuses an anonymous $method before induction, at no cost', async ({ name, idl, method, values }) => {
    const { reject, spent, ran } = await attack(ids[name], method, argOf(idl, method, values), Principal.anonymous());
    expect(reject).toMatchObject({ code: 4, errorCode: 'IC0406' });
    expect(spent).toBe(0n);
    expect(ran).toBe(0);
  });

  it.each(CASES)('$name refuses a signed $method with an oversized argument before induction, at no cost', async ({ name, method }) => {
    const { reject, spent, ran } = await attack(ids[name], method, OVERSIZED, user);
    expect(reject).toMatchObject({ code: 4, errorCode: 'IC0406' });
    expect(spent).toBe(0n);
    expect(ran).toBe(0);
  });

  it('the same call, signed and of its usual size, is inducted and runs (so the refusals above are the inspection)', async () => {
    const { reject, spent, ran } = await attack(ids.analytics, 'set_reporters', argOf(analyticsIdl, 'set_reporters', [[user]]), user);
    expect(reject).toBeUndefined();
    expect(spent).toBeGreaterThan(0n);
    expect(ran).toBe(1);
  });

  it('governance takes a whole 1 MiB Wasm chunk by ingress, and refuses one byte past the chunk and its framing', async () => {
    const chunk = (bytes: number) => new Uint8Array(IDL.encode([IDL.Nat64, IDL.Vec(IDL.Nat8)], [0n, new Uint8Array(bytes)]));
    const whole = await attack(ids.governance, 'upload_wasm_chunk', chunk(1024 * 1024), user);
    // Inducted: the proposal does not exist, which the method answers itself.
    expect(whole.reject).toBeUndefined();
    expect(whole.ran).toBe(1);
    const over = await attack(ids.governance, 'upload_wasm_chunk', chunk(1024 * 1024 + 64), user);
    expect(over.reject).toMatchObject({ code: 4, errorCode: 'IC0406' });
    expect(over.spent).toBe(0n);
  });
});
