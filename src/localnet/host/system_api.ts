// The ic0 System API, as the IC interface specification defines it, for one message execution at a
// time. Each function checks that it is available in the current kind of execution and traps with
// the spec's contract violation otherwise; arguments are read as the unsigned values the spec means,
// and every range is checked before anything is allocated or written.
import { ErrorCode, Trap } from '../errors.js';
import type { ModuleImport } from '../wasm/instrument.js';
import type { WasmInstance } from './heap.js';
import type { StableMemory } from './stable_memory.js';

/** Execution kinds of the spec: init/post_upgrade, pre_upgrade, update, replicated and
 * non-replicated query, reply and reject callback, cleanup, system task (timer), the module's
 * (start) function, and canister_inspect_message. */
export type ExecKind = 'I' | 'G' | 'U' | 'RQ' | 'NRQ' | 'Ry' | 'Rt' | 'C' | 'T' | 's' | 'F';

export type OutgoingCall = {
  callee: Uint8Array;
  method: string;
  arg: Uint8Array;
  cycles: bigint;
  reply: { fn: number; env: number };
  reject: { fn: number; env: number };
  cleanup?: { fn: number; env: number };
  /** Best-effort call timeout in seconds, if set. */
  timeoutSeconds?: number;
};

export type ExecInput = {
  kind: ExecKind;
  method: string;
  arg: Uint8Array;
  caller: Uint8Array;
  time: bigint;
  /** Cycles the call context still has to accept; only in U, Ry, Rt. */
  cyclesAvailable: bigint;
  /** Whether the call context can still reply (U, queries, callbacks of an unreplied context). */
  canReply: boolean;
  refunded?: bigint;
  rejectCode?: number;
  rejectMessage?: string;
  /** The data certificate a non-replicated query may read; made only when asked for (signing is slow). */
  certificate?: () => Uint8Array;
};

export type Effects = {
  replied?: Uint8Array;
  rejected?: string;
  calls: OutgoingCall[];
  /** Change of the canister's balance: accepted cycles, minus cycles attached, burned or reserved. */
  balanceDelta: bigint;
  accepted: bigint;
  certifiedData?: Uint8Array;
  globalTimer?: bigint;
  /** canister_inspect_message called accept_message: the ingress message may be inducted. */
  messageAccepted?: boolean;
};

/** What the System API needs from the canister it runs for. */
export interface CanisterEnv {
  readonly idBytes: Uint8Array;
  readonly stable: StableMemory;
  readonly cycles: bigint;
  readonly version: bigint;
  readonly globalTimer: bigint;
  readonly status: 'running' | 'stopping' | 'stopped';
  isController(principal: Uint8Array): boolean;
  /** Cycles a call costs the caller at call_perform: transmission plus the reserved reply. */
  callCost(methodLength: number | bigint, argLength: number | bigint): { fee: bigint; reservation: bigint };
  log(message: string): void;
}

// Where each function may be called: the spec's overview of imports, for the kinds this network
// runs (it runs no composite queries). msg_method_name_* and accept_message belong to
// canister_inspect_message (F) alone; Azle 0.33 calls msg_method_name only from @inspectMessage.
const ANY: ExecKind[] = ['I', 'G', 'U', 'RQ', 'NRQ', 'Ry', 'Rt', 'C', 'T', 'F']; // the spec's "*": not in (start)
const ANY_OR_START: ExecKind[] = [...ANY, 's']; // "* s"
const ARG: ExecKind[] = ['I', 'U', 'RQ', 'NRQ', 'Ry', 'F'];
const REPLY: ExecKind[] = ['U', 'RQ', 'NRQ', 'Ry', 'Rt'];
const CYCLES_IN: ExecKind[] = ['U', 'RQ', 'Ry', 'Rt'];
const CALLBACK: ExecKind[] = ['Ry', 'Rt'];
const CALL: ExecKind[] = ['U', 'Ry', 'Rt', 'T'];
const INSPECT: ExecKind[] = ['F'];

