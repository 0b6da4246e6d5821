// The management canister (aaaaa-aa): canister lifecycle, cycles, randomness and HTTPS outcalls,
// with the spec's candid interface and its rule that only controllers manage a canister; and the methods the spec
// lets users call as queries (non-replicated), answered from the current state.
import { IDL } from '@dfinity/candid';
import { Principal } from '@dfinity/principal';
import { randomBytes } from 'node:crypto';

import type { Canister } from '../canister.js';
import { ErrorCode, Reject, RejectCode } from '../errors.js';
import { canisterIdFromIndex } from '../ids.js';
import {
  type Answer,
  type CallResult,
  EMPTY_REPLY,
  MANAGEMENT_CANISTER,
  type ManagementHandler,
  type Request,
  type Scheduler,
} from '../scheduler.js';
import { httpOutcall } from './http_outcall.js';
import { installCode, uninstallCode } from './install.js';
import { applySettings, mayReadStatus, validateSettings } from './settings.js';
import { canisterStatus } from './status.js';
import {
  CanisterIdRecord,
  type CanisterSettings,
  CanisterStatusResult,
  CreateCanisterArgs,
  ChunkHash,
  HttpRequestArgs,
  InstallChunkedCodeArgs,
  InstallCodeArgs,
  type InstallMode,
  ProvisionalCreateArgs,
  TopUpArgs,
  UpdateSettingsArgs,
  UploadChunkArgs,
} from './types.js';

/** What a local replica gives a canister created without an amount (dfx's default). */
export const DEFAULT_PROVISIONAL_CYCLES = 100_000_000_000_000n;

type Handler = (request: Request) => Answer | Promise<Answer> | 'deferred';

/**
 * The IC methods the spec lets external users call through non-replicated (query) calls: canister_status and
 * canister_metrics ("can also be called via non-replicated (query) calls"), fetch_canister_logs and list_canisters
 * (only so). A query to any other method is refused.
 */
export const QUERY_METHODS: ReadonlySet<string> = new Set(['canister_status', 'canister_metrics', 'fetch_canister_logs', 'list_canisters']);
/** Query methods that take any effective canister id (spec: Effective canister id); the others name their canister_id. */
export const QUERY_ANY_EFFECTIVE: ReadonlySet<string> = new Set(['list_canisters']);

export class ManagementCanister implements ManagementHandler {
  private readonly methods: Record<string, Handler>;

  constructor(
    private readonly scheduler: Scheduler,
    private readonly allocateId: () => bigint,
  ) {
    this.methods = {
      create_canister: (r) => this.createCanister(r),
      provisional_create_canister_with_cycles: (r) => this.provisionalCreate(r),
      provisional_top_up_canister: (r) => this.topUp(r),
      install_code: (r) => this.installCode(r),
      upload_chunk: (r) =>
        this.controlled<{ canister_id: Principal; chunk: Uint8Array }>(r, UploadChunkArgs, (c, a) =>
          answer(encode([ChunkHash], [{ hash: c.chunks.upload(Uint8Array.from(a.chunk)) }])),
        ),
      stored_chunks: (r) =>
        this.controlled(r, CanisterIdRecord, (c) => answer(encode([IDL.Vec(ChunkHash)], [c.chunks.hashes().map((hash) => ({ hash }))]))),
      clear_chunk_store: (r) => this.controlled(r, CanisterIdRecord, (c) => (c.chunks.clear(), reply())),
      install_chunked_code: (r) => this.installChunkedCode(r),
      uninstall_code: (r) =>
        this.controlled(r, CanisterIdRecord, (c) => {
          this.scheduler.dropCallContexts(c);
          uninstallCode(c);
          return reply();
        }),
      start_canister: (r) => this.controlled(r, CanisterIdRecord, (c) => this.start(c)),
      stop_canister: (r) => this.stop(r),
      delete_canister: (r) => this.controlled(r, CanisterIdRecord, (c) => this.delete(c)),
      canister_status: (r) => this.status(r),
      update_settings: (r) =>
        this.controlled<{ canister_id: Principal; settings: CanisterSettings }>(r, UpdateSettingsArgs, (c, a) =>
          this.updateSettings(c, a.settings),
        ),
      deposit_cycles: (r) => this.deposit(r),
      raw_rand: (r) => ({ result: { reply: encode([IDL.Vec(IDL.Nat8)], [randomBytes(32)]) }, refund: r.cycles }),
      http_request: (r) => this.httpRequest(r),
    };
  }

