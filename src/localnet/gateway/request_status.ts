// What the network remembers of each ingress call, by request id, for /request_status in the
// state tree: kept until five minutes past the call's expiry, so a replayed request is recognised
// and never executed twice.
import type { Principal } from '@dfinity/principal';

import type { CallResult } from '../scheduler.js';
import { children, nat, type StateNode, text } from './state_tree.js';

export type CallStatus = {
  sender: Principal;
  /** The canister the call was addressed to (aaaaa-aa for management calls). */
  canisterId: Principal;
  /** The effective canister id of the call's URL, or the effective subnet id of a call to /api/v4/subnet. */
  effective: Principal;
  expiry: bigint;
  result?: CallResult;
  /** Resolves when the call reaches a terminal state. */
  done: Promise<void>;
};

const KEEP_AFTER_EXPIRY = 5n * 60n * 1_000_000_000n;

export class RequestStatuses {
  private readonly calls = new Map<string, CallStatus>();

  get(requestId: Uint8Array): CallStatus | undefined {
    return this.calls.get(Buffer.from(requestId).toString('hex'));
  }

  add(requestId: Uint8Array, status: CallStatus): void {
    this.calls.set(Buffer.from(requestId).toString('hex'), status);
  }

  /** Forgets calls long past their expiry. */
  prune(now: bigint): void {
    for (const [id, call] of this.calls) if (call.result && call.expiry + KEEP_AFTER_EXPIRY < now) this.calls.delete(id);
  }

  /** The /request_status/<id> subtree of one call. */
  subtree(requestId: Uint8Array): StateNode | undefined {
    const call = this.get(requestId);
    if (!call) return undefined;
    const result = call.result;
    if (!result) return children([['status', text('processing')]]);
    if ('reply' in result)
      return children([
        ['status', text('replied')],
        ['reply', result.reply],
      ]);
    return children([
      ['status', text('rejected')],
      ['reject_code', nat(result.reject.code)],
      ['reject_message', text(result.reject.message)],
      ['error_code', result.reject.errorCode ? text(result.reject.errorCode) : undefined],
    ]);
  }
}