/** The ic0 functions this host provides: their Wasm types (32-bit memory) and where they may be called. */
export const IC0 = {
  msg_arg_data_size: ['() -> i32', ARG],
  msg_arg_data_copy: ['(i32, i32, i32) -> ()', ARG],
  msg_caller_size: ['() -> i32', ANY],
  msg_caller_copy: ['(i32, i32, i32) -> ()', ANY],
  msg_reject_code: ['() -> i32', ['Ry', 'Rt', 'C']],
  msg_reject_msg_size: ['() -> i32', ['Rt']],
  msg_reject_msg_copy: ['(i32, i32, i32) -> ()', ['Rt']],
  msg_method_name_size: ['() -> i32', INSPECT],
  msg_method_name_copy: ['(i32, i32, i32) -> ()', INSPECT],
  accept_message: ['() -> ()', INSPECT],
  msg_reply_data_append: ['(i32, i32) -> ()', REPLY],
  msg_reply: ['() -> ()', REPLY],
  msg_reject: ['(i32, i32) -> ()', REPLY],
  msg_cycles_available128: ['(i32) -> ()', CYCLES_IN],
  msg_cycles_available: ['() -> i64', CYCLES_IN],
  msg_cycles_refunded128: ['(i32) -> ()', CALLBACK],
  msg_cycles_refunded: ['() -> i64', CALLBACK],
  msg_cycles_accept128: ['(i64, i64, i32) -> ()', CYCLES_IN],
  msg_cycles_accept: ['(i64) -> i64', CYCLES_IN],
  cycles_burn128: ['(i64, i64, i32) -> ()', ['I', 'G', 'U', 'RQ', 'Ry', 'Rt', 'C', 'T']],
  canister_self_size: ['() -> i32', ANY],
  canister_self_copy: ['(i32, i32, i32) -> ()', ANY],
  canister_cycle_balance128: ['(i32) -> ()', ANY],
  canister_cycle_balance: ['() -> i64', ANY],
  canister_liquid_cycle_balance128: ['(i32) -> ()', ANY],
  canister_status: ['() -> i32', ANY],
  canister_version: ['() -> i64', ANY],
  is_controller: ['(i32, i32) -> i32', ANY_OR_START],
  in_replicated_execution: ['() -> i32', ANY_OR_START],
  call_new: ['(i32, i32, i32, i32, i32, i32, i32, i32) -> ()', CALL],
  call_on_cleanup: ['(i32, i32) -> ()', CALL],
  call_data_append: ['(i32, i32) -> ()', CALL],
  call_with_best_effort_response: ['(i32) -> ()', CALL],
  call_cycles_add128: ['(i64, i64) -> ()', CALL],
  call_cycles_add: ['(i64) -> ()', CALL],
  call_perform: ['() -> i32', CALL],
  cost_call: ['(i64, i64, i32) -> ()', ANY_OR_START],
  stable_size: ['() -> i32', ANY_OR_START],
  stable_grow: ['(i32) -> i32', ANY_OR_START],
  stable_read: ['(i32, i32, i32) -> ()', ANY_OR_START],
  stable_write: ['(i32, i32, i32) -> ()', ANY_OR_START],
  stable64_size: ['() -> i64', ANY_OR_START],
  stable64_grow: ['(i64) -> i64', ANY_OR_START],
  stable64_read: ['(i64, i64, i64) -> ()', ANY_OR_START],
  stable64_write: ['(i64, i64, i64) -> ()', ANY_OR_START],
  certified_data_set: ['(i32, i32) -> ()', ['I', 'G', 'U', 'Ry', 'Rt', 'T']],
  data_certificate_present: ['() -> i32', ANY],
  data_certificate_size: ['() -> i32', ['NRQ']],
  data_certificate_copy: ['(i32, i32, i32) -> ()', ['NRQ']],
  time: ['() -> i64', ANY],
  global_timer_set: ['(i64) -> i64', ['I', 'G', 'U', 'Ry', 'Rt', 'C', 'T']],
  performance_counter: ['(i32) -> i64', ANY_OR_START],
  // The name performance_counter(0) had before, which older modules still import.
  instruction_counter: ['() -> i64', ANY_OR_START],
  debug_print: ['(i32, i32) -> ()', ANY_OR_START],
  trap: ['(i32, i32) -> ()', ANY_OR_START],
} satisfies Record<string, [string, ExecKind[]]>;

