// The HTTP answers the api canister gives: JSON, an event stream, an error in OpenAI's shape, or a CORS preflight,
// each with the CORS headers a browser needs to call the API from any page with a bearer key. Pure.
import type { ApiError } from './errors';
import { errorBody } from './openai_reply';
import type { HttpResponse } from './types';

/** Any origin may call: a key, not a cookie, authorizes, so no page can act with a visitor's credentials. */
export const CORS: [string, string][] = [
  ['access-control-allow-origin', '*'],
  ['access-control-allow-methods', 'GET, POST, OPTIONS'],
  [
    'access-control-allow-headers',
    'Authorization, Content-Type, OpenAI-Organization, OpenAI-Project, X-Stainless-Lang, X-Stainless-Package-Version, X-Stainless-OS, X-Stainless-Arch, X-Stainless-Runtime, X-Stainless-Runtime-Version, X-Stainless-Retry-Count, X-Stainless-Timeout',
  ],
  ['access-control-expose-headers', 'Retry-After, X-Should-Retry, Content-Type'],
  ['access-control-max-age', '600'],
];

/** The longest Access-Control-Request-Headers a preflight echoes; a longer one gets the list above. */
export const MAX_REQUEST_HEADERS_BYTES = 1024;
// Header names (RFC 9110 tokens), comma-separated.
const HEADER_LIST = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+(?:[ \t]*,[ \t]*[!#$%&'*+.^_`|~0-9A-Za-z-]+)*$/;

const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);

function answer(status: number, headers: [string, string][], body: string, cors = CORS): HttpResponse {
  return { status_code: status, headers: [...headers, ...cors], body: bytes(body), upgrade: [] };
}

const jsonText = (value: unknown): string => JSON.stringify(value, (_, v) => (typeof v === 'bigint' ? v.toString() : v));

export const json = (status: number, value: unknown): HttpResponse =>
  answer(status, [['content-type', 'application/json']], jsonText(value));

export const eventStream = (events: string): HttpResponse =>
  answer(
    200,
    [
      ['content-type', 'text/event-stream; charset=utf-8'],
      ['cache-control', 'no-cache'],
    ],
    events,
  );

/**
 * Whether a client may send the request again by itself: not once money may have moved (a retry would pay for a
 * second job), nor for a spent cap or a missing allowance, which a retry cannot mend. The `openai` client honours
 * `x-should-retry: false` over its own rule (it retries 429 and 5xx twice by default).
 */
export const mayRetry = (e: ApiError): boolean => e.paid !== true && e.status !== 402 && e.error.code !== 'insufficient_quota';

export function failure(e: ApiError): HttpResponse {
  const headers: [string, string][] = [['content-type', 'application/json']];
  if (e.retryAfter !== undefined) headers.push(['retry-after', String(e.retryAfter)]);
  if (!mayRetry(e)) headers.push(['x-should-retry', 'false']);
  if (e.allow !== undefined) headers.push(['allow', `${e.allow}, OPTIONS`]);
  return answer(e.status, headers, jsonText(errorBody(e)));
}

/**
 * A CORS preflight's answer. The headers the page asks for are echoed (when they are a short list of header
 * names), so whatever helper headers a client adds (the `openai` client's X-Stainless-*) pass in browsers.
 */
export function preflight(requested?: string): HttpResponse {
  const asked = requested?.trim();
  const echo = asked !== undefined && asked.length <= MAX_REQUEST_HEADERS_BYTES && HEADER_LIST.test(asked);
  return answer(204, [], '', echo ? CORS.map(([name, value]) => [name, name === 'access-control-allow-headers' ? asked : value]) : CORS);
}

/** The query's answer to every request: run it again as an update, whose reply consensus certifies. */
export const UPGRADE: HttpResponse = { status_code: 200, headers: [], body: new Uint8Array(), upgrade: [true] };

/** A request header's value (names are case-insensitive); the first when repeated. */
export const header = (headers: [string, string][], name: string): string | undefined =>
  headers.find(([n]) => n.toLowerCase() === name)?.[1];
