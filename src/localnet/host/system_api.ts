// The ic0 System API, as the IC interface specification defines it, for one message execution at a
// time. Each function checks that it is available in the current kind of execution and traps with
// the spec's contract violation otherwise.
import { ErrorCode, Trap } from '../errors.js';
import type { WasmInstance } from './heap.js';
import type { StableMemory } from './stable_memory.js';

/** Execution kinds of the spec: init/post_upgrade, pre_upgrade, update, replicated and
 * non-replicated query, reply and reject callback, cleanup, system task (timer). */
export type ExecKind = 'I' | 'G' | 'U' | 'RQ' | 'NRQ' | 'Ry' | 'Rt' | 'C' | 'T';

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
};

/** What the System API needs from the canister it runs for. */
export interface CanisterEnv {
  readonly idBytes: Uint8Array;
  readonly stable: StableMemory;
  readonly cycles: bigint;
  readonly version: bigint;
  readonly globalTimer: bigint;
  isController(principal: Uint8Array): boolean;
  /** Cycles a call costs the caller at call_perform: transmission plus the reserved reply. */
  callCost(methodLength: number, argLength: number): { fee: bigint; reservation: bigint };
  log(message: string): void;
}

const AVAILABLE: Record<string, ExecKind[] | '*'> = {
  msg_arg_data: ['I', 'U', 'RQ', 'NRQ', 'Ry'],
  msg_caller: ['I', 'G', 'U', 'RQ', 'NRQ', 'Ry', 'Rt', 'C', 'T'],
  msg_reject_code: ['Ry', 'Rt'],
  msg_reject_msg: ['Rt'],
  msg_reply: ['U', 'RQ', 'NRQ', 'Ry', 'Rt'],
  msg_cycles_available: ['U', 'Ry', 'Rt'],
  msg_cycles_refunded: ['Ry', 'Rt'],
  msg_cycles_accept: ['U', 'Ry', 'Rt'],
  msg_method_name: ['U', 'RQ', 'NRQ'],
  accept_message: [],
  call: ['U', 'Ry', 'Rt', 'T'],
  certified_data_set: ['I', 'G', 'U', 'Ry', 'Rt', 'C', 'T'],
  data_certificate: ['NRQ'],
  global_timer_set: ['I', 'G', 'U', 'Ry', 'Rt', 'C', 'T'],
  cycles_burn: ['I', 'G', 'U', 'Ry', 'Rt', 'C', 'T'],
};

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
};

const textDecoder = new TextDecoder();

