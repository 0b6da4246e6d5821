// The programmatic face of the local network, shaped like @dfinity/pic's PocketIc so ICP developers
// feel at home: create, setupCanister, createActor, updateCall/queryCall, advanceTime, tick, stop.
import { IDL } from '@dfinity/candid';
import { Principal } from '@dfinity/principal';
import { readFile } from 'node:fs/promises';

import type { Canister, Counters } from './canister.js';
import { Certifier } from './certification/certifier.js';
import { StateCertificates } from './certification/state_certificate.js';
import { Reject } from './errors.js';
import { type Actor, createActor } from './actor.js';
import { ManagementCanister, DEFAULT_PROVISIONAL_CYCLES } from './management/index.js';
import {
  CanisterIdRecord,
  CanisterStatusResult,
  InstallCodeArgs,
  ProvisionalCreateArgs,
  settingsArg,
  UpdateSettingsArgs,
} from './management/types.js';
import { type CallResult, MANAGEMENT_CANISTER, Scheduler } from './scheduler.js';
import { hasState, loadState, saveState } from './state/persistence.js';

export type LocalNetworkOptions = {
  /** Keep canisters here across restarts; nothing is written without it. */
  stateDir?: string;
  /** Replicas simulated for HTTPS outcalls and cycle prices (default 13, like an application subnet). */
  subnetSize?: number;
  /** Initial time (default: now). */
  time?: Date | number;
  /** Follow the wall clock (for a long-running network); tests leave it off and call advanceTime. */
  autoTime?: boolean;
  /** Receives canister debug_print output; by default it is kept in canisterLogs(). */
  log?: (canisterId: Principal, message: string) => void;
};

export type SetupCanisterOptions<T> = {
  wasm: string | Uint8Array;
  arg?: Uint8Array;
  sender?: Principal;
  controllers?: Principal[];
  cycles?: bigint;
  idlFactory?: IDL.InterfaceFactory;
} & ({ idlFactory: IDL.InterfaceFactory } | { idlFactory?: undefined }) &
  Record<never, T>;

export type CallOptions = { canisterId: Principal; method: string; arg?: Uint8Array; sender?: Principal };

const MAX_LOG_LINES = 1000;
const EMPTY_ARG = new Uint8Array(IDL.encode([], []));

export class LocalNetwork {
  private readonly logs = new Map<string, string[]>();
  private clock: NodeJS.Timeout | null = null;
  private nextCanisterIndex = 0n;
  readonly scheduler: Scheduler;
  /** The root key that signs certificates; kept in the state directory across restarts. */
  certifier = new Certifier();

  private constructor(private readonly options: LocalNetworkOptions) {
    const start = options.time instanceof Date ? options.time.getTime() : (options.time ?? Date.now());
    this.scheduler = new Scheduler({
      subnetSize: options.subnetSize ?? 13,
      time: BigInt(Math.floor(start)) * 1_000_000n,
      log: options.log ?? ((id, message) => this.keepLog(id, message)),
    });
    this.scheduler.management = new ManagementCanister(this.scheduler, () => this.nextCanisterIndex++);
  }

  static async create(options: LocalNetworkOptions = {}): Promise<LocalNetwork> {
    const network = new LocalNetwork(options);
    if (options.stateDir && hasState(options.stateDir)) {
      const state = await loadState(options.stateDir, network.scheduler);
      network.nextCanisterIndex = state.nextCanisterIndex;
      network.certifier = new Certifier(state.rootSecretKey);
    }
    if (options.autoTime) {
      network.followClock();
      network.clock = setInterval(() => network.followClock(), 100);
      network.clock.unref();
    }
    return network;
  }

  private followClock(): void {
    const now = BigInt(Date.now()) * 1_000_000n;
    if (now > this.scheduler.time) this.scheduler.time = now;
    this.scheduler.drain();
  }

  private keepLog(id: Principal, message: string): void {
    const lines = this.logs.get(id.toText()) ?? [];
    lines.push(message);
    if (lines.length > MAX_LOG_LINES) lines.shift();
    this.logs.set(id.toText(), lines);
  }

  /** The last debug_print lines of a canister. */
  canisterLogs(canisterId: Principal): string[] {
    return [...(this.logs.get(canisterId.toText()) ?? [])];
  }

  // Calls

  /** An update call as an ingress message; resolves with the reply bytes or throws a Reject. */
  async updateCall(options: CallOptions): Promise<Uint8Array> {
    return unwrap(await this.submitIngress(options));
  }

  /** A query call: runs at once and never changes state. */
  async queryCall(options: CallOptions): Promise<Uint8Array> {
    return unwrap(this.runQuery(options));
  }

