// One canister's state and the execution of a single message on it: run, then commit or roll back
// heap, stable memory and cycles together.
import { Principal } from '@dfinity/principal';

import { feesFor, MAX_RESPONSE_BYTES } from './cycles.js';
import { ErrorCode, Trap } from './errors.js';
import { WasmInstance } from './host/heap.js';
import { StableMemory } from './host/stable_memory.js';
import { ChunkStore } from './management/chunks.js';
import { defaultSettings, type StoredSettings } from './management/settings.js';
import { type CanisterEnv, type Effects, type ExecInput, SystemApi } from './host/system_api.js';
import type { CompiledModule } from './wasm/module_cache.js';

export type CanisterStatus = 'running' | 'stopping' | 'stopped';

export type Counters = {
  messages: number;
  instructions: bigint;
  cyclesSpent: bigint;
  outcalls: number;
  calls: number;
};

export type Outcome = { ok: true; effects: Effects; instructions: bigint } | { ok: false; trap: Trap; instructions: bigint };

export class Canister implements CanisterEnv {
  readonly idBytes: Uint8Array;
  controllers: Principal[];
  /**
   * The settings besides the controllers (allocations, freezing threshold, visibilities, environment variables...):
   * the spec's defaults until create_canister or update_settings sets them; saved with the rest of the state.
   */
  settings: StoredSettings = defaultSettings();
  cycles: bigint;
  status: CanisterStatus = 'running';
  version = 0n;
  globalTimer = 0n;
  certifiedData: Uint8Array = new Uint8Array(0);
  stable = new StableMemory();
  instance: WasmInstance | null = null;
  readonly counters: Counters = { messages: 0, instructions: 0n, cyclesSpent: 0n, outcalls: 0, calls: 0 };
  /** Wasm chunks uploaded for chunked installation (not persisted across restarts). */
  readonly chunks = new ChunkStore();
  /** Call contexts awaiting replies of outgoing calls; stopping waits until there are none. */
  openCallContexts = 0;

  constructor(
    readonly id: Principal,
    controllers: Principal[],
    cycles: bigint,
    private readonly fees: ReturnType<typeof feesFor>,
    private readonly logger: (canister: Principal, message: string) => void,
  ) {
    this.idBytes = id.toUint8Array();
    this.controllers = controllers;
    this.cycles = cycles;
  }

  get module(): CompiledModule | null {
    return this.instance?.compiled ?? null;
  }

  isController(principal: Uint8Array): boolean {
    return this.controllers.some((c) => Buffer.compare(c.toUint8Array(), principal) === 0);
  }

  callCost(methodLength: number | bigint, argLength: number | bigint): { fee: bigint; reservation: bigint } {
    return {
      fee: this.fees.xnetCall + this.fees.xnetByte * (BigInt(methodLength) + BigInt(argLength)),
      reservation: this.fees.xnetByte * MAX_RESPONSE_BYTES,
    };
  }

  log(message: string): void {
    this.logger(this.id, message);
  }

  /**
   * Creates a fresh instance of a module (for install, reinstall and upgrade). Runs no canister code:
   * the instrumentation turned the start function into an export that installation runs.
   */
  instantiate(compiled: CompiledModule): WasmInstance {
    const api = new SystemApi();
    const instance = new WasmInstance(compiled, api.imports());
    api.attach(instance);
    instanceApis.set(instance, api);
    return instance;
  }

  /**
   * Runs one entry point on an instance (the canister's own unless given). Does not commit: the
   * caller decides with commit() or rollback(), since an upgrade spans several executions.
   */
  run(input: ExecInput, invoke: (instance: WasmInstance) => void, limit: bigint, instance: WasmInstance | null = this.instance): Outcome {
    if (!instance) throw new Error('canister has no module');
    const api = instanceApis.get(instance)!;
    api.start(this, input);
    instance.begin(limit);
    try {
      invoke(instance);
      api.finish();
      if (instance.limitExceeded) throw limitTrap(limit);
      return { ok: true, effects: api.effects, instructions: instance.instructions };
    } catch (error) {
      const trap = instance.limitExceeded ? limitTrap(limit) : this.toTrap(error);
      return { ok: false, trap, instructions: instance.instructions };
    }
  }