type Ic0Name = keyof typeof IC0;

/**
 * Refuses a module that imports anything but ic0 functions this host provides, with the types the
 * spec gives them, as the replica validates modules at install_code: otherwise instantiation fails,
 * or a wrongly typed function fails only when called.
 */
export function checkImports(imports: ModuleImport[]): void {
  for (const { module, name, kind, type } of imports) {
    const prefix = 'Wasm module has an invalid import section.';
    if (module !== 'ic0' || kind !== 'function') {
      throw new Error(`${prefix} Module imports ${kind} '${name}' from '${module}', but only functions from 'ic0' can be imported.`);
    }
    const expected = Object.hasOwn(IC0, name) ? IC0[name as Ic0Name][0] : undefined;
    if (!expected) throw new Error(`${prefix} Module imports function '${name}' from 'ic0' that is not exported by the runtime.`);
    if (type !== expected) {
      throw new Error(`${prefix} Module imports function '${name}' from 'ic0' with type ${type}, but the System API defines ${expected}.`);
    }
  }
}

const KIND_NAMES: Record<ExecKind, string> = {
  I: 'init',
  G: 'pre_upgrade',
  U: 'update',
  RQ: 'replicated query',
  NRQ: 'non-replicated query',
  Ry: 'reply callback',
  Rt: 'reject callback',
  C: 'cleanup',
  T: 'system task',
  F: 'inspect message',
  s: 'start',
};

const STATUS_CODES = { running: 1, stopping: 2, stopped: 3 } as const;

// Payload limits: the replica's maximum response of a replicated and a non-replicated execution, and
// of an inter-canister request within one subnet (this network is one subnet).
const MAX_REPLY_BYTES = 2 * 1024 * 1024;
const MAX_QUERY_REPLY_BYTES = 3 * 1024 * 1024;
const MAX_CALL_BYTES = 10 * 1024 * 1024;
const MAX_TRAP_MESSAGE_BYTES = 16 * 1024;
const U64_LIMIT = 1n << 64n;

const textDecoder = new TextDecoder();
const strictDecoder = new TextDecoder('utf-8', { fatal: true });

// Wasm passes i32 arguments to JS as signed numbers and i64 ones as signed BigInts; the System API
// means them as unsigned addresses, sizes and counts.
const u32 = (value: number) => value >>> 0;
const u64 = (value: bigint) => BigInt.asUintN(64, value);

const contractViolation = (message: string) => new Trap(message, ErrorCode.CANISTER_CONTRACT_VIOLATION);
const trapped = (message: string) => new Trap(message, ErrorCode.CANISTER_TRAPPED);

export class SystemApi {
  private instance!: WasmInstance;
  private input!: ExecInput;
  private canister!: CanisterEnv;
  effects!: Effects;
  private replyBuffer: Uint8Array[] = [];
  private replySize = 0;
  private pendingCall: OutgoingCall | null = null;
  private certificateBytes: Uint8Array | undefined;

  attach(instance: WasmInstance): void {
    this.instance = instance;
  }

  start(canister: CanisterEnv, input: ExecInput): void {
    this.canister = canister;
    this.input = input;
    this.effects = { calls: [], balanceDelta: 0n, accepted: 0n };
    this.replyBuffer = [];
    this.replySize = 0;
    this.pendingCall = null;
    this.certificateBytes = undefined;
  }

  private check(name: Ic0Name): void {
    const where: readonly ExecKind[] = IC0[name][1];
    if (!where.includes(this.input.kind)) {
      throw contractViolation(`"ic0_${name}" cannot be executed in ${KIND_NAMES[this.input.kind]} mode`);
    }
  }

