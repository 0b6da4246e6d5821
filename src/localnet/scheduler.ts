// Message routing and execution order: ingress and inter-canister requests, responses to
// callbacks, call contexts, global timers and best-effort deadlines. Everything runs on one queue,
// one message at a time, as one subnet's execution would.
import { Principal } from '@dfinity/principal';

import { Canister, trapMessage } from './canister.js';
import { type Fees, feesFor, INSTRUCTION_LIMITS } from './cycles.js';
import { ErrorCode, Reject, RejectCode, Trap } from './errors.js';
import type { Outcome } from './canister.js';
import type { ExecInput, OutgoingCall } from './host/system_api.js';

export const MANAGEMENT_CANISTER = Principal.fromText('aaaaa-aa');

export type CallResult = { reply: Uint8Array } | { reject: Reject };

/** Who waits for the answer to a call. */
export type Origin =
  | { kind: 'ingress'; resolve: (result: CallResult) => void }
  | { kind: 'canister'; caller: Principal; callbackId: number }
  | { kind: 'system' };

export type Request = {
  caller: Principal;
  callee: Principal;
  method: string;
  arg: Uint8Array;
  cycles: bigint;
  origin: Origin;
  /** The execution that sent it (0 for ingress): see Execution. */
  cause?: number;
};

type Response = { to: Principal; callbackId: number; result: CallResult; refund: bigint; cause: number };

type Message = { kind: 'request'; request: Request } | { kind: 'response'; response: Response };

type CallContext = {
  canister: Canister;
  origin: Origin;
  cyclesAvailable: bigint;
  replied: boolean;
  outstanding: number;
};

type Callback = {
  context: CallContext;
  /** Set when the caller's code was uninstalled: the response only refunds cycles. */
  dropped?: boolean;
  call: OutgoingCall;
  reservation: bigint;
  deadline?: bigint;
};

/**
 * One message executed, for benchmarks that follow a job's chain of messages: `cause` is the execution that sent
 * the request, replied to the call, or set the timer (0: an ingress message). Management requests count as one.
 */
export type Execution = {
  id: number;
  cause: number;
  canister: Principal;
  kind: 'call' | 'reply' | 'reject' | 'timer';
  /** The method called; for a reply or reject, the method of the call it answers. */
  method: string;
  /** For a reply or reject, the canister that answered. */
  callee?: Principal;
  instructions: bigint;
  /** When the host began it (performance.now()), and the milliseconds it took to its effects applied. */
  at: number;
  ms: number;
};

/** An answer with the attached cycles it gives back. */
export type Answer = { result: CallResult; refund: bigint };

/** The management canister as the scheduler sees it: it answers now, later, or through respond(). */
export interface ManagementHandler {
  handle(request: Request): Answer | Promise<Answer> | 'deferred';
}

export type SchedulerOptions = {
  subnetSize: number;
  time: bigint;
  log: (canister: Principal, message: string) => void;
};

export class Scheduler {
  readonly canisters = new Map<string, Canister>();
  readonly fees: Fees;
  time: bigint;
  management!: ManagementHandler;
  private queue: Message[] = [];
  private head = 0;
  private callbacks = new Map<number, Callback>();
  private nextCallbackId = 1;
  private draining = false;
  private scheduled = false;
  private inflight = new Set<Promise<unknown>>();
  /** Canisters being stopped, with who waits for each to stop. */
  private stopWaiters = new Map<string, { origin: Origin; refund: bigint }[]>();
  /** Called after each execution is committed or rolled back, when set (benchmarks); see Execution. */
  onExecution?: (execution: Execution) => void;
  private executions = 0;
  /** The execution whose calls and replies are being sent. */
  private current = 0;
  private startedAt = 0;
  private timerCauses = new WeakMap<Canister, number>();

  constructor(readonly options: SchedulerOptions) {
    this.fees = feesFor(options.subnetSize);
    this.time = options.time;
  }

  canister(id: Principal): Canister | undefined {
    return this.canisters.get(id.toText());
  }

