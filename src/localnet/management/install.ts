// install_code and uninstall_code: install, reinstall and upgrade run as one transaction; a module
// that cannot be instantiated, or a trap in its start function, init, pre_upgrade or post_upgrade,
// leaves the canister exactly as it was.
import type { Principal } from '@dfinity/principal';

import { type Canister, type Outcome, trapMessage } from '../canister.js';
import { INSTRUCTION_LIMITS } from '../cycles.js';
import { ErrorCode, Reject } from '../errors.js';
import type { WasmInstance } from '../host/heap.js';
import { StableMemory } from '../host/stable_memory.js';
import type { ExecInput } from '../host/system_api.js';
import { EXPORT_START } from '../wasm/instrument.js';
import { type CompiledModule, compileModule } from '../wasm/module_cache.js';
import type { InstallMode } from './types.js';

export type InstallRequest = {
  canister: Canister;
  mode: InstallMode;
  wasm: Uint8Array;
  arg: Uint8Array;
  sender: Principal;
  time: bigint;
};

export function installCode(request: InstallRequest): Reject | null {
  const { canister, mode, wasm } = request;
  const id = canister.id.toText();
  let compiled: CompiledModule;
  try {
    compiled = compileModule(wasm);
  } catch (error) {
    return invalidWasm(canister, (error as Error).message);
  }
  if ('install' in mode && canister.module) {
    return Reject.of(
      ErrorCode.CANISTER_ALREADY_INSTALLED,
      `Canister ${id} cannot be installed because the canister is not empty. Try installing with mode='reinstall' instead.`,
    );
  }
  if ('upgrade' in mode) {
    if (!canister.instance) {
      return Reject.of(
        ErrorCode.CANISTER_WASM_MODULE_NOT_FOUND,
        `Error from Canister ${id}: Attempted to upgrade a canister that contains no Wasm module.`,
      );
    }
    return upgrade(request, compiled, mode.upgrade[0]?.skip_pre_upgrade[0] === true);
  }
  return freshInstall(request, compiled);
}

function input(request: InstallRequest, kind: 'I' | 'G'): ExecInput {
  return {
    kind,
    method: '',
    arg: kind === 'I' ? request.arg : new Uint8Array(0),
    caller: request.sender.toUint8Array(),
    time: request.time,
    cyclesAvailable: 0n,
    canReply: false,
  };
}

function invalidWasm(canister: Canister, reason: string): Reject {
  return Reject.of(
    ErrorCode.CANISTER_INVALID_WASM,
    `Error from Canister ${canister.id.toText()}: Canister's Wasm module is not valid: ${reason}`,
  );
}

/** A new instance, or the reject for a module that compiles but cannot be instantiated (say, a data segment out of bounds). */
function instantiate(canister: Canister, compiled: CompiledModule): WasmInstance | Reject {
  try {
    return canister.instantiate(compiled);
  } catch (error) {
    return invalidWasm(canister, `instantiation failed: ${(error as Error).message}`);
  }
}

/** Runs the module's start function, if it has one, and then the hook, as the replica does on install. */
function runHooks(canister: Canister, instance: WasmInstance, name: string, execInput: ExecInput): Outcome {
  let startInstructions = 0n;
  if (instance.export(EXPORT_START)) {
    const start = canister.run({ ...execInput, kind: 's' }, (i) => i.export(EXPORT_START)!(), INSTRUCTION_LIMITS.install, instance);
    if (!start.ok) return start;
    startInstructions = start.instructions;
  }
  const outcome = canister.run(execInput, (i) => i.export(name)?.(), INSTRUCTION_LIMITS.install, instance);
  return { ...outcome, instructions: startInstructions + outcome.instructions };
}

function freshInstall(request: InstallRequest, compiled: CompiledModule): Reject | null {
  const { canister } = request;
  const instance = instantiate(canister, compiled);
  if (instance instanceof Reject) return instance;
  const previousStable = canister.stable;
  canister.stable = new StableMemory();
  const outcome = runHooks(canister, instance, 'canister_init', input(request, 'I'));
  if (!outcome.ok || !canister.chargeExecution(outcome.instructions, outcome.effects.balanceDelta)) {
    canister.stable = previousStable;
    return outcome.ok ? outOfCycles(canister) : Reject.of(outcome.trap.errorCode, trapMessage(canister.id, outcome.trap));
  }
  canister.instance = instance;
  canister.commit();
  canister.certifiedData = new Uint8Array(0);
  canister.globalTimer = 0n;
  canister.applyEffects(outcome.effects);
  canister.version += 1n;
  return null;
}

function upgrade(request: InstallRequest, compiled: CompiledModule, skipPreUpgrade: boolean): Reject | null {
  const { canister } = request;
  const old = canister.instance!;
  let preInstructions = 0n;
  let preDelta = 0n;
  if (!skipPreUpgrade) {
    const pre = canister.run(input(request, 'G'), (i) => i.export('canister_pre_upgrade')?.(), INSTRUCTION_LIMITS.install, old);
    if (!pre.ok) {
      canister.rollback(old);
      return Reject.of(pre.trap.errorCode, trapMessage(canister.id, pre.trap));
    }
    preInstructions = pre.instructions;
    preDelta = pre.effects.balanceDelta;
  }
  const instance = instantiate(canister, compiled);
  if (instance instanceof Reject) {
    canister.rollback(old);
    return instance;
  }
  const post = runHooks(canister, instance, 'canister_post_upgrade', input(request, 'I'));
  if (!post.ok || !canister.chargeExecution(preInstructions + post.instructions, preDelta + post.effects.balanceDelta)) {
    canister.rollback(old);
    return post.ok ? outOfCycles(canister) : Reject.of(post.trap.errorCode, trapMessage(canister.id, post.trap));
  }
  canister.instance = instance;
  canister.commit();
  canister.globalTimer = 0n;
  canister.cycles += preDelta;
  canister.applyEffects(post.effects);
  canister.version += 1n;
  return null;
}

export function uninstallCode(canister: Canister): void {
  canister.instance = null;
  canister.stable = new StableMemory();
  canister.certifiedData = new Uint8Array(0);
  canister.globalTimer = 0n;
  canister.version += 1n;
}

function outOfCycles(canister: Canister): Reject {
  return Reject.of(
    ErrorCode.CANISTER_OUT_OF_CYCLES,
    `Canister ${canister.id.toText()} is out of cycles: the installation needs more cycles than the canister holds`,
  );
}
