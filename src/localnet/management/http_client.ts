// One replica's HTTP request for an outcall, on node:http(s) with keep-alive agents. Node's fetch took 6 to 15 ms for
// the thirteen concurrent requests of one replicated outcall to a local worker, node:http 1 to 4 ms. The response
// headers come back as fetch gave them (names in lower case, sorted, repeated ones joined by ", " except
// set-cookie), so canisters see what they saw before.
import { Agent as HttpAgent, type ClientRequest, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';

import { Reject, RejectCode } from '../errors.js';
import type { HttpHeader } from './types.js';

const agents = { http: new HttpAgent({ keepAlive: true }), https: new HttpsAgent({ keepAlive: true }) };

export type HttpAnswer = { status: bigint; headers: HttpHeader[]; body: Uint8Array };

/** Thrown when the answer does not come within the deadline. */
export class OutcallTimeout extends Error {}

/**
 * Sends the request and reads the answer, refusing (SYS_FATAL) one whose headers and body pass `maxBytes`; rejects
 * with OutcallTimeout past `timeoutMs`, and with the socket's error when the host cannot be reached.
 */
export function sendRequest(
  url: string,
  method: string,
  headers: [string, string][],
  body: Uint8Array | undefined,
  maxBytes: number,
  timeoutMs: number,
): Promise<HttpAnswer> {
  const target = new URL(url);
  const secure = target.protocol === 'https:';
  const outgoing: Record<string, string | string[]> = {};
  for (const [name, value] of headers) {
    const key = name.toLowerCase();
    const known = outgoing[key];
    outgoing[key] = known === undefined ? value : [...(Array.isArray(known) ? known : [known]), value];
  }
  if (body !== undefined) outgoing['content-length'] = String(body.length);
  return new Promise<HttpAnswer>((resolve, reject) => {
    let current: ClientRequest | undefined;
    // Past the deadline the request fails as a timeout, whether it is still connecting or reading the body.
    const deadline = setTimeout(() => {
      reject(new OutcallTimeout('Timeout expired'));
      current?.destroy();
    }, timeoutMs);
    const succeed = (answer: HttpAnswer) => {
      clearTimeout(deadline);
      resolve(answer);
    };
    const fail = (error: Error) => {
      clearTimeout(deadline);
      reject(error);
    };
    const attempt = (again: boolean) => {
      let answered = false;
      const request = (secure ? httpsRequest : httpRequest)(
        target,
        { method, headers: outgoing, agent: secure ? agents.https : agents.http },
        (response) => {
          answered = true;
          read(response, maxBytes, succeed, fail);
        },
      );
      current = request;
      request.on('error', (error: NodeJS.ErrnoException) => {
        // A kept-alive socket the server closed just as it was reused: Node's documented case for sending once more.
        if (!again && !answered && request.reusedSocket && error.code === 'ECONNRESET') attempt(true);
        else fail(error);
      });
      request.end(body === undefined ? undefined : Buffer.from(body.buffer, body.byteOffset, body.length));
    };
    attempt(false);
  });
}

// Settles the request's own promise directly: destroying an oversized response makes the request fail with a socket
// error on the next tick, which must not win over the refusal.
function read(response: IncomingMessage, maxBytes: number, resolve: (answer: HttpAnswer) => void, reject: (error: Error) => void): void {
  const headers = headersOf(response.rawHeaders);
  let size = headerBytes(headers);
  const chunks: Buffer[] = [];
  response.on('data', (chunk: Buffer) => {
    size += chunk.length;
    if (size > maxBytes) {
      reject(new Reject(RejectCode.SYS_FATAL, `Header size plus body size exceeds the limit of ${maxBytes} bytes (max_response_bytes).`));
      response.destroy();
      return;
    }
    chunks.push(chunk);
  });
  response.on('end', () => resolve({ status: BigInt(response.statusCode ?? 0), headers, body: Buffer.concat(chunks) }));
  response.on('error', reject);
  response.on('aborted', () => reject(new Error('the connection closed before the answer ended')));
}

/** The bytes headers count for in an outcall's price and response limit. */
export function headerBytes(headers: HttpHeader[]): number {
  return headers.reduce((n, h) => n + Buffer.byteLength(h.name, 'utf8') + Buffer.byteLength(h.value, 'utf8'), 0);
}

/** Raw header pairs as fetch's Headers iterate them. */
function headersOf(raw: string[]): HttpHeader[] {
  const combined = new Map<string, string>();
  const cookies: string[] = [];
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i].toLowerCase();
    const value = raw[i + 1];
    if (name === 'set-cookie') cookies.push(value);
    else combined.set(name, combined.has(name) ? `${combined.get(name)}, ${value}` : value);
  }
  const list: HttpHeader[] = [...combined].map(([name, value]) => ({ name, value }));
  for (const value of cookies) list.push({ name: 'set-cookie', value });
  return list.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}