  /**
   * A query call to the management canister (from the gateway, which has checked the effective canister id): answered
   * from the current state, changing nothing and charging no cycles. A method the spec does not allow as a query is
   * refused as the replica refuses it (CanisterMethodNotFound, "Query method <name> not found."); of those it allows,
   * the local network has canister_status only.
   */
  query({ method, arg, sender }: { method: string; arg: Uint8Array; sender: Principal }): CallResult {
    if (!QUERY_METHODS.has(method)) return { reject: Reject.of(ErrorCode.CANISTER_METHOD_NOT_FOUND, `Query method ${method} not found.`) };
    if (method !== 'canister_status') {
      return {
        reject: Reject.of(ErrorCode.UNKNOWN_MANAGEMENT_MESSAGE, `Management canister has no method '${method}' on the local network`),
      };
    }
    try {
      return this.status({ caller: sender, callee: MANAGEMENT_CANISTER, method, arg, cycles: 0n, origin: { kind: 'system' } }).result;
    } catch (error) {
      if (error instanceof Reject) return { reject: error };
      throw error;
    }
  }

  handle(request: Request): Answer | Promise<Answer> | 'deferred' {
    const handler = Object.hasOwn(this.methods, request.method) ? this.methods[request.method] : undefined;
    if (!handler) {
      return refuse(
        request,
        Reject.of(ErrorCode.UNKNOWN_MANAGEMENT_MESSAGE, `Management canister has no method '${request.method}' on the local network`),
      );
    }
    try {
      return handler(request);
    } catch (error) {
      if (error instanceof Reject) return refuse(request, error);
      throw error;
    }
  }

  /** Decodes the argument and checks that the caller controls the named canister. */
  private controlled<T extends { canister_id: Principal }>(
    request: Request,
    type: IDL.Type,
    act: (canister: Canister, args: T) => Answer | 'deferred',
    selfAllowed = false,
  ): Answer | 'deferred' {
    const args = decode<T>(type, request);
    const answer = act(this.authorize(request, args.canister_id, selfAllowed), args);
    if (answer !== 'deferred') answer.refund = request.cycles;
    return answer;
  }

  /** The canister, if the caller controls it (or is it, where selfAllowed; or may see it, where visible says so). */
  private authorize(request: Request, id: Principal, selfAllowed = false, visible?: (canister: Canister) => boolean): Canister {
    const canister = this.mustExist(id);
    const isSelf = selfAllowed && request.caller.compareTo(canister.id) === 'eq';
    if (!isSelf && !canister.isController(request.caller.toUint8Array()) && !visible?.(canister)) {
      throw Reject.of(
        ErrorCode.CANISTER_INVALID_CONTROLLER,
        `Only controllers of canister ${canister.id.toText()} can call ic00 method ${request.method}. ` +
          `Sender ${request.caller.toText()} is not a controller.`,
      );
    }
    return canister;
  }

  private create(controllers: Principal[], cycles: bigint, settings: [] | [CanisterSettings], specified?: Principal): Principal {
    if (settings[0]) validateSettings(settings[0]);
    const id = specified ?? canisterIdFromIndex(this.allocateId());
    if (this.scheduler.canister(id)) throw new Reject(RejectCode.CANISTER_REJECT, `Canister ${id.toText()} already exists`);
    const canister = this.scheduler.newCanister(id, settings[0]?.controllers[0] ?? controllers, cycles);
    if (settings[0]) applySettings(canister, settings[0]);
    return id;
  }

  private createCanister(request: Request): Answer {
    if (!this.scheduler.canister(request.caller)) {
      throw new Reject(
        RejectCode.CANISTER_REJECT,
        'create_canister can only be called by a canister; use provisional_create_canister_with_cycles',
      );
    }
    const args = decode<CreateCanisterArgs>(CreateCanisterArgs, request);
    const fee = this.scheduler.fees.canisterCreation;
    if (request.cycles < fee) {
      throw Reject.of(
        ErrorCode.INSUFFICIENT_CYCLES_FOR_CREATE,
        `Creating a canister requires a fee of ${fee} that is deducted from the canister's initial balance but only ${request.cycles} cycles were received with the create_canister request.`,
      );
    }
    const id = this.create([request.caller], request.cycles - fee, args.settings);
    return { result: { reply: encode([CanisterIdRecord], [{ canister_id: id }]) }, refund: 0n };
  }

  private provisionalCreate(request: Request): Answer {
    const args = decode<ProvisionalCreateArgs>(ProvisionalCreateArgs, request);
    const id = this.create([request.caller], args.amount[0] ?? DEFAULT_PROVISIONAL_CYCLES, args.settings, args.specified_id[0]);
    return { result: { reply: encode([CanisterIdRecord], [{ canister_id: id }]) }, refund: request.cycles };
  }

