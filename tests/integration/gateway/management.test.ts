// The management canister (aaaaa-aa) through the gateway, called the way dfx deploys: the stock
// agent, an actor built from the interface specification's candid (ic.did) and the effective
// canister id each call needs. A controller creates, installs, inspects and upgrades a canister;
// anyone else is refused with CANISTER_ERROR (5), IC0512.
import { Actor, type ActorSubclass, CanisterStatus, type HttpAgent } from '@dfinity/agent';
import { IDL } from '@dfinity/candid';
import { Ed25519KeyIdentity } from '@dfinity/identity';
import { Principal } from '@dfinity/principal';
import { sha256 } from '@noble/hashes/sha2';
import { readFile } from 'node:fs/promises';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { PROBE_WASM } from '../localnet/probe.js';
import { agentFor, agentReject, probeActor, type Served, serve } from './fixture.js';

// From the interface specification's ic.did, for the methods used here.
const managementIdl: IDL.InterfaceFactory = ({ IDL }) => {
  const canister_id = IDL.Principal;
  const log_visibility = IDL.Variant({ controllers: IDL.Null, public: IDL.Null, allowed_viewers: IDL.Vec(IDL.Principal) });
  const environment_variable = IDL.Record({ name: IDL.Text, value: IDL.Text });
  const canister_settings = IDL.Record({
    controllers: IDL.Opt(IDL.Vec(IDL.Principal)),
    compute_allocation: IDL.Opt(IDL.Nat),
    memory_allocation: IDL.Opt(IDL.Nat),
    freezing_threshold: IDL.Opt(IDL.Nat),
    reserved_cycles_limit: IDL.Opt(IDL.Nat),
    log_visibility: IDL.Opt(log_visibility),
    wasm_memory_limit: IDL.Opt(IDL.Nat),
    wasm_memory_threshold: IDL.Opt(IDL.Nat),
    environment_variables: IDL.Opt(IDL.Vec(environment_variable)),
  });
  const canister_install_mode = IDL.Variant({
    install: IDL.Null,
    reinstall: IDL.Null,
    upgrade: IDL.Opt(
      IDL.Record({
        skip_pre_upgrade: IDL.Opt(IDL.Bool),
        wasm_memory_persistence: IDL.Opt(IDL.Variant({ keep: IDL.Null, replace: IDL.Null })),
      }),
    ),
  });
  // canister_status returns more fields; candid decoding keeps the ones named here.
  const canister_status_result = IDL.Record({
    status: IDL.Variant({ running: IDL.Null, stopping: IDL.Null, stopped: IDL.Null }),
    settings: IDL.Record({ controllers: IDL.Vec(IDL.Principal) }),
    module_hash: IDL.Opt(IDL.Vec(IDL.Nat8)),
    cycles: IDL.Nat,
  });
  return IDL.Service({
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
    install_code: IDL.Func(
      [
        IDL.Record({
          mode: canister_install_mode,
          canister_id,
          wasm_module: IDL.Vec(IDL.Nat8),
          arg: IDL.Vec(IDL.Nat8),
          sender_canister_version: IDL.Opt(IDL.Nat64),
        }),
      ],
      [],
      [],
    ),
    update_settings: IDL.Func(
      [IDL.Record({ canister_id, settings: canister_settings, sender_canister_version: IDL.Opt(IDL.Nat64) })],
      [],
      [],
    ),
    canister_status: IDL.Func([IDL.Record({ canister_id })], [canister_status_result], []),
    upload_chunk: IDL.Func([IDL.Record({ canister_id, chunk: IDL.Vec(IDL.Nat8) })], [IDL.Record({ hash: IDL.Vec(IDL.Nat8) })], []),
    install_chunked_code: IDL.Func(
      [
        IDL.Record({
          mode: canister_install_mode,
          target_canister: canister_id,
          store_canister: IDL.Opt(canister_id),
          chunk_hashes_list: IDL.Vec(IDL.Record({ hash: IDL.Vec(IDL.Nat8) })),
          wasm_module_hash: IDL.Vec(IDL.Nat8),
          arg: IDL.Vec(IDL.Nat8),
          sender_canister_version: IDL.Opt(IDL.Nat64),
        }),
      ],
      [],
      [],
    ),
  });
};

