// canister_status through the gateway as clients built from the interface specification's ic.did call it, with
// the stock actors of @dfinity/agent 3 and @icp-sdk/core 6 (neither ships the management canister's interface
// any more: agent 3 dropped getManagementCanister, so an actor is built from the spec's types, as ic-management
// libraries do): every field of the reply decodes, the memory figures come from the canister's own heap, stable
// memory, module and chunk store, the settings read back are the ones create and update_settings were given
// (the newer fields included), settings outside the spec's bounds are refused, and status_visibility decides who
// else may read the status.
import { Actor as ActorV3, type ActorSubclass, type HttpAgent as AgentV3 } from '@dfinity/agent';
import type { IDL } from '@dfinity/candid';
import { Ed25519KeyIdentity } from '@dfinity/identity';
import { Principal } from '@dfinity/principal';
import { Actor as ActorV6, HttpAgent as AgentV6 } from '@icp-sdk/core/agent';
import { Ed25519KeyIdentity as IdentityV6 } from '@icp-sdk/core/identity';
import { Principal as PrincipalV6 } from '@icp-sdk/core/principal';
import { sha256 } from '@noble/hashes/sha2';
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { CanisterSettings, CanisterStatusResult, DefiniteCanisterSettings } from '../../../src/localnet/management/types.js';
import { customSections } from '../../../src/localnet/management/status.js';
import { idlFactory, PROBE_WASM, type ProbeService, setupProbe } from '../localnet/probe.js';
import { agentFor, agentReject, type Served, serve } from './fixture.js';

/**
 * The spec's types for the methods used here, transcribed from ic.did (dfinity/developer-docs
 * public/references/ic.did, spec 0.66.0), and nothing more: decoding the local network's reply with them is what
 * any client generated from that file does. Built from the IDL it is handed, so either library can use it.
 */
const specIdl: IDL.InterfaceFactory = ({ IDL }) => {
  const canister_id = IDL.Principal;
  const visibility = () => IDL.Variant({ controllers: IDL.Null, public: IDL.Null, allowed_viewers: IDL.Vec(IDL.Principal) });
  const log_visibility = visibility();
  const snapshot_visibility = visibility();
  const status_visibility = visibility();
  const environment_variable = IDL.Record({ name: IDL.Text, value: IDL.Text });
  const canister_settings = IDL.Record({
    controllers: IDL.Opt(IDL.Vec(IDL.Principal)),
    compute_allocation: IDL.Opt(IDL.Nat),
    memory_allocation: IDL.Opt(IDL.Nat),
    freezing_threshold: IDL.Opt(IDL.Nat),
    reserved_cycles_limit: IDL.Opt(IDL.Nat),
    minimum_incoming_canister_call_cycles: IDL.Opt(IDL.Nat),
    log_visibility: IDL.Opt(log_visibility),
    snapshot_visibility: IDL.Opt(snapshot_visibility),
    status_visibility: IDL.Opt(status_visibility),
    wasm_memory_limit: IDL.Opt(IDL.Nat),
    wasm_memory_threshold: IDL.Opt(IDL.Nat),
    environment_variables: IDL.Opt(IDL.Vec(environment_variable)),
  });
  const definite_canister_settings = IDL.Record({
    controllers: IDL.Vec(IDL.Principal),
    compute_allocation: IDL.Nat,
    memory_allocation: IDL.Nat,
    freezing_threshold: IDL.Nat,
    reserved_cycles_limit: IDL.Nat,
    minimum_incoming_canister_call_cycles: IDL.Nat,
    log_visibility,
    snapshot_visibility,
    status_visibility,
    wasm_memory_limit: IDL.Nat,
    wasm_memory_threshold: IDL.Nat,
    environment_variables: IDL.Vec(environment_variable),
  });
  const canister_status_result = IDL.Record({
    status: IDL.Variant({ running: IDL.Null, stopping: IDL.Null, stopped: IDL.Null }),
    ready_for_migration: IDL.Bool,
    version: IDL.Nat64,
    settings: definite_canister_settings,
    module_hash: IDL.Opt(IDL.Vec(IDL.Nat8)),
    memory_size: IDL.Nat,
    memory_metrics: IDL.Record({
      wasm_memory_size: IDL.Nat,
      stable_memory_size: IDL.Nat,
      global_memory_size: IDL.Nat,
      wasm_binary_size: IDL.Nat,
      custom_sections_size: IDL.Nat,
      canister_history_size: IDL.Nat,
      wasm_chunk_store_size: IDL.Nat,
      snapshots_size: IDL.Nat,
    }),
    cycles: IDL.Nat,
    reserved_cycles: IDL.Nat,
    idle_cycles_burned_per_day: IDL.Nat,
    query_stats: IDL.Record({
      num_calls_total: IDL.Nat,
      num_instructions_total: IDL.Nat,
      request_payload_bytes_total: IDL.Nat,
      response_payload_bytes_total: IDL.Nat,
    }),
  });
  return IDL.Service({
    canister_status: IDL.Func([IDL.Record({ canister_id })], [canister_status_result], []),
    update_settings: IDL.Func(
      [IDL.Record({ canister_id, settings: canister_settings, sender_canister_version: IDL.Opt(IDL.Nat64) })],
      [],
      [],
    ),
    provisional_create_canister_with_cycles: IDL.Func(
      [
        IDL.Record({
          amount: IDL.Opt(IDL.Nat),
          settings: IDL.Opt(canister_settings),
          specified_id: IDL.Opt(canister_id),
          sender_canister_version: IDL.Opt(IDL.Nat64),
        }),
      ],
      [IDL.Record({ canister_id })],
      [],
    ),
    upload_chunk: IDL.Func([IDL.Record({ canister_id, chunk: IDL.Vec(IDL.Nat8) })], [IDL.Record({ hash: IDL.Vec(IDL.Nat8) })], []),
    clear_chunk_store: IDL.Func([IDL.Record({ canister_id })], [], []),
  });
};