  private topUp(request: Request): Answer {
    const args = decode<{ canister_id: Principal; amount: bigint }>(TopUpArgs, request);
    const canister = this.mustExist(args.canister_id);
    canister.cycles += args.amount;
    return reply(request.cycles);
  }

  private deposit(request: Request): Answer {
    const args = decode<{ canister_id: Principal }>(CanisterIdRecord, request);
    const canister = this.mustExist(args.canister_id);
    canister.cycles += request.cycles;
    return reply(0n);
  }

  private mustExist(id: Principal): Canister {
    const canister = this.scheduler.canister(id);
    if (!canister) throw Reject.of(ErrorCode.CANISTER_NOT_FOUND, `Canister ${id.toText()} not found`);
    return canister;
  }

  private installCode(request: Request): Answer {
    const args = decode<InstallCodeArgs>(InstallCodeArgs, request);
    return this.install(
      request,
      this.authorize(request, args.canister_id),
      args.mode,
      Uint8Array.from(args.wasm_module),
      Uint8Array.from(args.arg),
    );
  }

  /** Installs a module assembled from the store canister's chunks (the target's own by default). */
  private installChunkedCode(request: Request): Answer {
    const args = decode<InstallChunkedCodeArgs>(InstallChunkedCodeArgs, request);
    const target = this.authorize(request, args.target_canister);
    const store = this.authorize(request, args.store_canister[0] ?? args.target_canister);
    const hashes = args.chunk_hashes_list.map((h) => Uint8Array.from(h.hash));
    const wasm = store.chunks.assemble(hashes, Uint8Array.from(args.wasm_module_hash));
    return this.install(request, target, args.mode, wasm, Uint8Array.from(args.arg));
  }

  private install(request: Request, canister: Canister, mode: InstallMode, wasm: Uint8Array, arg: Uint8Array): Answer {
    const failure = installCode({ canister, mode, wasm, arg, sender: request.caller, time: this.scheduler.time });
    if (failure) throw failure;
    // A reinstall replaces the code as uninstall_code would: open calls of the old code are rejected.
    if ('reinstall' in mode) this.scheduler.dropCallContexts(canister);
    return reply(request.cycles);
  }

  private start(canister: Canister): Answer {
    if (canister.status === 'stopping') this.scheduler.cancelStop(canister);
    canister.status = 'running';
    return reply();
  }

  private stop(request: Request): Answer | 'deferred' {
    return this.controlled(request, CanisterIdRecord, (canister) => {
      if (canister.status === 'stopped') return reply();
      canister.status = 'stopping';
      this.scheduler.awaitStop(canister, request.origin, request.cycles);
      return 'deferred';
    });
  }

  private delete(canister: Canister): Answer {
    if (canister.status !== 'stopped') {
      throw Reject.of(ErrorCode.CANISTER_NOT_STOPPED, `Canister ${canister.id.toText()} must be stopped before it is deleted.`);
    }
    this.scheduler.canisters.delete(canister.id.toText());
    return reply();
  }

  /** Controllers, the canister itself, and whoever its status_visibility names may read its status. */
  private status(request: Request): Answer {
    const args = decode<{ canister_id: Principal }>(CanisterIdRecord, request);
    const canister = this.authorize(request, args.canister_id, true, (c) => mayReadStatus(c, request.caller));
    return { result: { reply: encode([CanisterStatusResult], [canisterStatus(canister)]) }, refund: request.cycles };
  }

  private updateSettings(canister: Canister, settings: CanisterSettings): Answer {
    applySettings(canister, settings);
    canister.version += 1n;
    return reply();
  }

  private httpRequest(request: Request): Promise<Answer> {
    const args = decode<HttpRequestArgs>(HttpRequestArgs, request);
    return httpOutcall(this.scheduler, request.caller, args, request.cycles);
  }
}

function answer(bytes: Uint8Array): Answer {
  return { result: { reply: bytes }, refund: 0n };
}

function reply(refund = 0n): Answer {
  return { result: { reply: EMPTY_REPLY }, refund };
}

function refuse(request: Request, reject: Reject): Answer {
  return { result: { reject }, refund: request.cycles };
}

function encode(types: IDL.Type[], values: unknown[]): Uint8Array {
  return new Uint8Array(IDL.encode(types, values));
}

function decode<T>(type: IDL.Type, request: Request): T {
  try {
    return IDL.decode([type], Uint8Array.from(request.arg))[0] as T;
  } catch (error) {
    throw Reject.of(
      ErrorCode.INVALID_MANAGEMENT_PAYLOAD,
      `Error decoding candid for ic00 method ${request.method}: ${(error as Error).message}`,
    );
  }
}
