// What a stranger can grow in governance has a cap or a price: a proposal costs its deposit, its summary is capped,
// its Wasm is at most 100 chunks, and the Wasm of a proposal that was not adopted is freed when the vote ends.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { MAX_SUMMARY_CHARS } from '../../../canisters/governance/proposals';
import { LocalNetwork } from '../../../src/localnet/index.js';
import { FEE, NAMES, approve, balance, errName, mint, ok } from '../economy/suite';
import { DEPOSIT, VOTING_MS, deployGoverned, elapse, propose, proposal, stateOf, type Governed } from '../governance/fixture';
import { randomUser } from '../localnet/probe';

const MAX_CHUNKS = 100;

describe('governance bounds what a proposer stores', () => {
  let network: LocalNetwork;
  let e: Governed;
  const deployer = randomUser();

  beforeAll(async () => {
    network = await LocalNetwork.create();
    e = await deployGoverned(network, deployer, NAMES);
  });
  afterAll(() => network?.stop());

  it('refuses a summary over the cap before taking the deposit', async () => {
    const proposer = randomUser();
    await mint(e, proposer, DEPOSIT + 2n * FEE);
    await approve(e, proposer, e.ids.governance, DEPOSIT + FEE);
    e.governance.setPrincipal(proposer);
    const long = await e.governance.create_proposal({ summary: 'x'.repeat(MAX_SUMMARY_CHARS + 1), action: { text: null } });
    expect(long).toEqual({ Err: { InvalidInput: `summary: at most ${MAX_SUMMARY_CHARS} characters` } });
    expect(await balance(e, proposer)).toBe(DEPOSIT + FEE);
  });

  it('takes at most 100 chunks for a proposal, and frees them when the proposal is rejected', async () => {
    const proposer = randomUser();
    const upgrade = await propose(e, proposer, {
      summary: 'An upgrade nobody wants',
      action: { upgrade_canister: { canister: e.ids.model_registry, wasm_sha256: new Uint8Array(32), arg: new Uint8Array() } },
    });
    e.governance.setPrincipal(proposer);
    for (let i = 0; i < MAX_CHUNKS; i++) ok(await e.governance.upload_wasm_chunk(upgrade.id, new Uint8Array([i])));
    expect(await e.governance.upload_wasm_chunk(upgrade.id, new Uint8Array([0]))).toEqual({
      Err: { InvalidInput: `at most ${MAX_CHUNKS} chunks` },
    });
    expect(await e.governance.wasm_upload(upgrade.id)).toEqual({ chunks: MAX_CHUNKS, bytes: BigInt(MAX_CHUNKS) });

    // Nobody votes: the proposal is rejected when the vote ends, and the timer frees its Wasm.
    await elapse(e, VOTING_MS);
    expect(stateOf(await proposal(e, upgrade.id))).toBe('rejected');
    expect(await e.governance.wasm_upload(upgrade.id)).toEqual({ chunks: 0, bytes: 0n });
    e.governance.setPrincipal(proposer);
    expect(errName(await e.governance.upload_wasm_chunk(upgrade.id, new Uint8Array([1])))).toBe('InvalidState');
    expect(await e.governance.wasm_upload(upgrade.id)).toEqual({ chunks: 0, bytes: 0n });
  });
});