/** The spec's reply: ours less the two canister-logging fields the spec does not declare. */
type SpecStatus = Omit<CanisterStatusResult, 'settings' | 'memory_metrics'> & {
  settings: Omit<DefiniteCanisterSettings, 'log_memory_limit'>;
  memory_metrics: Omit<CanisterStatusResult['memory_metrics'], 'log_memory_store_size'>;
};
type SpecSettings = Omit<CanisterSettings, 'log_memory_limit'>;
type Management = {
  canister_status(arg: { canister_id: Principal }): Promise<SpecStatus>;
  update_settings(arg: { canister_id: Principal; settings: SpecSettings; sender_canister_version: [] }): Promise<void>;
  provisional_create_canister_with_cycles(arg: {
    amount: [] | [bigint];
    settings: [] | [SpecSettings];
    specified_id: [];
    sender_canister_version: [];
  }): Promise<{ canister_id: Principal }>;
  upload_chunk(arg: { canister_id: Principal; chunk: Uint8Array }): Promise<{ hash: Uint8Array | number[] }>;
  clear_chunk_store(arg: { canister_id: Principal }): Promise<void>;
};

/** Settings that set only what is given (null elsewhere). */
const settings = (given: Partial<{ [K in keyof SpecSettings]: SpecSettings[K][number] }>): SpecSettings => {
  const all: SpecSettings = {
    controllers: [],
    compute_allocation: [],
    memory_allocation: [],
    freezing_threshold: [],
    reserved_cycles_limit: [],
    minimum_incoming_canister_call_cycles: [],
    log_visibility: [],
    snapshot_visibility: [],
    status_visibility: [],
    wasm_memory_limit: [],
    wasm_memory_threshold: [],
    environment_variables: [],
  };
  for (const [key, value] of Object.entries(given)) (all as Record<string, unknown>)[key] = [value];
  return all;
};

const SPEC_DEFAULTS = {
  compute_allocation: 0n,
  memory_allocation: 0n,
  freezing_threshold: 2_592_000n,
  reserved_cycles_limit: 5_000_000_000_000n,
  minimum_incoming_canister_call_cycles: 0n,
  log_visibility: { controllers: null },
  snapshot_visibility: { controllers: null },
  status_visibility: { controllers: null },
  wasm_memory_limit: 0n,
  wasm_memory_threshold: 0n,
  environment_variables: [],
};