export class SystemApi {
  private instance!: WasmInstance;
  private input!: ExecInput;
  private canister!: CanisterEnv;
  effects!: Effects;
  private replyBuffer: Uint8Array[] = [];
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
    this.pendingCall = null;
    this.certificateBytes = undefined;
  }

  private check(group: string, name: string): void {
    const allowed = AVAILABLE[group];
    if (allowed !== '*' && !allowed.includes(this.input.kind)) {
      throw new Trap(`"ic0_${name}" cannot be executed in ${KIND_NAMES[this.input.kind]} mode`, ErrorCode.CANISTER_CONTRACT_VIOLATION);
    }
  }

  private read(src: number, size: number): Uint8Array {
    const bytes = this.instance.bytes;
    if (src < 0 || size < 0 || src + size > bytes.length) throw new Trap('heap out of bounds', ErrorCode.CANISTER_CONTRACT_VIOLATION);
    return bytes.slice(src, src + size);
  }

  private write(dst: number, data: Uint8Array): void {
    const bytes = this.instance.bytes;
    if (dst < 0 || dst + data.length > bytes.length) throw new Trap('heap out of bounds', ErrorCode.CANISTER_CONTRACT_VIOLATION);
    this.instance.touchRange(dst, data.length);
    bytes.set(data, dst);
  }

  private copyOut(data: Uint8Array, dst: number, offset: number, size: number, what: string): void {
    if (offset + size > data.length) {
      throw new Trap(
        `${what}: src=${offset} + length=${size} exceeds the slice size=${data.length}`,
        ErrorCode.CANISTER_CONTRACT_VIOLATION,
      );
    }
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
    this.check('msg_reply', name);
    if (!this.input.canReply || this.effects.replied || this.effects.rejected !== undefined) {
      throw new Trap(`ic0.${name}: the call is already replied`, ErrorCode.CANISTER_CONTRACT_VIOLATION);
    }
  }

  private static u128(high: bigint, low: bigint): bigint {
    return (BigInt.asUintN(64, high) << 64n) | BigInt.asUintN(64, low);
  }

  /** The ic0 import object; functions read the current execution through `this`. */
  imports(): WebAssembly.ModuleImports {
    const api = this;
    const encoder = new TextEncoder();
    return {
      msg_arg_data_size: () => (api.check('msg_arg_data', 'msg_arg_data_size'), api.input.arg.length),
      msg_arg_data_copy: (dst: number, offset: number, size: number) => {
        api.check('msg_arg_data', 'msg_arg_data_copy');
        api.copyOut(api.input.arg, dst, offset, size, 'msg.arg_data_copy');
      },
      msg_caller_size: () => (api.check('msg_caller', 'msg_caller_size'), api.input.caller.length),
      msg_caller_copy: (dst: number, offset: number, size: number) => {
        api.check('msg_caller', 'msg_caller_copy');
        api.copyOut(api.input.caller, dst, offset, size, 'msg.caller_copy');
      },
      msg_reject_code: () => (api.check('msg_reject_code', 'msg_reject_code'), api.input.rejectCode ?? 0),
      msg_reject_msg_size: () => (api.check('msg_reject_msg', 'msg_reject_msg_size'), encoder.encode(api.input.rejectMessage ?? '').length),
      msg_reject_msg_copy: (dst: number, offset: number, size: number) => {
        api.check('msg_reject_msg', 'msg_reject_msg_copy');
        api.copyOut(encoder.encode(api.input.rejectMessage ?? ''), dst, offset, size, 'msg.reject_msg_copy');
      },
      msg_method_name_size: () => (api.check('msg_method_name', 'msg_method_name_size'), encoder.encode(api.input.method).length),
      msg_method_name_copy: (dst: number, offset: number, size: number) => {
        api.check('msg_method_name', 'msg_method_name_copy');
        api.copyOut(encoder.encode(api.input.method), dst, offset, size, 'msg.method_name_copy');
      },
      accept_message: () => api.check('accept_message', 'accept_message'),
      msg_reply_data_append: (src: number, size: number) => {
        api.assertReplyable('msg_reply_data_append');
        api.replyBuffer.push(api.read(src, size));
      },
      msg_reply: () => {
        api.assertReplyable('msg_reply');
        api.effects.replied = concat(api.replyBuffer);
      },
      msg_reject: (src: number, size: number) => {
        api.assertReplyable('msg_reject');
        api.effects.rejected = textDecoder.decode(api.read(src, size));
      },
      msg_cycles_available128: (dst: number) => {
        api.check('msg_cycles_available', 'msg_cycles_available128');
        api.write128(dst, api.input.cyclesAvailable - api.effects.accepted);
      },
      msg_cycles_available: () => {
        api.check('msg_cycles_available', 'msg_cycles_available');
        return BigInt.asUintN(64, api.input.cyclesAvailable - api.effects.accepted);
      },
      msg_cycles_refunded128: (dst: number) => {
        api.check('msg_cycles_refunded', 'msg_cycles_refunded128');
        api.write128(dst, api.input.refunded ?? 0n);
      },
      msg_cycles_refunded: () => (api.check('msg_cycles_refunded', 'msg_cycles_refunded'), api.input.refunded ?? 0n),
      msg_cycles_accept128: (high: bigint, low: bigint, dst: number) => {
        api.check('msg_cycles_accept', 'msg_cycles_accept128');
        api.write128(dst, api.accept(SystemApi.u128(high, low)));
      },
      msg_cycles_accept: (max: bigint) => (api.check('msg_cycles_accept', 'msg_cycles_accept'), api.accept(BigInt.asUintN(64, max))),
      cycles_burn128: (high: bigint, low: bigint, dst: number) => {
        api.check('cycles_burn', 'cycles_burn128');
        const amount = SystemApi.u128(high, low);
        const burned = amount < api.balance ? amount : api.balance;
        api.effects.balanceDelta -= burned;
        api.write128(dst, burned);
      },
      canister_self_size: () => api.canister.idBytes.length,
      canister_self_copy: (dst: number, offset: number, size: number) =>
        api.copyOut(api.canister.idBytes, dst, offset, size, 'canister.self_copy'),
      canister_cycle_balance128: (dst: number) => api.write128(dst, api.balance),
      canister_cycle_balance: () => BigInt.asUintN(64, api.balance),
      canister_liquid_cycle_balance128: (dst: number) => api.write128(dst, api.balance),
      canister_status: () => 1,
      canister_version: () => api.canister.version,
      is_controller: (src: number, size: number) => {
        if (size > 29) throw new Trap('ic0.is_controller: invalid principal', ErrorCode.CANISTER_CONTRACT_VIOLATION);
        return api.canister.isController(api.read(src, size)) ? 1 : 0;
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
        api.check('call', 'call_new');
        api.dropPendingCall();
        api.pendingCall = {
          callee: api.read(calleeSrc, calleeSize),
          method: textDecoder.decode(api.read(nameSrc, nameSize)),
          arg: new Uint8Array(0),
          cycles: 0n,
          reply: { fn: replyFn, env: replyEnv },
          reject: { fn: rejectFn, env: rejectEnv },
        };
      },
      call_on_cleanup: (fn: number, env: number) => {
        const call = api.requireCall('call_on_cleanup');
        if (call.cleanup) throw new Trap('ic0.call_on_cleanup may be called at most once per call', ErrorCode.CANISTER_CONTRACT_VIOLATION);
        call.cleanup = { fn, env };
      },
      call_data_append: (src: number, size: number) => {
        const call = api.requireCall('call_data_append');
        call.arg = concat([call.arg, api.read(src, size)]);
      },
      call_with_best_effort_response: (seconds: number) => {
        const call = api.requireCall('call_with_best_effort_response');
        if (call.timeoutSeconds !== undefined) {
          throw new Trap('ic0.call_with_best_effort_response may be called at most once per call', ErrorCode.CANISTER_CONTRACT_VIOLATION);
        }
        call.timeoutSeconds = Math.min(Math.max(seconds >>> 0, 1), 300);
      },
      call_cycles_add128: (high: bigint, low: bigint) => api.addCycles(SystemApi.u128(high, low)),
      call_cycles_add: (amount: bigint) => api.addCycles(BigInt.asUintN(64, amount)),
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
        const { fee, reservation } = api.canister.callCost(Number(methodSize), Number(payloadSize));
        api.write128(dst, fee + reservation);
      },
      stable_size: () => {
        if (api.canister.stable.size > 65536)
          throw new Trap('stable memory too large for 32-bit API', ErrorCode.CANISTER_CONTRACT_VIOLATION);
        return api.canister.stable.size;
      },
      stable_grow: (pages: number) => {
        if (api.canister.stable.size + pages > 65536) return -1;
        return api.canister.stable.grow(pages);
      },
      stable_read: (dst: number, offset: number, size: number) => api.stableRead(dst, offset >>> 0, size),
      stable_write: (offset: number, src: number, size: number) => api.stableWrite(offset >>> 0, src, size),
      stable64_size: () => BigInt(api.canister.stable.size),
      stable64_grow: (pages: bigint) => BigInt(api.canister.stable.grow(Number(pages))),
      stable64_read: (dst: bigint, offset: bigint, size: bigint) => api.stableRead(Number(dst), Number(offset), Number(size)),
      stable64_write: (offset: bigint, src: bigint, size: bigint) => api.stableWrite(Number(offset), Number(src), Number(size)),
      certified_data_set: (src: number, size: number) => {
        api.check('certified_data_set', 'certified_data_set');
        if (size > 32)
          throw new Trap('ic0.certified_data_set: certified data is limited to 32 bytes', ErrorCode.CANISTER_CONTRACT_VIOLATION);
        api.effects.certifiedData = api.read(src, size);
      },
      data_certificate_present: () => (api.input.kind === 'NRQ' && api.input.certificate ? 1 : 0),
      data_certificate_size: () => (api.check('data_certificate', 'data_certificate_size'), api.certificate().length),
      data_certificate_copy: (dst: number, offset: number, size: number) => {
        api.check('data_certificate', 'data_certificate_copy');
        api.copyOut(api.certificate(), dst, offset, size, 'data_certificate_copy');
      },
      time: () => api.input.time,
      global_timer_set: (timestamp: bigint) => {
        api.check('global_timer_set', 'global_timer_set');
        const previous = api.effects.globalTimer ?? api.canister.globalTimer;
        api.effects.globalTimer = BigInt.asUintN(64, timestamp);
        return previous;
      },
      performance_counter: (type: number) => {
        if (type !== 0 && type !== 1)
          throw new Trap(`ic0.performance_counter: unknown counter type ${type}`, ErrorCode.CANISTER_CONTRACT_VIOLATION);
        return api.instance.instructions;
      },
      instruction_counter: () => api.instance.instructions,
      debug_print: (src: number, size: number) => api.canister.log(textDecoder.decode(api.read(src, size))),
      trap: (src: number, size: number) => {
        throw new Trap(textDecoder.decode(api.read(src, Math.min(size, 16 * 1024))));
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
    this.check('call', name);
    if (!this.pendingCall) throw new Trap(`ic0.${name} called when no call is under construction`, ErrorCode.CANISTER_CONTRACT_VIOLATION);
    return this.pendingCall;
  }

  private addCycles(amount: bigint): void {
    const call = this.requireCall('call_cycles_add128');
    if (amount > this.balance) {
      throw new Trap(
        `ic0.call_cycles_add: insufficient cycles balance: ${this.balance} < ${amount}`,
        ErrorCode.CANISTER_CONTRACT_VIOLATION,
      );
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

  private stableRead(dst: number, offset: number, size: number): void {
    const buffer = new Uint8Array(size);
    try {
      this.canister.stable.read(offset, size, buffer);
    } catch (e) {
      throw new Trap(`stable memory out of bounds: ${(e as Error).message}`, ErrorCode.CANISTER_TRAPPED);
    }
    this.write(dst, buffer);
  }

  private stableWrite(offset: number, src: number, size: number): void {
    const data = this.read(src, size);
    try {
      this.canister.stable.write(offset, data);
    } catch (e) {
      throw new Trap(`stable memory out of bounds: ${(e as Error).message}`, ErrorCode.CANISTER_TRAPPED);
    }
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