  /** Heap bytes [src, src + size) of unsigned i32 arguments, copied out. */
  private read(src: number, size: number): Uint8Array {
    const bytes = this.instance.bytes;
    if (src + size > bytes.length)
      throw contractViolation(`heap out of bounds: src=${src} + length=${size} exceeds the heap size=${bytes.length}`);
    return bytes.slice(src, src + size);
  }

  private write(dst: number, data: Uint8Array): void {
    const bytes = this.instance.bytes;
    if (dst + data.length > bytes.length) {
      throw contractViolation(`heap out of bounds: dst=${dst} + length=${data.length} exceeds the heap size=${bytes.length}`);
    }
    this.instance.touchRange(dst, data.length);
    bytes.set(data, dst);
  }

  private copyOut(data: Uint8Array, dst: number, offset: number, size: number, what: string): void {
    if (offset + size > data.length)
      throw contractViolation(`${what}: src=${offset} + length=${size} exceeds the slice size=${data.length}`);
    this.write(dst, data.subarray(offset, offset + size));
  }

  private write128(dst: number, value: bigint): void {
    const out = new Uint8Array(16);
    const view = new DataView(out.buffer);
    view.setBigUint64(0, value & 0xffff_ffff_ffff_ffffn, true);
    view.setBigUint64(8, value >> 64n, true);
    this.write(dst, out);
  }

  private get balance(): bigint {
    return this.canister.cycles + this.effects.balanceDelta;
  }

  private assertReplyable(name: string): void {
    if (!this.input.canReply || this.effects.replied || this.effects.rejected !== undefined) {
      throw contractViolation(`ic0.${name}: the call is already replied`);
    }
  }

  private static u128(high: bigint, low: bigint): bigint {
    return (u64(high) << 64n) | u64(low);
  }

  /** The 64-bit functions that return cycles trap where the amount needs more (spec: use the 128-bit ones). */
  private static fit64(name: string, amount: bigint): bigint {
    if (amount >= U64_LIMIT) throw contractViolation(`ic0.${name}: ${amount} cycles do not fit into 64 bits; use ic0.${name}128`);
    return amount;
  }

  /** The ic0 import object: each function first checks that the current execution may call it. */
  imports(): WebAssembly.ModuleImports {
    const functions = this.functions();
    const imports: WebAssembly.ModuleImports = {};
    for (const name of Object.keys(functions) as Ic0Name[]) {
      const fn = functions[name] as (...args: unknown[]) => unknown;
      imports[name] = (...args: unknown[]) => {
        this.check(name);
        return fn(...args);
      };
    }
    return imports;
  }