  newCanister(id: Principal, controllers: Principal[], cycles: bigint): Canister {
    const canister = new Canister(id, controllers, cycles, this.fees, this.options.log);
    this.canisters.set(id.toText(), canister);
    return canister;
  }

  /** Accepts a request; ingress callers await the returned result. */
  submit(request: Omit<Request, 'origin'>): Promise<CallResult> {
    return new Promise((resolve) => {
      this.enqueue({ kind: 'request', request: { ...request, origin: { kind: 'ingress', resolve } } });
    });
  }

  private enqueue(message: Message): void {
    this.queue.push(message);
    this.wake();
  }

  private wake(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.drain();
    });
  }

  /**
   * Runs queued messages, due timers and expired deadlines until none is left, or until a batch is
   * done: then it yields to the event loop (HTTP requests, outcall responses) and goes on after.
   */
  drain(): void {
    if (this.draining) return;
    this.draining = true;
    try {
      for (let done = 0; ; done++) {
        if (done === DRAIN_BATCH) {
          this.wake();
          break;
        }
        if (this.head < this.queue.length) {
          const message = this.queue[this.head];
          this.queue[this.head++] = undefined as never;
          if (this.head > 1024 && this.head * 2 > this.queue.length) {
            this.queue = this.queue.slice(this.head);
            this.head = 0;
          }
          if (message.kind === 'request') this.executeRequest(message.request);
          else this.executeResponse(message.response);
          continue;
        }
        if (this.fireDueTimer() || this.expireDeadline()) continue;
        break;
      }
    } finally {
      this.draining = false;
    }
  }

  /** Waits until no message is queued and no outcall or other async work is in flight. */
  async settle(): Promise<void> {
    for (;;) {
      this.drain();
      if (this.hasWork()) {
        await new Promise((resolve) => setImmediate(resolve));
        continue;
      }
      if (this.inflight.size === 0) return;
      await Promise.race(this.inflight);
    }
  }

  private hasWork(): boolean {
    return this.head < this.queue.length;
  }

  /** Tracks async work (outcalls) so settle() can wait for it. */
  track<T>(promise: Promise<T>): Promise<T> {
    const tracked = promise.finally(() => {
      this.inflight.delete(tracked);
      this.wake();
    });
    this.inflight.add(tracked);
    return tracked;
  }

  respond(origin: Origin, result: CallResult, refund: bigint, cause = this.current): void {
    if (origin.kind === 'ingress') origin.resolve(result);
    else if (origin.kind === 'canister') {
      this.enqueue({ kind: 'response', response: { to: origin.caller, callbackId: origin.callbackId, result, refund, cause } });
    }
  }

  /** Numbers an execution and makes it the cause of what it sends; returns its id. */
  private begin(): number {
    this.current = ++this.executions;
    this.startedAt = performance.now();
    return this.current;
  }

  private traced(
    id: number,
    cause: number,
    canister: Principal,
    kind: Execution['kind'],
    method: string,
    instructions: bigint,
    callee?: Principal,
  ): void {
    this.onExecution?.({
      id,
      cause,
      canister,
      kind,
      method,
      callee,
      instructions,
      at: this.startedAt,
      ms: performance.now() - this.startedAt,
    });
  }

  private rejectRequest(request: Request, reject: Reject): void {
    this.respond(request.origin, { reject }, request.cycles);
  }

  private executeRequest(request: Request): void {
    const id = this.begin();
    if (request.callee.compareTo(MANAGEMENT_CANISTER) === 'eq') {
      const answer = this.management.handle(request);
      this.traced(id, request.cause ?? 0, MANAGEMENT_CANISTER, 'call', request.method, 0n);
      if (answer === 'deferred') return;
      if (answer instanceof Promise) {
        this.track(answer).then(
          (a) => this.respond(request.origin, a.result, a.refund, id),
          (e) => this.respond(request.origin, { reject: new Reject(RejectCode.SYS_FATAL, String(e)) }, request.cycles, id),
        );
      } else this.respond(request.origin, answer.result, answer.refund);
      return;
    }
    const canister = this.canister(request.callee);
    const refusal = this.refusal(canister, request.callee, request.method, 'update');
    if (refusal) return this.rejectRequest(request, refusal);
    const target = canister!;
    const isQuery = !target.exportsMethod('update', request.method);
    const context = this.openContext(target, request.origin, request.cycles);
    const input: ExecInput = {
      kind: isQuery ? 'RQ' : 'U',
      method: request.method,
      arg: request.arg,
      caller: request.caller.toUint8Array(),
      time: this.time,
      cyclesAvailable: isQuery ? 0n : request.cycles,
      canReply: true,
    };
    const exportName = isQuery ? queryExport(target, request.method) : `canister_update ${request.method}`;
    const outcome = target.run(input, (i) => i.export(exportName)!(), INSTRUCTION_LIMITS.update);
    if (isQuery && outcome.ok) {
      // A query called as an update runs replicated but keeps no state.
      target.rollback();
      outcome.effects.calls = [];
      target.chargeExecution(outcome.instructions);
      this.settleReply(context, outcome.effects.replied, outcome.effects.rejected, context.cyclesAvailable);
      this.closeIfDone(context);
    } else this.finish(target, context, outcome);
    this.traced(id, request.cause ?? 0, target.id, 'call', request.method, outcome.instructions);
  }

  /** Why a message cannot be delivered to a canister, if it cannot. */
  refusal(canister: Canister | undefined, id: Principal, method: string, kind: 'update' | 'query'): Reject | null {
    if (!canister) return Reject.of(ErrorCode.CANISTER_NOT_FOUND, `Canister ${id.toText()} not found`);
    if (canister.status === 'stopped') return Reject.of(ErrorCode.CANISTER_STOPPED, `Canister ${id.toText()} is stopped`);
    if (canister.status === 'stopping') return Reject.of(ErrorCode.CANISTER_STOPPING, `Canister ${id.toText()} is stopping`);
    if (!canister.module) {
      return Reject.of(
        ErrorCode.CANISTER_WASM_MODULE_NOT_FOUND,
        `Error from Canister ${id.toText()}: Attempted to execute a message, but the canister contains no Wasm module.`,
      );
    }
    const exists = canister.exportsMethod('query', method) || (kind === 'update' && canister.exportsMethod('update', method));
    if (!exists) {
      return Reject.of(
        ErrorCode.CANISTER_METHOD_NOT_FOUND,
        `Error from Canister ${id.toText()}: Canister has no ${kind} method '${method}'.`,
      );
    }
    if (kind === 'update' && !canister.canAffordExecution()) return this.outOfCycles(canister);
    return null;
  }

  outOfCycles(canister: Canister): Reject {
    return Reject.of(
      ErrorCode.CANISTER_OUT_OF_CYCLES,
      `Canister ${canister.id.toText()} is out of cycles: please top up the canister with at least ` +
        `${this.fees.updateMessageExecution - canister.cycles > 0n ? this.fees.updateMessageExecution - canister.cycles : 1n} additional cycles`,
    );
  }

  private openContext(canister: Canister, origin: Origin, cycles: bigint): CallContext {
    canister.openCallContexts++;
    return { canister, origin, cyclesAvailable: cycles, replied: false, outstanding: 0 };
  }

  /**
   * Commits or rolls back one execution in a call context, sends its calls, and answers the
   * context's origin when it replied, trapped with nothing outstanding, or can no longer reply.
   */
  private finish(canister: Canister, context: CallContext, outcome: Outcome): void {
    if (outcome.ok && !canister.chargeExecution(outcome.instructions, outcome.effects.balanceDelta)) {
      outcome = { ok: false, trap: outOfCyclesTrap(canister), instructions: outcome.instructions };
    }
    if (!outcome.ok) {
      canister.rollback();
      this.chargeWhatIsLeft(canister, outcome.instructions);
      if (!context.replied && context.outstanding === 0) {
        context.replied = true;
        this.respond(context.origin, { reject: trapReject(canister, outcome.trap) }, context.cyclesAvailable);
        context.cyclesAvailable = 0n;
      }
      this.closeIfDone(context);
      return;
    }
    const { effects } = outcome;
    canister.applyEffects(effects);
    if (effects.globalTimer !== undefined) this.timerCauses.set(canister, this.current);
    canister.commit();
    canister.version += 1n;
    context.cyclesAvailable -= effects.accepted;
    for (const call of effects.calls) this.sendCall(canister, context, call);
    this.settleReply(context, effects.replied, effects.rejected, context.cyclesAvailable);
    this.closeIfDone(context);
  }

  private settleReply(context: CallContext, replied: Uint8Array | undefined, rejected: string | undefined, refund: bigint): void {
    if (replied === undefined && rejected === undefined) return;
    context.replied = true;
    const result: CallResult = replied !== undefined ? { reply: replied } : { reject: Reject.of(ErrorCode.CANISTER_REJECT, rejected!) };
    this.respond(context.origin, result, refund);
    context.cyclesAvailable = 0n;
  }

  private closeIfDone(context: CallContext): void {
    if (context.outstanding > 0) return;
    if (!context.replied) {
      context.replied = true;
      const id = context.canister.id.toText();
      this.respond(
        context.origin,
        { reject: Reject.of(ErrorCode.CANISTER_DID_NOT_REPLY, `Error from Canister ${id}: Canister did not reply to the call`) },
        context.cyclesAvailable,
      );
    }
    context.canister.openCallContexts--;
    this.completeStopIfIdle(context.canister);
  }

  private chargeWhatIsLeft(canister: Canister, instructions: bigint): void {
    if (!canister.chargeExecution(instructions)) {
      canister.counters.cyclesSpent += canister.cycles;
      canister.cycles = 0n;
    }
  }

  private sendCall(canister: Canister, context: CallContext, call: OutgoingCall): void {
    const callbackId = this.nextCallbackId++;
    const { reservation } = canister.callCost(call.method.length, call.arg.length);
    const deadline = call.timeoutSeconds !== undefined ? this.time + BigInt(call.timeoutSeconds) * 1_000_000_000n : undefined;
    this.callbacks.set(callbackId, { context, call, reservation, deadline });
    context.outstanding++;
    canister.counters.calls++;
    const callee = Principal.fromUint8Array(call.callee);
    this.enqueue({
      kind: 'request',
      request: {
        caller: canister.id,
        callee,
        method: call.method,
        arg: call.arg,
        cycles: call.cycles,
        origin: { kind: 'canister', caller: canister.id, callbackId },
        cause: this.current,
      },
    });
  }

  private executeResponse(response: Response): void {
    const callback = this.callbacks.get(response.callbackId);
    if (!callback) return; // already answered (a best-effort deadline expired first)
    this.callbacks.delete(response.callbackId);
    const id = this.begin();
    const { context, call } = callback;
    const canister = context.canister;
    context.outstanding--;
    // Unused cycles come back, as does the part of the reply reservation the reply did not use.
    const size = 'reply' in response.result ? response.result.reply.length : response.result.reject.message.length;
    const used = this.fees.xnetByte * BigInt(size);
    canister.cycles += response.refund + (callback.reservation > used ? callback.reservation - used : 0n);
    if (callback.dropped || this.canister(canister.id) !== canister || !canister.instance) {
      this.closeIfDone(context);
      return;
    }
    const isReply = 'reply' in response.result;
    const input: ExecInput = {
      kind: isReply ? 'Ry' : 'Rt',
      method: '',
      arg: isReply ? (response.result as { reply: Uint8Array }).reply : new Uint8Array(0),
      caller: canister.idBytes,
      time: this.time,
      cyclesAvailable: context.cyclesAvailable,
      canReply: !context.replied,
      refunded: response.refund,
      rejectCode: isReply ? undefined : (response.result as { reject: Reject }).reject.code,
      rejectMessage: isReply ? undefined : (response.result as { reject: Reject }).reject.message,
    };
    const target = isReply ? call.reply : call.reject;
    let outcome = canister.run(input, (i) => invokeTable(i.table, target.fn, target.env), INSTRUCTION_LIMITS.update);
    if (!outcome.ok && call.cleanup) {
      canister.rollback();
      this.chargeWhatIsLeft(canister, outcome.instructions);
      const cleanup = call.cleanup;
      const cleanupOutcome = canister.run(
        { ...input, kind: 'C', canReply: false },
        (i) => invokeTable(i.table, cleanup.fn, cleanup.env),
        INSTRUCTION_LIMITS.update,
      );
      if (cleanupOutcome.ok) {
        canister.applyEffects({ ...cleanupOutcome.effects, calls: [] });
        canister.commit();
      } else canister.rollback();
      // The trapped callback is paid for above; what finish() charges now is the cleanup's execution.
      outcome = { ok: false, trap: outcome.trap, instructions: cleanupOutcome.instructions };
    }
    this.finish(canister, context, outcome);
    const callee = Principal.fromUint8Array(call.callee);
    this.traced(id, response.cause, canister.id, isReply ? 'reply' : 'reject', call.method, outcome.instructions, callee);
  }

  /** Runs the global timer of one canister whose deadline has passed. */
  private fireDueTimer(): boolean {
    for (const canister of this.canisters.values()) {
      const due = canister.globalTimer !== 0n && canister.globalTimer <= this.time;
      if (!due || canister.status !== 'running' || !canister.module?.exports.has('canister_global_timer')) continue;
      // The spec fires the timer only when the canister can pay for the message; until then it stays set.
      if (!canister.canAffordExecution()) continue;
      canister.globalTimer = 0n; // the timer deactivates when it fires
      const id = this.begin();
      const context = this.openContext(canister, { kind: 'system' }, 0n);
      context.replied = true;
      const input: ExecInput = {
        kind: 'T',
        method: '',
        arg: new Uint8Array(0),
        caller: MANAGEMENT_CANISTER.toUint8Array(),
        time: this.time,
        cyclesAvailable: 0n,
        canReply: false,
      };
      const outcome = canister.run(input, (i) => i.export('canister_global_timer')!(), INSTRUCTION_LIMITS.update);
      const cause = this.timerCauses.get(canister) ?? 0;
      this.finish(canister, context, outcome);
      this.traced(id, cause, canister.id, 'timer', 'canister_global_timer', outcome.instructions);
      return true;
    }
    return false;
  }

  /** Answers best-effort calls whose deadline passed with SYS_UNKNOWN, as the spec says. */
  private expireDeadline(): boolean {
    for (const [id, callback] of this.callbacks) {
      if (callback.deadline === undefined || callback.deadline > this.time) continue;
      this.enqueue({
        kind: 'response',
        response: {
          to: callback.context.canister.id,
          callbackId: id,
          result: { reject: Reject.of(ErrorCode.DEADLINE_EXPIRED, 'Call deadline has expired.') },
          refund: 0n,
          cause: 0,
        },
      });
      callback.deadline = undefined;
      return true;
    }
    return false;
  }

  /**
   * canister_inspect_message, run before an ingress update is inducted: it persists nothing, and the
   * message is refused unless it calls accept_message. Canisters without it accept every message.
   */
  inspect(canister: Canister, method: string, arg: Uint8Array, caller: Principal): Reject | null {
    if (!canister.module?.exports.has('canister_inspect_message') || !canister.exportsMethod('update', method)) return null;
    const input: ExecInput = {
      kind: 'F',
      method,
      arg,
      caller: caller.toUint8Array(),
      time: this.time,
      cyclesAvailable: 0n,
      canReply: false,
    };
    const outcome = canister.run(input, (i) => i.export('canister_inspect_message')!(), INSTRUCTION_LIMITS.inspect);
    canister.rollback();
    if (!outcome.ok) return trapReject(canister, outcome.trap);
    if (outcome.effects.messageAccepted) return null;
    return Reject.of(ErrorCode.CANISTER_REJECT, `Error from Canister ${canister.id.toText()}: Canister rejected the message`);
  }

  /** Runs a query: never persists anything, whatever the method writes. */
  query(canister: Canister, method: string, arg: Uint8Array, caller: Principal, certificate?: () => Uint8Array): CallResult {
    const input: ExecInput = {
      kind: 'NRQ',
      method,
      arg,
      caller: caller.toUint8Array(),
      time: this.time,
      cyclesAvailable: 0n,
      canReply: true,
      certificate,
    };
    const outcome = canister.run(input, (i) => i.export(queryExport(canister, method))!(), INSTRUCTION_LIMITS.query);
    canister.rollback();
    if (!outcome.ok) return { reject: trapReject(canister, outcome.trap) };
    const { replied, rejected } = outcome.effects;
    if (replied !== undefined) return { reply: replied };
    if (rejected !== undefined) return { reject: Reject.of(ErrorCode.CANISTER_REJECT, rejected) };
    return {
      reject: Reject.of(
        ErrorCode.CANISTER_DID_NOT_REPLY,
        `Error from Canister ${canister.id.toText()}: Canister did not reply to the call`,
      ),
    };
  }

  /**
   * Uninstalling code (uninstall_code, or a reinstall) rejects every call context still open on
   * the canister, and the responses to its outstanding calls will run no code (spec: uninstall_code).
   */
  dropCallContexts(canister: Canister): void {
    for (const callback of this.callbacks.values()) {
      const context = callback.context;
      if (context.canister !== canister) continue;
      callback.dropped = true;
      if (context.replied) continue;
      context.replied = true;
      const reject = new Reject(RejectCode.CANISTER_REJECT, `Canister ${canister.id.toText()} has been uninstalled.`);
      this.respond(context.origin, { reject }, context.cyclesAvailable);
      context.cyclesAvailable = 0n;
    }
  }

  /** Stopping completes once the canister has no open call contexts. */
  awaitStop(canister: Canister, origin: Origin, refund: bigint): void {
    const key = canister.id.toText();
    this.stopWaiters.set(key, [...(this.stopWaiters.get(key) ?? []), { origin, refund }]);
    this.completeStopIfIdle(canister);
  }

  private completeStopIfIdle(canister: Canister): void {
    if (canister.status !== 'stopping' || canister.openCallContexts > 0) return;
    canister.status = 'stopped';
    const key = canister.id.toText();
    for (const { origin, refund } of this.stopWaiters.get(key) ?? []) this.respond(origin, { reply: EMPTY_REPLY }, refund);
    this.stopWaiters.delete(key);
  }

  /** Starting a stopping canister answers the pending stop requests with a rejection. */
  cancelStop(canister: Canister): void {
    const key = canister.id.toText();
    for (const { origin, refund } of this.stopWaiters.get(key) ?? []) {
      const reject = new Reject(RejectCode.CANISTER_ERROR, 'Canister start request was received before the stop completed.');
      this.respond(origin, { reject }, refund);
    }
    this.stopWaiters.delete(key);
  }
}