/** The management canister, each call addressed to the canister it is about (its effective canister id). */
function management(agent: AgentV3): ActorSubclass<Management> {
  return ActorV3.createActor<Management>(specIdl, {
    agent,
    canisterId: Principal.managementCanister(),
    effectiveCanisterId: Principal.managementCanister(),
    callTransform: (_method, args) => {
      const target = (args[0] as { canister_id?: Principal } | undefined)?.canister_id;
      return target ? { effectiveCanisterId: target } : {};
    },
  });
}

/** A custom section: id 0, its size, the name (length-prefixed), the content. */
function customSection(name: string, content: Uint8Array): Uint8Array {
  const leb = (n: number) => {
    const bytes: number[] = [];
    do {
      bytes.push((n & 0x7f) | (n >= 0x80 ? 0x80 : 0));
      n >>>= 7;
    } while (n > 0);
    return bytes;
  };
  const body = [...leb(Buffer.byteLength(name)), ...Buffer.from(name), ...content];
  return new Uint8Array([0, ...leb(body.length), ...body]);
}

const sum = (metrics: Record<string, bigint>) => Object.values(metrics).reduce((a, b) => a + b, 0n);

describe('canister_status as the spec’s ic.did declares it', () => {
  let served: Served;
  let wasm: Uint8Array;
  const controller = Ed25519KeyIdentity.generate();
  const viewer = Ed25519KeyIdentity.generate();
  let asController: ActorSubclass<Management>;
  let asViewer: ActorSubclass<Management>;
  let canisterId: Principal;

  beforeAll(async () => {
    served = await serve();
    wasm = new Uint8Array(await readFile(PROBE_WASM));
    ({ canisterId } = await setupProbe(served.network, { sender: controller.getPrincipal(), controllers: [controller.getPrincipal()] }));
    asController = management(await agentFor(served.url, controller));
    asViewer = management(await agentFor(served.url, viewer));
  });
  afterAll(() => served.close());

  it('decodes, every field, with the spec’s types in @dfinity/agent 3 and in @icp-sdk/core 6', async () => {
    const v3 = await asController.canister_status({ canister_id: canisterId });
    // The same key, as @icp-sdk/core's identity, and the canister id as its Principal.
    const identity = IdentityV6.fromSecretKey(controller.getKeyPair().secretKey);
    const agentV6 = await AgentV6.create({ host: served.url, shouldFetchRootKey: true, identity });
    const idV6 = PrincipalV6.fromText(canisterId.toText());
    const v6 = (await ActorV6.createActor(specIdl as unknown as Parameters<typeof ActorV6.createActor>[0], {
      agent: agentV6,
      canisterId: PrincipalV6.managementCanister(),
      effectiveCanisterId: idV6,
    }).canister_status({ canister_id: idV6 })) as SpecStatus;

    for (const status of [v3, v6]) {
      expect(status.status).toEqual({ running: null });
      expect(status.ready_for_migration).toBe(false);
      expect(status.version).toBeGreaterThan(0n); // installed once
      expect(status.settings).toMatchObject(SPEC_DEFAULTS);
      expect(status.settings.controllers.map((p) => p.toText())).toEqual([controller.getPrincipal().toText()]);
      expect(Buffer.from(Uint8Array.from(status.module_hash[0]!)).toString('hex')).toBe(Buffer.from(sha256(wasm)).toString('hex'));
      expect(status.memory_size).toBe(sum(status.memory_metrics));
      expect(status.memory_metrics.wasm_binary_size).toBe(BigInt(wasm.length));
      expect(status.cycles).toBeGreaterThan(0n);
      expect([status.reserved_cycles, status.idle_cycles_burned_per_day]).toEqual([0n, 0n]);
      expect(Object.values(status.query_stats)).toEqual([0n, 0n, 0n, 0n]);
    }
    expect(v6.memory_size).toBe(v3.memory_size);
    expect(v6.version).toBe(v3.version);

    // The two fields more, which icp-cli's types need, are there for a client that knows them.
    const full = await served.network.canisterStatus(canisterId, controller.getPrincipal());
    expect(full.settings.log_memory_limit).toBe(4096n);
    expect(full.memory_metrics.log_memory_store_size).toBe(0n);
  });

  it('measures memory from the canister: heap, stable memory, globals, module, metadata sections, chunk store', async () => {
    const publicSection = customSection('icp:public demo', new Uint8Array(100).fill(1));
    const privateSection = customSection('icp:private notes', new Uint8Array(50).fill(2));
    const otherSection = customSection('other', new Uint8Array(70).fill(3));
    const module = new Uint8Array(Buffer.concat([wasm, publicSection, privateSection, otherSection]));
    expect(customSections(module).map((s) => s.name)).toEqual([
      'producers',
      'target_features',
      'icp:public demo',
      'icp:private notes',
      'other',
    ]);
    const owner = controller.getPrincipal();
    const { canisterId: id } = await served.network.setupCanister<ProbeService>({
      wasm: module,
      idlFactory,
      sender: owner,
      controllers: [owner],
    });
    const canister = served.network.scheduler.canister(id)!;
    const metrics = async () => (await asController.canister_status({ canister_id: id })).memory_metrics;

    const before = await metrics();
    expect(before).toEqual({
      wasm_memory_size: BigInt(canister.instance!.memory.buffer.byteLength),
      stable_memory_size: BigInt(canister.stable.size * 65536),
      global_memory_size: BigInt(canister.module!.mutableGlobals.length * 8),
      wasm_binary_size: BigInt(module.length),
      custom_sections_size: BigInt('icp:public demo'.length + 100 + 'icp:private notes'.length + 50),
      canister_history_size: 0n,
      wasm_chunk_store_size: 0n,
      snapshots_size: 0n,
    });
    // Azle's heap, its stable structures' buckets and its stack pointer and friends: none of them empty.
    expect(before.wasm_memory_size % 65536n).toBe(0n);
    expect(before.stable_memory_size).toBeGreaterThan(0n);
    expect(before.global_memory_size).toBeGreaterThan(0n);

    // Each stored chunk counts as 1 MiB (the spec's charge per chunk), until the store is cleared.
    await asController.upload_chunk({ canister_id: id, chunk: new Uint8Array(10) });
    expect((await metrics()).wasm_chunk_store_size).toBe(1048576n);
    await asController.clear_chunk_store({ canister_id: id });
    expect((await metrics()).wasm_chunk_store_size).toBe(0n);
  });

  it('reads back what update_settings set, the newer fields included, and counts the change in version', async () => {
    const before = await asController.canister_status({ canister_id: canisterId });
    const given = {
      compute_allocation: 5n,
      memory_allocation: 1_000_000_000n,
      freezing_threshold: 86_400n,
      reserved_cycles_limit: 1_000_000_000_000n,
      minimum_incoming_canister_call_cycles: 1_000n,
      log_visibility: { public: null },
      snapshot_visibility: { allowed_viewers: [viewer.getPrincipal()] },
      status_visibility: { controllers: null },
      wasm_memory_limit: 1n << 30n,
      wasm_memory_threshold: 1n << 20n,
      environment_variables: [
        { name: 'MODE', value: 'test' },
        { name: 'API', value: 'https://example.org' },
      ],
    };
    await asController.update_settings({ canister_id: canisterId, settings: settings(given), sender_canister_version: [] });
    const after = await asController.canister_status({ canister_id: canisterId });
    // Environment variables come back in name order, as the replica keeps them.
    expect(after.settings).toEqual({
      ...given,
      controllers: before.settings.controllers,
      environment_variables: [given.environment_variables[1], given.environment_variables[0]],
    });
    expect(after.version).toBe(before.version + 1n);

    // A setting left out stays as it was.
    await asController.update_settings({
      canister_id: canisterId,
      settings: settings({ freezing_threshold: 3_600n }),
      sender_canister_version: [],
    });
    const again = await asController.canister_status({ canister_id: canisterId });
    expect(again.settings).toEqual({ ...after.settings, freezing_threshold: 3_600n });
  });

  it('refuses settings outside the spec’s bounds with CANISTER_REJECT (4), changing nothing', async () => {
    const before = await asController.canister_status({ canister_id: canisterId });
    const tooMany = Array.from({ length: 11 }, () => Ed25519KeyIdentity.generate().getPrincipal());
    const invalid: [SpecSettings, string][] = [
      [settings({ compute_allocation: 101n }), 'compute_allocation'],
      [settings({ wasm_memory_limit: 2n ** 48n + 1n }), 'wasm_memory_limit'],
      [settings({ freezing_threshold: 2n ** 64n }), 'freezing_threshold'],
      [settings({ status_visibility: { allowed_viewers: tooMany } }), 'status_visibility'],
      [settings({ controllers: tooMany }), 'controllers'],
      [
        settings({
          compute_allocation: 7n,
          environment_variables: [
            { name: 'A', value: '1' },
            { name: 'A', value: '2' },
          ],
        }),
        'unique',
      ],
    ];
    for (const [given, what] of invalid) {
      const reject = await agentReject(
        asController.update_settings({ canister_id: canisterId, settings: given, sender_canister_version: [] }),
      );
      expect(reject.code).toBe(4);
      expect(reject.message).toContain('Invalid settings');
      expect(reject.message).toContain(what);
    }
    const creation = await agentReject(
      asController.provisional_create_canister_with_cycles({
        amount: [],
        settings: [settings({ compute_allocation: 200n })],
        specified_id: [],
        sender_canister_version: [],
      }),
    );
    expect(creation.code).toBe(4);
    const after = await asController.canister_status({ canister_id: canisterId });
    expect(after.settings).toEqual(before.settings);
    expect(after.version).toBe(before.version);
  });

  it('lets the principals status_visibility names read the status, besides the controllers', async () => {
    const setVisibility = (status_visibility: SpecSettings['status_visibility'][number]) =>
      asController.update_settings({ canister_id: canisterId, settings: settings({ status_visibility }), sender_canister_version: [] });
    const read = (as: ActorSubclass<Management>) => as.canister_status({ canister_id: canisterId });

    expect(await agentReject(read(asViewer))).toMatchObject({ code: 5, errorCode: 'IC0512' });
    await setVisibility({ allowed_viewers: [viewer.getPrincipal()] });
    expect((await read(asViewer)).settings.status_visibility).toEqual({ allowed_viewers: [viewer.getPrincipal()] });
    const anonymous = management(await agentFor(served.url));
    expect(await agentReject(read(anonymous))).toMatchObject({ code: 5, errorCode: 'IC0512' });

    await setVisibility({ public: null });
    expect((await read(anonymous)).status).toEqual({ running: null });
    await setVisibility({ controllers: null });
    expect(await agentReject(read(asViewer))).toMatchObject({ code: 5, errorCode: 'IC0512' });
    expect((await read(asController)).status).toEqual({ running: null });
  });

  it('applies the settings a canister is created with (provisional_create_canister_with_cycles)', async () => {
    const { canister_id } = await asController.provisional_create_canister_with_cycles({
      amount: [],
      settings: [settings({ freezing_threshold: 100n, wasm_memory_limit: 1n << 32n, environment_variables: [{ name: 'K', value: 'V' }] })],
      specified_id: [],
      sender_canister_version: [],
    });
    const status = await asController.canister_status({ canister_id });
    expect(status.settings).toMatchObject({
      ...SPEC_DEFAULTS,
      freezing_threshold: 100n,
      wasm_memory_limit: 1n << 32n,
      environment_variables: [{ name: 'K', value: 'V' }],
    });
    expect(status.module_hash).toEqual([]);
    expect(status.memory_metrics).toEqual({
      wasm_memory_size: 0n,
      stable_memory_size: 0n,
      global_memory_size: 0n,
      wasm_binary_size: 0n,
      custom_sections_size: 0n,
      canister_history_size: 0n,
      wasm_chunk_store_size: 0n,
      snapshots_size: 0n,
    });
    expect(status.memory_size).toBe(0n);
  });
});