type Settings = {
  controllers: [] | [Principal[]];
  compute_allocation: [] | [bigint];
  memory_allocation: [] | [bigint];
  freezing_threshold: [] | [bigint];
  reserved_cycles_limit: [] | [bigint];
  log_visibility: [];
  wasm_memory_limit: [] | [bigint];
  wasm_memory_threshold: [] | [bigint];
  environment_variables: [];
};
type Mode = { install: null } | { reinstall: null } | { upgrade: [] };
type Management = {
  provisional_create_canister_with_cycles(arg: {
    amount: [] | [bigint];
    settings: [] | [Settings];
    specified_id: [];
    sender_canister_version: [];
  }): Promise<{ canister_id: Principal }>;
  install_code(arg: {
    mode: Mode;
    canister_id: Principal;
    wasm_module: Uint8Array;
    arg: Uint8Array;
    sender_canister_version: [];
  }): Promise<void>;
  update_settings(arg: { canister_id: Principal; settings: Settings; sender_canister_version: [] }): Promise<void>;
  upload_chunk(arg: { canister_id: Principal; chunk: Uint8Array }): Promise<{ hash: Uint8Array | number[] }>;
  install_chunked_code(arg: {
    mode: Mode;
    target_canister: Principal;
    store_canister: [];
    chunk_hashes_list: { hash: Uint8Array }[];
    wasm_module_hash: Uint8Array;
    arg: Uint8Array;
    sender_canister_version: [];
  }): Promise<void>;
  canister_status(arg: { canister_id: Principal }): Promise<{
    status: { running: null } | { stopping: null } | { stopped: null };
    settings: { controllers: Principal[] };
    module_hash: [] | [Uint8Array | number[]];
    cycles: bigint;
  }>;
};

const settings = (controllers?: Principal[]): Settings => ({
  controllers: controllers ? [controllers] : [],
  compute_allocation: [],
  memory_allocation: [],
  freezing_threshold: [],
  reserved_cycles_limit: [],
  log_visibility: [],
  wasm_memory_limit: [],
  wasm_memory_threshold: [],
  environment_variables: [],
});

/** The management canister as an agent-based tool calls it: each call names its effective canister id. */
function management(agent: HttpAgent): ActorSubclass<Management> {
  return Actor.createActor<Management>(managementIdl, {
    agent,
    canisterId: Principal.managementCanister(),
    effectiveCanisterId: Principal.managementCanister(),
    callTransform: (_method, args) => {
      const first = args[0] as { canister_id?: Principal; target_canister?: Principal } | undefined;
      const target = first?.canister_id ?? first?.target_canister;
      return target ? { effectiveCanisterId: target } : {};
    },
  });
}