  /**
   * Inducts an ingress message and resolves with its result; one refused before induction
   * (refuseIngress) resolves with that rejection.
   */
  submitIngress(options: CallOptions): Promise<CallResult> {
    const refusal = this.refuseIngress(options);
    return refusal ? Promise.resolve({ reject: refusal }) : this.inductIngress(options);
  }

  /** Charges the ingress fee and queues the message (the caller has checked refuseIngress). */
  inductIngress({ canisterId, method, arg = EMPTY_ARG, sender = Principal.anonymous() }: CallOptions): Promise<CallResult> {
    const canister = this.scheduler.canister(canisterId);
    if (canister) {
      const fees = this.scheduler.fees;
      const cost = fees.ingressMessage + fees.ingressByte * BigInt(method.length + arg.length);
      canister.cycles -= cost;
      canister.counters.cyclesSpent += cost;
    }
    return this.scheduler.submit({ caller: sender, callee: canisterId, method, arg, cycles: 0n });
  }

  /**
   * Why an ingress message is refused before it enters the network's state, charging nothing: the
   * canister cannot pay for the ingress and the execution's base fee, or its
   * canister_inspect_message does not accept it.
   */
  refuseIngress({ canisterId, method, arg = EMPTY_ARG, sender = Principal.anonymous() }: CallOptions): Reject | null {
    const canister = this.scheduler.canister(canisterId);
    if (!canister) return null;
    const fees = this.scheduler.fees;
    const cost = fees.ingressMessage + fees.ingressByte * BigInt(method.length + arg.length);
    if (canister.cycles < cost + fees.updateMessageExecution) return this.scheduler.outOfCycles(canister);
    return canister.status === 'running' ? this.scheduler.inspect(canister, method, arg, sender) : null;
  }

  runQuery({ canisterId, method, arg = EMPTY_ARG, sender = Principal.anonymous() }: CallOptions): CallResult {
    const canister = this.scheduler.canister(canisterId);
    const refusal = this.scheduler.refusal(canister, canisterId, method, 'query');
    if (refusal) return { reject: refusal };
    return this.scheduler.query(canister!, method, arg, sender, () => this.dataCertificate(canister!));
  }

  /**
   * The subnet's certified state: signed once per round (when certified data changes, or a round after the last
   * signature) and shared by every query until then, as the replica does.
   */
  get certifiedState(): StateCertificates {
    if (this.stateCertificates?.certifier !== this.certifier) this.stateCertificates = new StateCertificates(this.certifier);
    return this.stateCertificates;
  }
  private stateCertificates: StateCertificates | null = null;

  private dataCertificate(canister: Canister): Uint8Array {
    return this.certifiedState.dataCertificate(canister.id, this.scheduler.canisters.values(), this.scheduler.time);
  }

  private async management(method: string, type: IDL.Type, args: unknown, sender: Principal): Promise<Uint8Array> {
    const arg = new Uint8Array(IDL.encode([type], [args]));
    return unwrap(await this.scheduler.submit({ caller: sender, callee: MANAGEMENT_CANISTER, method, arg, cycles: 0n }));
  }

  createActor<T = Record<string, (...args: unknown[]) => Promise<unknown>>>(
    idlFactory: IDL.InterfaceFactory,
    canisterId: Principal,
  ): Actor<T> {
    return createActor<T>(this, idlFactory, canisterId);
  }

  // Canister lifecycle

  async createCanister(
    { sender = Principal.anonymous(), controllers, cycles = DEFAULT_PROVISIONAL_CYCLES } = {} as {
      sender?: Principal;
      controllers?: Principal[];
      cycles?: bigint;
    },
  ): Promise<Principal> {
    const settings = controllers ? [settingsArg(controllers)] : [];
    const reply = await this.management(
      'provisional_create_canister_with_cycles',
      ProvisionalCreateArgs,
      { amount: [cycles], settings, specified_id: [], sender_canister_version: [] },
      sender,
    );
    return (IDL.decode([CanisterIdRecord], reply)[0] as unknown as { canister_id: Principal }).canister_id;
  }

  async installCode(options: { canisterId: Principal; wasm: string | Uint8Array; arg?: Uint8Array; sender?: Principal }): Promise<void> {
    await this.install(options, { install: null });
  }

  async reinstallCode(options: { canisterId: Principal; wasm: string | Uint8Array; arg?: Uint8Array; sender?: Principal }): Promise<void> {
    await this.install(options, { reinstall: null });
  }

  async upgradeCanister(options: {
    canisterId: Principal;
    wasm: string | Uint8Array;
    arg?: Uint8Array;
    sender?: Principal;
  }): Promise<void> {
    await this.install(options, { upgrade: [] });
  }

