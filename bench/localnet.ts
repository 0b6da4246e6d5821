// Local network benchmark: trivial updates and queries per second, an inter-canister round trip,
// and an install, on the probe fixture canister. The baseline, measured in the same run, is the
// bare execution of the same update on the canister (no ingress, queueing or candid), so the
// ratio shows what the network adds. Budget (DESIGN.md): at least 500 trivial updates/s. The same
// calls are then made from the stock agent through the HTTP interface, as a dapp or dfx makes them.
import { Actor, HttpAgent } from '@dfinity/agent';
import { IDL } from '@dfinity/candid';
import { Ed25519KeyIdentity } from '@dfinity/identity';
import { existsSync } from 'node:fs';

import { INSTRUCTION_LIMITS } from '../src/localnet/cycles.js';
import { Gateway } from '../src/localnet/gateway/server.js';
import { LocalNetwork } from '../src/localnet/index.js';

const WASM = 'tests/fixtures/.azle/probe/probe.wasm';
const UPDATES = Number(process.env.BENCH_UPDATES ?? 2000);
const QUERIES = Number(process.env.BENCH_QUERIES ?? 2000);
const ROUND_TRIPS = Number(process.env.BENCH_ROUND_TRIPS ?? 300);
const INSTALLS = Number(process.env.BENCH_INSTALLS ?? 5);
const HTTP_CALLS = Number(process.env.BENCH_HTTP_CALLS ?? 300);
const BUDGET_UPDATES_PER_SECOND = 500;

if (!existsSync(WASM)) {
  console.error(`${WASM} is missing: run npm run build:fixtures first`);
  process.exit(1);
}

const EMPTY = new Uint8Array(IDL.encode([], []));
// autoTime: the agent checks certificate times against the wall clock.
const network = await LocalNetwork.create({ autoTime: true });
const { canisterId: a } = await network.setupCanister({ wasm: WASM });
const { canisterId: b } = await network.setupCanister({ wasm: WASM });
await network.tick();

async function timed(n: number, run: (i: number) => Promise<unknown>): Promise<number> {
  for (let i = 0; i < Math.min(50, n); i++) await run(i); // warm up the JIT
  const start = performance.now();
  for (let i = 0; i < n; i++) await run(i);
  return (performance.now() - start) / n;
}

const canister = network.scheduler.canister(a)!;
const bare = await timed(UPDATES, async () => {
  const outcome = canister.run(
    {
      kind: 'U',
      method: 'increment',
      arg: EMPTY,
      caller: new Uint8Array([4]),
      time: network.scheduler.time,
      cyclesAvailable: 0n,
      canReply: true,
    },
    (i) => i.export('canister_update increment')!(),
    INSTRUCTION_LIMITS.update,
  );
  if (!outcome.ok) throw outcome.trap;
  canister.commit();
});

const update = await timed(UPDATES, () => network.updateCall({ canisterId: a, method: 'increment' }));

const batchStart = performance.now();
await Promise.all(Array.from({ length: UPDATES }, () => network.updateCall({ canisterId: a, method: 'increment' })));
const batch = (performance.now() - batchStart) / UPDATES;

const query = await timed(QUERIES, () => network.queryCall({ canisterId: a, method: 'get' }));

const callArg = new Uint8Array(IDL.encode([IDL.Principal, IDL.Text, IDL.Vec(IDL.Nat8)], [b, 'increment', EMPTY]));
const withCall = await timed(ROUND_TRIPS, () => network.updateCall({ canisterId: a, method: 'call_raw', arg: callArg }));

const installStart = performance.now();
for (let i = 0; i < INSTALLS; i++) {
  const id = await network.createCanister();
  const t = performance.now();
  await network.installCode({ canisterId: id, wasm: WASM });
  if (i === 0) console.log(`first install (compiles and instruments the module): ${(performance.now() - t).toFixed(0)} ms`);
}
const install = (performance.now() - installStart) / INSTALLS;

const gateway = new Gateway(network);
const url = await gateway.listen({ port: 0 });
const agent = await HttpAgent.create({ host: url, shouldFetchRootKey: true, identity: Ed25519KeyIdentity.generate() });
const counter = Actor.createActor<{ increment(): Promise<bigint>; get(): Promise<bigint> }>(
  ({ IDL }) => IDL.Service({ increment: IDL.Func([], [IDL.Nat], []), get: IDL.Func([], [IDL.Nat], ['query']) }),
  { agent, canisterId: a },
);
const httpUpdate = await timed(HTTP_CALLS, () => counter.increment());
const httpQuery = await timed(HTTP_CALLS, () => counter.get());
await gateway.close();

const rows: [string, string][] = [
  [
    'trivial updates/s (one at a time)',
    `${(1000 / update).toFixed(0)}  (${(1000 / update / BUDGET_UPDATES_PER_SECOND).toFixed(2)}x the 500/s budget)`,
  ],
  ['trivial updates/s (batch of concurrent calls)', (1000 / batch).toFixed(0)],
  ['baseline: bare update executions/s', `${(1000 / bare).toFixed(0)}  (network overhead ${(update / bare).toFixed(2)}x)`],
  ['queries/s', (1000 / query).toFixed(0)],
  ['ms per inter-canister round trip', (withCall - update).toFixed(3)],
  ['ms per install (create + install + init)', install.toFixed(1)],
  ['HTTP: updates/s (stock agent, signed, certified v3 call)', (1000 / httpUpdate).toFixed(0)],
  ['HTTP: queries/s (stock agent, node signatures verified)', (1000 / httpQuery).toFixed(0)],
];
const width = Math.max(...rows.map(([k]) => k.length));
console.log(
  `local network benchmark (${UPDATES} updates, ${QUERIES} queries, ${ROUND_TRIPS} round trips, ${INSTALLS} installs, ${HTTP_CALLS} HTTP calls of each kind)`,
);
for (const [k, v] of rows) console.log(`${k.padEnd(width)}  ${v}`);
await network.stop();