describe('the management canister through the gateway', () => {
  let served: Served;
  let wasm: Uint8Array;
  const controller = Ed25519KeyIdentity.generate();
  const stranger = Ed25519KeyIdentity.generate();
  let asController: ActorSubclass<Management>;
  let asStranger: ActorSubclass<Management>;
  let controllerAgent: HttpAgent;
  let canisterId: Principal;

  beforeAll(async () => {
    served = await serve();
    // Gzipped, as dfx and icp-cli send it: the 3.5 MB module would not fit in a 2 MiB ingress message.
    wasm = new Uint8Array(gzipSync(await readFile(PROBE_WASM)));
    controllerAgent = await agentFor(served.url, controller);
    asController = management(controllerAgent);
    asStranger = management(await agentFor(served.url, stranger));
  });
  afterAll(() => served.close());

  it('lets a user create a canister with cycles (provisional API) and become its controller', async () => {
    ({ canister_id: canisterId } = await asController.provisional_create_canister_with_cycles({
      amount: [10_000_000_000_000n],
      settings: [],
      specified_id: [],
      sender_canister_version: [],
    }));
    expect(await served.network.getControllers(canisterId)).toEqual([controller.getPrincipal()]);
    const status = await asController.canister_status({ canister_id: canisterId });
    expect(status.module_hash).toEqual([]);
    expect(status.status).toEqual({ running: null });
    expect(status.settings.controllers.map((p) => p.toText())).toEqual([controller.getPrincipal().toText()]);
  });

  it('installs the probe Wasm for its controller, which then answers calls', async () => {
    await asController.install_code({
      mode: { install: null },
      canister_id: canisterId,
      wasm_module: wasm,
      arg: new Uint8Array(IDL.encode([], [])),
      sender_canister_version: [],
    });
    const probe = probeActor(controllerAgent, canisterId);
    expect((await probe.whoami()).toText()).toBe(controller.getPrincipal().toText());
    expect(await probe.caller_is_controller()).toBe(true);
    expect(await probe.increment()).toBe(1n);
    expect(await probe.increment()).toBe(2n);

    const hash = Buffer.from(sha256(wasm)).toString('hex');
    const status = await asController.canister_status({ canister_id: canisterId });
    expect(Buffer.from(Uint8Array.from(status.module_hash[0]!)).toString('hex')).toBe(hash);
    const certified = await CanisterStatus.request({ canisterId, agent: controllerAgent, paths: ['module_hash', 'controllers'] });
    expect(certified.get('module_hash')).toBe(hash);
    expect((certified.get('controllers') as Principal[]).map((p) => p.toText())).toEqual([controller.getPrincipal().toText()]);
  });

  it('installs a module uploaded in chunks, as dfx does for large modules (effective id: the target canister)', async () => {
    const { canister_id: target } = await asController.provisional_create_canister_with_cycles({
      amount: [],
      settings: [],
      specified_id: [],
      sender_canister_version: [],
    });
    const hashes: Uint8Array[] = [];
    for (let at = 0; at < wasm.length; at += 1024 * 1024) {
      const { hash } = await asController.upload_chunk({ canister_id: target, chunk: wasm.subarray(at, at + 1024 * 1024) });
      hashes.push(Uint8Array.from(hash));
    }
    await asController.install_chunked_code({
      mode: { install: null },
      target_canister: target,
      store_canister: [],
      chunk_hashes_list: hashes.map((hash) => ({ hash })),
      wasm_module_hash: sha256(wasm),
      arg: new Uint8Array(IDL.encode([], [])),
      sender_canister_version: [],
    });
    expect(await probeActor(controllerAgent, target).increment()).toBe(1n);
  });

  it('upgrades in place for its controller, keeping stable state (a second `dfx deploy`)', async () => {
    const probe = probeActor(controllerAgent, canisterId);
    await probe.put('deployed', 'first');
    await asController.install_code({
      mode: { upgrade: [] },
      canister_id: canisterId,
      wasm_module: wasm,
      arg: new Uint8Array(IDL.encode([], [])),
      sender_canister_version: [],
    });
    expect(await probe.upgrades()).toBe(1n);
    // pre_upgrade saw the heap counter; the stable map survived; the heap starts afresh.
    expect(await probe.counter_at_upgrade()).toEqual([2n]);
    expect(await probe.lookup('deployed')).toEqual(['first']);
    expect(await probe.get()).toBe(0n);
    expect(await probe.increment()).toBe(1n);
  });

  it('refuses install_code and canister_status from a non-controller with CANISTER_ERROR (5), IC0512, changing nothing', async () => {
    const install = await agentReject(
      asStranger.install_code({
        mode: { reinstall: null },
        canister_id: canisterId,
        wasm_module: wasm,
        arg: new Uint8Array(IDL.encode([], [])),
        sender_canister_version: [],
      }),
    );
    expect(install).toMatchObject({ code: 5, errorCode: 'IC0512' });
    expect(install.message).toContain(stranger.getPrincipal().toText());

    const status = await agentReject(asStranger.canister_status({ canister_id: canisterId }));
    expect(status).toMatchObject({ code: 5, errorCode: 'IC0512' });

    const settingsChange = await agentReject(
      asStranger.update_settings({ canister_id: canisterId, settings: settings([stranger.getPrincipal()]), sender_canister_version: [] }),
    );
    expect(settingsChange).toMatchObject({ code: 5, errorCode: 'IC0512' });

    // The reinstall did not happen (it would have wiped the state), and the controllers are as they were.
    const probe = probeActor(controllerAgent, canisterId);
    expect(await probe.get()).toBe(1n);
    expect(await probe.lookup('deployed')).toEqual(['first']);
    expect(await probe.upgrades()).toBe(1n);
    expect(await served.network.getControllers(canisterId)).toEqual([controller.getPrincipal()]);
  });

  it('lets the controller hand control to another principal, who may then install', async () => {
    await asController.update_settings({
      canister_id: canisterId,
      settings: settings([controller.getPrincipal(), stranger.getPrincipal()]),
      sender_canister_version: [],
    });
    await asStranger.install_code({
      mode: { reinstall: null },
      canister_id: canisterId,
      wasm_module: wasm,
      arg: new Uint8Array(IDL.encode([], [])),
      sender_canister_version: [],
    });
    const probe = probeActor(controllerAgent, canisterId);
    expect(await probe.lookup('deployed')).toEqual([]);
    expect(await probe.upgrades()).toBe(0n);
    expect(await probe.get()).toBe(0n);
  });

  it('creates a canister with the controllers given in its settings', async () => {
    const { canister_id } = await asStranger.provisional_create_canister_with_cycles({
      amount: [],
      settings: [settings([controller.getPrincipal()])],
      specified_id: [],
      sender_canister_version: [],
    });
    expect(await served.network.getControllers(canister_id)).toEqual([controller.getPrincipal()]);
    const refused = await agentReject(
      asStranger.install_code({
        mode: { install: null },
        canister_id,
        wasm_module: wasm,
        arg: new Uint8Array(IDL.encode([], [])),
        sender_canister_version: [],
      }),
    );
    expect(refused).toMatchObject({ code: 5, errorCode: 'IC0512' });
  });
});