  private async install(
    {
      canisterId,
      wasm,
      arg = EMPTY_ARG,
      sender = Principal.anonymous(),
    }: { canisterId: Principal; wasm: string | Uint8Array; arg?: Uint8Array; sender?: Principal },
    mode: object,
  ): Promise<void> {
    const wasm_module = typeof wasm === 'string' ? new Uint8Array(await readFile(wasm)) : wasm;
    await this.management(
      'install_code',
      InstallCodeArgs,
      { mode, canister_id: canisterId, wasm_module, arg, sender_canister_version: [] },
      sender,
    );
  }

  /** Creates a canister, installs the module and, given an idlFactory, returns an actor for it. */
  async setupCanister<T = Record<string, (...args: unknown[]) => Promise<unknown>>>(
    options: SetupCanisterOptions<T>,
  ): Promise<{ canisterId: Principal; actor: Actor<T> }> {
    const sender = options.sender ?? Principal.anonymous();
    const canisterId = await this.createCanister({ sender, controllers: options.controllers, cycles: options.cycles });
    await this.installCode({ canisterId, wasm: options.wasm, arg: options.arg, sender });
    const actor = options.idlFactory ? this.createActor<T>(options.idlFactory, canisterId) : (undefined as never);
    return { canisterId, actor };
  }

  async startCanister(canisterId: Principal, sender = Principal.anonymous()): Promise<void> {
    await this.management('start_canister', CanisterIdRecord, { canister_id: canisterId }, sender);
  }

  async stopCanister(canisterId: Principal, sender = Principal.anonymous()): Promise<void> {
    await this.management('stop_canister', CanisterIdRecord, { canister_id: canisterId }, sender);
  }

  async deleteCanister(canisterId: Principal, sender = Principal.anonymous()): Promise<void> {
    await this.management('delete_canister', CanisterIdRecord, { canister_id: canisterId }, sender);
  }

  async canisterStatus(canisterId: Principal, sender = Principal.anonymous()) {
    const reply = await this.management('canister_status', CanisterIdRecord, { canister_id: canisterId }, sender);
    return IDL.decode([CanisterStatusResult], reply)[0] as unknown as CanisterStatusResult;
  }

  async updateCanisterSettings(canisterId: Principal, controllers: Principal[], sender = Principal.anonymous()): Promise<void> {
    await this.management(
      'update_settings',
      UpdateSettingsArgs,
      { canister_id: canisterId, settings: settingsArg(controllers), sender_canister_version: [] },
      sender,
    );
  }

  async getControllers(canisterId: Principal): Promise<Principal[]> {
    return [...this.mustGet(canisterId).controllers];
  }

  // Cycles and counters

  async getCyclesBalance(canisterId: Principal): Promise<bigint> {
    return this.mustGet(canisterId).cycles;
  }

  /** Tops a canister up (provisional_top_up_canister); returns the new balance. */
  async addCycles(canisterId: Principal, amount: bigint): Promise<bigint> {
    const canister = this.mustGet(canisterId);
    canister.cycles += amount;
    return canister.cycles;
  }

  /** Per-canister counters of executed messages, instructions, cycles spent, calls and outcalls. */
  getCounters(canisterId: Principal): Counters {
    return { ...this.mustGet(canisterId).counters };
  }

  private mustGet(canisterId: Principal): Canister {
    const canister = this.scheduler.canister(canisterId);
    if (!canister) throw new Error(`Canister ${canisterId.toText()} not found`);
    return canister;
  }

  // Time

  /** Current time in milliseconds since the epoch, like PocketIc.getTime. */
  async getTime(): Promise<number> {
    return Number(this.scheduler.time / 1_000_000n);
  }

  async setTime(time: Date | number): Promise<void> {
    const ms = time instanceof Date ? time.getTime() : time;
    this.scheduler.time = BigInt(Math.floor(ms)) * 1_000_000n;
  }

  /** Moves time forward; timers that fall due run on the next tick (or the next message). */
  async advanceTime(ms: number): Promise<void> {
    this.scheduler.time += BigInt(Math.round(ms * 1_000_000));
  }

  /** Executes everything that is due: queued messages, timers, and outcalls in flight. */
  async tick(times = 1): Promise<void> {
    for (let i = 0; i < times; i++) await this.scheduler.settle();
  }

  // Lifetime

  /** Writes every canister to the state directory (stop() does this too). */
  async checkpoint(): Promise<void> {
    if (!this.options.stateDir) throw new Error('this network was created without a stateDir');
    await this.scheduler.settle();
    await saveState(this.options.stateDir, this.scheduler, {
      nextCanisterIndex: this.nextCanisterIndex,
      rootSecretKey: this.certifier.secretKey,
    });
  }

  async stop(): Promise<void> {
    if (this.clock) clearInterval(this.clock);
    this.clock = null;
    if (this.options.stateDir) await this.checkpoint();
  }
}

function unwrap(result: CallResult): Uint8Array {
  if ('reject' in result) throw result.reject;
  return result.reply;
}

export { Reject };