  private functions(): Record<Ic0Name, Function> {
    const api = this;
    const encoder = new TextEncoder();
    const stable = () => api.canister.stable;
    return {
      msg_arg_data_size: () => api.input.arg.length,
      msg_arg_data_copy: (dst: number, offset: number, size: number) =>
        api.copyOut(api.input.arg, u32(dst), u32(offset), u32(size), 'ic0.msg_arg_data_copy'),
      msg_caller_size: () => api.input.caller.length,
      msg_caller_copy: (dst: number, offset: number, size: number) =>
        api.copyOut(api.input.caller, u32(dst), u32(offset), u32(size), 'ic0.msg_caller_copy'),
      msg_reject_code: () => api.input.rejectCode ?? 0,
      msg_reject_msg_size: () => encoder.encode(api.input.rejectMessage ?? '').length,
      msg_reject_msg_copy: (dst: number, offset: number, size: number) =>
        api.copyOut(encoder.encode(api.input.rejectMessage ?? ''), u32(dst), u32(offset), u32(size), 'ic0.msg_reject_msg_copy'),
      msg_method_name_size: () => encoder.encode(api.input.method).length,
      msg_method_name_copy: (dst: number, offset: number, size: number) =>
        api.copyOut(encoder.encode(api.input.method), u32(dst), u32(offset), u32(size), 'ic0.msg_method_name_copy'),
      accept_message: () => {
        if (api.effects.messageAccepted) throw contractViolation('ic0.accept_message may be called at most once');
        api.effects.messageAccepted = true;
      },
      msg_reply_data_append: (src: number, size: number) => {
        api.assertReplyable('msg_reply_data_append');
        const limit = api.input.kind === 'NRQ' ? MAX_QUERY_REPLY_BYTES : MAX_REPLY_BYTES;
        if (api.replySize + u32(size) > limit) {
          throw contractViolation(
            `ic0.msg_reply_data_append: application payload size (${api.replySize + u32(size)}) cannot be larger than ${limit}.`,
          );
        }
        api.replyBuffer.push(api.read(u32(src), u32(size)));
        api.replySize += u32(size);
      },
      msg_reply: () => {
        api.assertReplyable('msg_reply');
        api.effects.replied = concat(api.replyBuffer);
      },
      msg_reject: (src: number, size: number) => {
        api.assertReplyable('msg_reject');
        try {
          api.effects.rejected = strictDecoder.decode(api.read(u32(src), u32(size)));
        } catch (error) {
          if (error instanceof Trap) throw error;
          throw contractViolation('ic0.msg_reject: the reject message is not valid UTF-8');
        }
      },
      msg_cycles_available128: (dst: number) => api.write128(u32(dst), api.input.cyclesAvailable - api.effects.accepted),
      msg_cycles_available: () => SystemApi.fit64('msg_cycles_available', api.input.cyclesAvailable - api.effects.accepted),
      msg_cycles_refunded128: (dst: number) => api.write128(u32(dst), api.input.refunded ?? 0n),
      msg_cycles_refunded: () => SystemApi.fit64('msg_cycles_refunded', api.input.refunded ?? 0n),
      msg_cycles_accept128: (high: bigint, low: bigint, dst: number) => api.write128(u32(dst), api.accept(SystemApi.u128(high, low))),
      msg_cycles_accept: (max: bigint) => api.accept(u64(max)),
      cycles_burn128: (high: bigint, low: bigint, dst: number) => {
        const amount = SystemApi.u128(high, low);
        const burned = amount < api.balance ? amount : api.balance;
        api.effects.balanceDelta -= burned;
        api.write128(u32(dst), burned);
      },
      canister_self_size: () => api.canister.idBytes.length,
      canister_self_copy: (dst: number, offset: number, size: number) =>
        api.copyOut(api.canister.idBytes, u32(dst), u32(offset), u32(size), 'ic0.canister_self_copy'),
      canister_cycle_balance128: (dst: number) => api.write128(u32(dst), api.balance),
      canister_cycle_balance: () => SystemApi.fit64('canister_cycle_balance', api.balance),
      canister_liquid_cycle_balance128: (dst: number) => api.write128(u32(dst), api.balance),
      canister_status: () => STATUS_CODES[api.canister.status],
      canister_version: () => api.canister.version,
      is_controller: (src: number, size: number) => {
        if (u32(size) > 29) throw contractViolation('ic0.is_controller: invalid principal');
        return api.canister.isController(api.read(u32(src), u32(size))) ? 1 : 0;
      },
      in_replicated_execution: () => (api.input.kind === 'NRQ' ? 0 : 1),
      call_new: (
        calleeSrc: number,
        calleeSize: number,
        nameSrc: number,
        nameSize: number,
        replyFn: number,
        replyEnv: number,
        rejectFn: number,
        rejectEnv: number,
      ) => {
        api.dropPendingCall();
        api.pendingCall = {
          callee: api.read(u32(calleeSrc), u32(calleeSize)),
          method: textDecoder.decode(api.read(u32(nameSrc), u32(nameSize))),
          arg: new Uint8Array(0),
          cycles: 0n,
          reply: { fn: u32(replyFn), env: u32(replyEnv) },
          reject: { fn: u32(rejectFn), env: u32(rejectEnv) },
        };
      },
      call_on_cleanup: (fn: number, env: number) => {
        const call = api.requireCall('call_on_cleanup');
        if (call.cleanup) throw contractViolation('ic0.call_on_cleanup may be called at most once per call');
        call.cleanup = { fn: u32(fn), env: u32(env) };
      },
      call_data_append: (src: number, size: number) => {
        const call = api.requireCall('call_data_append');
        if (call.arg.length + u32(size) > MAX_CALL_BYTES) {
          throw contractViolation(
            `ic0.call_data_append: application payload size (${call.arg.length + u32(size)}) cannot be larger than ${MAX_CALL_BYTES}.`,
          );
        }
        call.arg = concat([call.arg, api.read(u32(src), u32(size))]);
      },
      call_with_best_effort_response: (seconds: number) => {
        const call = api.requireCall('call_with_best_effort_response');
        if (call.timeoutSeconds !== undefined) {
          throw contractViolation('ic0.call_with_best_effort_response may be called at most once per call');
        }
        call.timeoutSeconds = Math.min(Math.max(u32(seconds), 1), 300);
      },
      call_cycles_add128: (high: bigint, low: bigint) => api.addCycles(SystemApi.u128(high, low)),
      call_cycles_add: (amount: bigint) => api.addCycles(u64(amount)),
      call_perform: () => {
        const call = api.requireCall('call_perform');
        api.pendingCall = null;
        const { fee, reservation } = api.canister.callCost(call.method.length, call.arg.length);
        if (api.balance < fee + reservation) {
          api.effects.balanceDelta += call.cycles; // the attached cycles go back to the balance
          return 2; // SYS_TRANSIENT: the call could not be enqueued
        }
        api.effects.balanceDelta -= fee + reservation;
        api.effects.calls.push(call);
        return 0;
      },
      cost_call: (methodSize: bigint, payloadSize: bigint, dst: number) => {
        const { fee, reservation } = api.canister.callCost(u64(methodSize), u64(payloadSize));
        api.write128(u32(dst), fee + reservation);
      },
      stable_size: () => api.stable32('stable_size'),
      stable_grow: (pages: number) => {
        const size = api.stable32('stable_grow');
        return size + u32(pages) > 65536 ? -1 : stable().grow(u32(pages));
      },
      stable_read: (dst: number, offset: number, size: number) => {
        api.stable32('stable_read');
        api.stableRead(BigInt(u32(dst)), BigInt(u32(offset)), BigInt(u32(size)));
      },
      stable_write: (offset: number, src: number, size: number) => {
        api.stable32('stable_write');
        api.stableWrite(BigInt(u32(offset)), BigInt(u32(src)), BigInt(u32(size)));
      },
      stable64_size: () => BigInt(stable().size),
      stable64_grow: (pages: bigint) => {
        const n = u64(pages);
        return n > BigInt(Number.MAX_SAFE_INTEGER) ? -1n : BigInt(stable().grow(Number(n)));
      },
      stable64_read: (dst: bigint, offset: bigint, size: bigint) => api.stableRead(u64(dst), u64(offset), u64(size)),
      stable64_write: (offset: bigint, src: bigint, size: bigint) => api.stableWrite(u64(offset), u64(src), u64(size)),
      certified_data_set: (src: number, size: number) => {
        if (u32(size) > 32) throw contractViolation('ic0.certified_data_set: certified data is limited to 32 bytes');
        api.effects.certifiedData = api.read(u32(src), u32(size));
      },
      data_certificate_present: () => (api.input.kind === 'NRQ' && api.input.certificate ? 1 : 0),
      data_certificate_size: () => api.certificate().length,
      data_certificate_copy: (dst: number, offset: number, size: number) =>
        api.copyOut(api.certificate(), u32(dst), u32(offset), u32(size), 'ic0.data_certificate_copy'),
      time: () => api.input.time,
      global_timer_set: (timestamp: bigint) => {
        const previous = api.effects.globalTimer ?? api.canister.globalTimer;
        api.effects.globalTimer = u64(timestamp);
        return previous;
      },
      performance_counter: (type: number) => {
        if (type !== 0 && type !== 1) throw contractViolation(`ic0.performance_counter: unknown counter type ${u32(type)}`);
        return api.instance.instructions;
      },
      instruction_counter: () => api.instance.instructions,
      debug_print: (src: number, size: number) => api.canister.log(textDecoder.decode(api.read(u32(src), u32(size)))),
      trap: (src: number, size: number) => {
        throw new Trap(textDecoder.decode(api.read(u32(src), Math.min(u32(size), MAX_TRAP_MESSAGE_BYTES))));
      },
    };
  }

