// HTTPS outcalls (management canister http_request): real HTTP requests, one per simulated replica
// in replicated mode, each response passed through the canister's transform query, and the
// answer accepted only when enough replicas agree, as on a subnet.
import { IDL } from '@dfinity/candid';
import type { Principal } from '@dfinity/principal';
import { createHash } from 'node:crypto';

import { HTTP_MAX_RESPONSE_BYTES } from '../cycles.js';
import { Reject, RejectCode } from '../errors.js';
import { type CallResult, MANAGEMENT_CANISTER, type Scheduler } from '../scheduler.js';
import { headerBytes, type HttpAnswer, OutcallTimeout, sendRequest } from './http_client.js';
import { HttpRequestArgs, HttpRequestResult, TransformArgs } from './types.js';

const TIMEOUT_MS = 30_000;
const MAX_URL_LENGTH = 8192;
/** Methods the spec allows in non-replicated mode only (is_replicated = opt false). */
const NON_REPLICATED_ONLY = new Set(['put', 'delete', 'patch']);

export type OutcallResult = { result: { reply: Uint8Array } | { reject: Reject }; refund: bigint };

type ReplicaAnswer = { ok: true; bytes: Uint8Array } | { ok: false; reject: Reject };

export function isLoopback(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '');
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/** Validates the request and computes its cost before anything is sent. */
export function outcallCost(scheduler: Scheduler, args: HttpRequestArgs): { cost: bigint; maxResponse: bigint } | Reject {
  if (args.url.length > MAX_URL_LENGTH)
    return new Reject(RejectCode.CANISTER_REJECT, `URL length exceeds the maximum of ${MAX_URL_LENGTH}`);
  let url: URL;
  try {
    url = new URL(args.url);
  } catch (error) {
    // The replica's adapter refuses these with InvalidArgument, which reaches the canister as SYS_FATAL.
    return new Reject(RejectCode.SYS_FATAL, `Failed to parse URL: ${(error as Error).message}`);
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopback(url.hostname))) {
    return new Reject(
      RejectCode.SYS_FATAL,
      `Url need to specify https scheme (the local network allows plain http to loopback addresses only): ${args.url}`,
    );
  }
  const method = Object.keys(args.method)[0];
  if (NON_REPLICATED_ONLY.has(method) && (args.is_replicated[0] ?? true)) {
    return new Reject(
      RejectCode.CANISTER_REJECT,
      `The HTTP method ${method.toUpperCase()} is only supported in non-replicated mode (is_replicated = opt false)`,
    );
  }
  const maxResponse = args.max_response_bytes[0] ?? HTTP_MAX_RESPONSE_BYTES;
  if (maxResponse > HTTP_MAX_RESPONSE_BYTES) {
    return new Reject(RejectCode.CANISTER_REJECT, `max_response_bytes=${maxResponse} exceeds the limit of ${HTTP_MAX_RESPONSE_BYTES}`);
  }
  const transform = args.transform[0];
  const requestBytes =
    byteLength(args.url) +
    headerBytes(args.headers) +
    (args.body[0]?.length ?? 0) +
    (transform ? byteLength(transform.function[1]) + transform.context.length : 0);
  return { cost: scheduler.fees.httpOutcall(BigInt(requestBytes), maxResponse), maxResponse };
}

export async function httpOutcall(scheduler: Scheduler, caller: Principal, args: HttpRequestArgs, cycles: bigint): Promise<OutcallResult> {
  const canister = scheduler.canister(caller);
  if (!canister)
    return { result: { reject: new Reject(RejectCode.CANISTER_REJECT, 'http_request can only be called by a canister') }, refund: cycles };
  const priced = outcallCost(scheduler, args);
  if (priced instanceof Reject) return { result: { reject: priced }, refund: cycles };
  const { cost, maxResponse } = priced;
  if (cycles < cost) {
    return {
      result: {
        reject: new Reject(RejectCode.CANISTER_REJECT, `http_request request sent with ${cycles} cycles, but ${cost} cycles are required.`),
      },
      refund: cycles,
    };
  }
  canister.counters.cyclesSpent += cost;
  canister.counters.outcalls += 1;
  const replicated = args.is_replicated[0] ?? true;
  const copies = replicated ? scheduler.options.subnetSize : 1;
  const transformed = new Map<string, CallResult>();
  const answers = await Promise.all(Array.from({ length: copies }, () => replicaAnswer(scheduler, caller, args, maxResponse, transformed)));
  return { result: agree(answers, copies), refund: cycles - cost };
}

