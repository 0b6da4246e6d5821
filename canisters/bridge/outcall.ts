// The HTTPS outcall to a worker. Glue: imports azle. Replicas must agree on the response, so the transform keeps
// the status and the body (the worker's answers carry no times or ids) and drops the headers (dates differ).
import { call, canisterSelf } from 'azle';
import { http_request_args, http_request_result } from 'azle/canisters/management/idl';

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
    const response = await call<[http_request_args], http_request_result>('aaaaa-aa', 'http_request', {
      paramIdlTypes: [http_request_args],
      returnIdlType: http_request_result,
      args: [
        {
          url,
          method,
          headers: body === undefined ? [] : [{ name: 'content-type', value: 'application/json' }],
          body: body === undefined ? [] : [new TextEncoder().encode(body)],
          max_response_bytes: [maxResponseBytes],
          transform: [{ function: [canisterSelf(), transform], context: new Uint8Array() }],
        },
      ],
      cycles: OUTCALL_CYCLES,
    });
    return { Ok: response };
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