  private accept(max: bigint): bigint {
    const available = this.input.cyclesAvailable - this.effects.accepted;
    const amount = max < available ? max : available;
    this.effects.accepted += amount;
    this.effects.balanceDelta += amount;
    return amount;
  }

  private requireCall(name: string): OutgoingCall {
    if (!this.pendingCall) throw contractViolation(`ic0.${name} called when no call is under construction`);
    return this.pendingCall;
  }

  private addCycles(amount: bigint): void {
    const call = this.requireCall('call_cycles_add128');
    if (amount > this.balance) {
      throw contractViolation(`ic0.call_cycles_add: insufficient cycles balance: ${this.balance} < ${amount}`);
    }
    call.cycles += amount;
    this.effects.balanceDelta -= amount;
  }

  /** A call under construction that is never performed gives its cycles back (spec: call_new). */
  private dropPendingCall(): void {
    if (this.pendingCall) this.effects.balanceDelta += this.pendingCall.cycles;
    this.pendingCall = null;
  }

  /** Ends the execution: a call still under construction is discarded. */
  finish(): void {
    this.dropPendingCall();
  }

  private certificate(): Uint8Array {
    this.certificateBytes ??= this.input.certificate?.() ?? new Uint8Array(0);
    return this.certificateBytes;
  }