/**
 * One replica's request and transform. The replicas of a subnet run their transforms side by side; here they run
 * one after another, so an answer is reused for an identical response (the transform's input) while the canister's
 * state, module and time are unchanged (`transformed`, per outcall): a query is deterministic, so the replica would compute the same.
 */
async function replicaAnswer(
  scheduler: Scheduler,
  caller: Principal,
  args: HttpRequestArgs,
  maxResponse: bigint,
  transformed: Map<string, CallResult>,
): Promise<ReplicaAnswer> {
  let response: HttpAnswer;
  try {
    response = await send(args, maxResponse);
  } catch (error) {
    if (error instanceof Reject) return { ok: false, reject: error };
    const reason =
      error instanceof OutcallTimeout ? 'Timeout expired' : `Connecting to ${new URL(args.url).host} failed: ${(error as Error).message}`;
    return { ok: false, reject: new Reject(RejectCode.SYS_TRANSIENT, reason) };
  }
  const transform = args.transform[0];
  if (!transform) return { ok: true, bytes: new Uint8Array(IDL.encode([HttpRequestResult], [response])) };
  const [target, method] = transform.function;
  const canister = scheduler.canister(target);
  if (!canister || target.compareTo(caller) !== 'eq') {
    return {
      ok: false,
      reject: new Reject(RejectCode.CANISTER_REJECT, 'The transform function must be a query method of the calling canister'),
    };
  }
  // The context is the outcall's, so the response alone tells one transform input from another.
  const key = `${canister.commits} ${canister.version} ${scheduler.time} ${digest(response)}`;
  let result = transformed.get(key);
  if (result === undefined) {
    const arg = new Uint8Array(IDL.encode([TransformArgs], [{ response, context: transform.context }]));
    result = scheduler.query(canister, method, arg, MANAGEMENT_CANISTER);
    transformed.set(key, result);
  }
  if ('reject' in result) {
    return { ok: false, reject: new Reject(RejectCode.SYS_TRANSIENT, `Transform function failed: ${result.reject.message}`) };
  }
  if (result.reply.length > Number(maxResponse)) {
    return { ok: false, reject: new Reject(RejectCode.SYS_FATAL, `Transformed http response exceeds limit: ${maxResponse}`) };
  }
  return { ok: true, bytes: result.reply };
}

function send(args: HttpRequestArgs, maxResponse: bigint): Promise<HttpAnswer> {
  const method = Object.keys(args.method)[0].toUpperCase();
  // No body on GET and HEAD (fetch refused one); the other methods send the one given.
  const body = method !== 'GET' && method !== 'HEAD' && args.body[0] ? new Uint8Array(args.body[0]) : undefined;
  const headers = args.headers.map((h) => [h.name, h.value] as [string, string]);
  return sendRequest(args.url, method, headers, body, Number(maxResponse), TIMEOUT_MS);
}

/** At least 2f + 1 of n replicas (f = floor((n - 1) / 3)) must see the same transformed response. */
function agree(answers: ReplicaAnswer[], n: number): { reply: Uint8Array } | { reject: Reject } {
  const needed = n - Math.floor((n - 1) / 3);
  const groups = new Map<string, { answer: ReplicaAnswer; count: number }>();
  for (const answer of answers) {
    const key = answer.ok ? `ok:${Buffer.from(answer.bytes).toString('base64')}` : `err:${answer.reject.code}:${answer.reject.message}`;
    const group = groups.get(key) ?? { answer, count: 0 };
    group.count++;
    groups.set(key, group);
  }
  const best = [...groups.values()].sort((a, b) => b.count - a.count)[0];
  if (best.count >= needed) return best.answer.ok ? { reply: best.answer.bytes } : { reject: best.answer.reject };
  return {
    reject: new Reject(
      RejectCode.SYS_TRANSIENT,
      `No consensus could be reached. Replicas had different responses: ${groups.size} distinct answers from ${n} replicas, the most common seen ${best.count} times, ${needed} needed.`,
    ),
  };
}

/** A response's status, headers (JSON, so where they end is unambiguous) and body, hashed. */
function digest(response: HttpAnswer): string {
  return createHash('sha256')
    .update(`${response.status} ${JSON.stringify(response.headers)}`)
    .update(response.body)
    .digest('base64');
}

function byteLength(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}