/** Messages run before drain() lets the event loop serve I/O (canisters calling each other forever would starve it). */
const DRAIN_BATCH = 1000;

/** The encoding of an empty candid reply, `()`. */
export const EMPTY_REPLY = new Uint8Array([0x44, 0x49, 0x44, 0x4c, 0x00, 0x00]);

function queryExport(canister: Canister, method: string): string {
  return canister.module!.exports.has(`canister_query ${method}`) ? `canister_query ${method}` : `canister_composite_query ${method}`;
}

function invokeTable(table: WebAssembly.Table, index: number, env: number): void {
  // One-way calls (ic-cdk's notify, Azle's analytics reports) name no callback: index u32::MAX. Its response traps,
  // as on the IC, rather than failing in the host (table.get throws a RangeError past the table's end).
  if (index >= table.length) throw new WebAssembly.RuntimeError(`callback table index ${index} is out of bounds`);
  const fn = table.get(index) as ((env: number) => void) | null;
  if (!fn) throw new WebAssembly.RuntimeError(`callback table index ${index} is empty`);
  fn(env);
}

function trapReject(canister: Canister, trap: Trap): Reject {
  return Reject.of(trap.errorCode, trapMessage(canister.id, trap));
}

function outOfCyclesTrap(canister: Canister): Trap {
  return new Trap(`Canister ${canister.id.toText()} is out of cycles`, ErrorCode.CANISTER_OUT_OF_CYCLES);
}
