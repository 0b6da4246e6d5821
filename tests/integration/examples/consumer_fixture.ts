// The example consumer canister (examples/consumer) installed on a trust fixture's network, owned by a test user and
// paying from its own ledger account: what the consumer tests share.
import { IDL } from '@dfinity/candid';
import type { Principal } from '@dfinity/principal';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

import { Answer, AskLongReply, AskReply, Ended, InitArg } from '../../../examples/consumer/types';
import type { Actor } from '../../../src/localnet/index.js';
import type { Trust } from '../trust/bridge_fixture';

const CONSUMER_WASM = fileURLToPath(new URL('../../../examples/.azle/consumer/consumer.wasm', import.meta.url));
if (!existsSync(CONSUMER_WASM)) throw new Error(`${CONSUMER_WASM} is missing: run \`npm run build:examples\` first`);
export { CONSUMER_WASM };

const idlFactory: IDL.InterfaceFactory = ({ IDL }) =>
  IDL.Service({
    ask: IDL.Func([IDL.Text, IDL.Nat64, IDL.Nat32], [AskReply], []),
    answers: IDL.Func([], [IDL.Vec(Answer)], ['query']),
    ask_long: IDL.Func([IDL.Text, IDL.Nat64, IDL.Nat32], [AskLongReply], []),
    job_ends: IDL.Func([], [IDL.Vec(Ended)], ['query']),
  });
export type ConsumerService = {
  ask(prompt: string, model: bigint, max_tokens: number): Promise<AskReply>;
  answers(): Promise<Answer[]>;
  ask_long(prompt: string, model: bigint, max_tokens: number): Promise<AskLongReply>;
  job_ends(): Promise<Ended[]>;
};

// The most one answer may cost: the fixtures' offers ask 1,000,000 a request.
export const MAX_PRICE = 10_000_000n;

/** A consumer canister owned (controlled) by `owner`, paying from its own account. */
export async function installConsumer(t: Trust, owner: Principal): Promise<{ id: Principal; consumer: Actor<ConsumerService> }> {
  const { ids } = t.e;
  const settings: InitArg = { marketplace: ids.marketplace, payment: ids.payment, ledger: ids.ledger, max_price: MAX_PRICE };
  const { canisterId, actor } = await t.network.setupCanister<ConsumerService>({
    wasm: CONSUMER_WASM,
    idlFactory,
    sender: owner,
    controllers: [owner],
    arg: new Uint8Array(IDL.encode([InitArg], [settings])),
  });
  return { id: canisterId, consumer: actor };
}

/** Ticks until the canister was told of at least one job's end (a one-way call lands a tick or more after it). */
export async function noticed(t: Trust, consumer: Actor<ConsumerService>): Promise<Ended[]> {
  for (let i = 0; i < 20 && (await consumer.job_ends()).length === 0; i++) await t.network.tick();
  // Then a few more, so a second notice would have landed too.
  await t.network.tick(5);
  return consumer.job_ends();
}