  /**
   * Whatever stops canister code is a trap of that message, which is rolled back, so that no canister
   * can stop the network: a host error on its behalf (say, a RangeError on an absurd argument) too,
   * though that is logged as a bug of the local network.
   */
  private toTrap(error: unknown): Trap {
    if (error instanceof Trap) return error;
    if (error instanceof WebAssembly.RuntimeError) return new Trap(error.message, ErrorCode.CANISTER_TRAPPED);
    if (error instanceof RangeError && /call stack/i.test(error.message)) return new Trap('stack overflow', ErrorCode.CANISTER_TRAPPED);
    const message = error instanceof Error ? error.message : String(error);
    this.log(`[local network] internal error while executing canister code: ${error instanceof Error ? error.stack : message}`);
    return new Trap(`internal error of the local network: ${message}`, ErrorCode.CANISTER_TRAPPED);
  }

  /** Charges execution: the base fee plus instructions; false when the balance does not cover it. */
  chargeExecution(instructions: bigint, delta = 0n): boolean {
    const cost = this.fees.updateMessageExecution + this.fees.perInstruction(instructions);
    if (this.cycles + delta < cost) return false;
    this.cycles -= cost;
    this.counters.cyclesSpent += cost;
    this.counters.instructions += instructions;
    this.counters.messages += 1;
    return true;
  }

  /** Cycles needed before a message may start: the base fee. */
  canAffordExecution(): boolean {
    return this.cycles >= this.fees.updateMessageExecution;
  }

  /** Counts the commits of state, so that a query's answer can be reused while the state it read is unchanged. */
  commits = 0;

  commit(instance: WasmInstance | null = this.instance): void {
    this.commits++;
    instance?.commit();
    this.stable.commit();
  }

  rollback(instance: WasmInstance | null = this.instance): void {
    instance?.rollback();
    this.stable.rollback();
  }

  /** Applies the state changes of a successful execution (outgoing calls are the scheduler's). */
  applyEffects(effects: Effects): void {
    this.cycles += effects.balanceDelta;
    if (effects.certifiedData) this.certifiedData = effects.certifiedData;
    if (effects.globalTimer !== undefined) this.globalTimer = effects.globalTimer;
  }

  exportsMethod(kind: 'update' | 'query', method: string): boolean {
    const exports = this.module?.exports;
    if (!exports) return false;
    if (kind === 'query') return exports.has(`canister_query ${method}`) || exports.has(`canister_composite_query ${method}`);
    return exports.has(`canister_update ${method}`);
  }
}

const instanceApis = new WeakMap<WasmInstance, SystemApi>();

function limitTrap(limit: bigint): Trap {
  return new Trap(
    `Canister exceeded the limit of ${limit} instructions for single message execution.`,
    ErrorCode.INSTRUCTION_LIMIT_EXCEEDED,
  );
}

/** The message a caller sees for a trap, in the replica's words. */
export function trapMessage(canisterId: Principal, trap: Trap): string {
  const id = canisterId.toText();
  switch (trap.errorCode) {
    case ErrorCode.CANISTER_CALLED_TRAP:
      return `Error from Canister ${id}: Canister called \`ic0.trap\` with message: '${trap.message}'`;
    case ErrorCode.CANISTER_TRAPPED:
      return `Error from Canister ${id}: Canister trapped: ${trap.message}`;
    case ErrorCode.CANISTER_CONTRACT_VIOLATION:
      return `Error from Canister ${id}: Canister violated contract: ${trap.message}`;
    default:
      return `Error from Canister ${id}: ${trap.message}`;
  }
}
