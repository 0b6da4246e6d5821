// The bridge's canister_inspect_message: anonymous ingress, dispatch by ingress (jobs come from the marketplace
// canister only) and a posted result larger than the answer to the largest job are refused before induction, at
// no cost to the bridge; a worker's result of the largest size is inducted.
import { IDL } from '@dfinity/candid';
import { Principal } from '@dfinity/principal';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { LARGEST_ANSWER_BYTES } from '../../../canisters/bridge/answers';
import { DispatchRequest, type DispatchRequest as DispatchRequestT } from '../../../canisters/bridge/types';
import { deploySuite } from '../../../src/deploy/suite.js';
import { localTarget } from '../../../src/deploy/target.js';
import { LocalNetwork } from '../../../src/localnet/index.js';
import { randomUser } from '../localnet/probe';

const user = randomUser();
const result = (bytes: number) => new Uint8Array(IDL.encode([IDL.Nat64, IDL.Vec(IDL.Nat8)], [1n, new Uint8Array(bytes)]));
const job: DispatchRequestT = {
  job_id: 1n,
  consumer: user,
  kind: { text_generation: null },
  model_sha256: new Uint8Array(32),
  input: 'hi',
  max_tokens: 8,
  redundancy: 1,
  nodes: [user],
  generation: [],
};

describe('the bridge’s inspect_message', () => {
  let network: LocalNetwork;
  let bridge: Principal;

  beforeAll(async () => {
    network = await LocalNetwork.create();
    const deployer = randomUser();
    ({
      ids: { bridge },
    } = await deploySuite(localTarget(network, deployer), { names: ['bridge'], deployer }));
    await network.tick();
  });
  afterAll(() => network?.stop());

  /** Submits one ingress message: its rejection, and whether the bridge paid and ran anything. */
  async function attack(method: string, arg: Uint8Array, sender: Principal) {
    const cycles = await network.getCyclesBalance(bridge);
    const messages = network.getCounters(bridge).messages;
    const sent = await network.submitIngress({ canisterId: bridge, method, arg, sender });
    return {
      reject: 'reject' in sent ? sent.reject : undefined,
      spent: cycles - (await network.getCyclesBalance(bridge)),
      ran: network.getCounters(bridge).messages - messages,
    };
  }

  it.each([
    ['an anonymous submit_result', 'submit_result', result(10), Principal.anonymous()],
    ['dispatch by ingress, even signed', 'dispatch', new Uint8Array(IDL.encode([DispatchRequest], [job])), user],
    ['a posted result larger than the answer to the largest job', 'submit_result', result(LARGEST_ANSWER_BYTES + 64), user],
  ])('refuses %s before induction, at no cost', async (_name, method, arg, sender) => {
    expect(await attack(method, arg, sender)).toMatchObject({ reject: { code: 4, errorCode: 'IC0406' }, spent: 0n, ran: 0 });
  });

  it('inducts a signed result as large as the answer to the largest job (the bridge then finds no such job)', async () => {
    const { reject, ran } = await attack('submit_result', result(LARGEST_ANSWER_BYTES), user);
    expect(reject).toBeUndefined();
    expect(ran).toBe(1);
  });
});
