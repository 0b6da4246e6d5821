// The HTTPS outcall to a worker. Glue: imports azle. Replicas must agree on the response, so the transform keeps
// the status and the body (the worker's answers carry no times or ids) and drops the headers (dates differ).
import { call, canisterSelf } from 'azle';
import { http_request_args, http_request_result } from 'azle/canisters/management/idl';

import { decodeCandid, encodeCandid } from '../shared/candid_cache';

// Enough for one outcall of a few kilobytes on a 34-node subnet; what is not used is refunded.
const OUTCALL_CYCLES = 3_000_000_000n;

async function outcall(
  url: string,
  method: { get: null } | { post: null },
  body: string | undefined,
  maxResponseBytes: bigint,
  transform: string,
): Promise<{ Ok: http_request_result } | { Err: string }> {
  try {
    // Raw, with the Candid through candid_cache.ts: azle's own encoding rebuilds the type tables on every outcall.
    const args = encodeCandid(
      [http_request_args],
      [
        {
          url,
          method,
          headers: body === undefined ? [] : [{ name: 'content-type', value: 'application/json' }],
          body: body === undefined ? [] : [new TextEncoder().encode(body)],
          max_response_bytes: [maxResponseBytes],
          transform: [{ function: [canisterSelf(), transform], context: new Uint8Array() }],
        },
      ],
    );
    const reply = await call<Uint8Array, Uint8Array>('aaaaa-aa', 'http_request', { raw: true, args, cycles: OUTCALL_CYCLES });
    return { Ok: decodeCandid([http_request_result], reply)[0] as http_request_result };
  } catch (error) {
    const e = error as { rejectMessage?: string };
    return { Err: `outcall to ${url} failed: ${e.rejectMessage ?? String(error)}` };
  }
}

/** POSTs a job to a worker; the transform keeps the status and the body. */
export const postJson = (url: string, body: string, maxResponseBytes: bigint) =>
  outcall(url, { post: null }, body, maxResponseBytes, 'transform');

/** GETs the node principal (text) the worker at `url` runs as; the body is the same on every replica, so `transform` fits. */
export const askNode = (url: string) => outcall(`${url}/node`, { get: null }, undefined, 256n, 'transform');

/** GETs a worker's /status; its body (queue, speed) differs between replicas, so that transform keeps the status only. */
export const probeStatus = (url: string) => outcall(`${url}/status`, { get: null }, undefined, 1_024n, 'transform_status');