  /** The stable memory size in pages, for the 32-bit functions, which trap once it passes 4 GiB (spec). */
  private stable32(name: string): number {
    const size = this.canister.stable.size;
    if (size > 65536) throw contractViolation(`ic0.${name}: stable memory is larger than 4 GiB; use the 64-bit API`);
    return size;
  }

  /**
   * Checks both ranges of a stable memory transfer before touching anything. In JS numbers: a value of 2^53 or more
   * rounds to no less than 2^53, past any memory's end, so no sum wraps or slips under a bound.
   */
  private checkStableRange(heapAt: bigint, stableAt: bigint, size: bigint): void {
    const stableBytes = this.canister.stable.size * 65536;
    if (Number(stableAt) + Number(size) > stableBytes) {
      throw trapped(`stable memory out of bounds: offset=${stableAt} + length=${size} exceeds the stable memory size=${stableBytes}`);
    }
    const heapBytes = this.instance.bytes.length;
    if (Number(heapAt) + Number(size) > heapBytes) {
      throw trapped(`heap out of bounds: address=${heapAt} + length=${size} exceeds the heap size=${heapBytes}`);
    }
  }

  // Azle reads and writes stable memory a few dozen bytes at a time, thousands of times a message: the copies go
  // straight between the heap and the pages, without views or tuples for each.
  private stableRead(dst: bigint, offset: bigint, size: bigint): void {
    this.checkStableRange(dst, offset, size);
    const at = Number(dst);
    const n = Number(size);
    this.instance.touchRange(at, n);
    this.canister.stable.read(Number(offset), n, this.instance.bytes, at);
  }

  private stableWrite(offset: bigint, src: bigint, size: bigint): void {
    this.checkStableRange(src, offset, size);
    this.canister.stable.write(Number(offset), this.instance.bytes, Number(src), Number(size));
  }
}

/** Joins byte arrays into a fresh, unpooled array (candid's decoder ignores byteOffset). */
function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}
