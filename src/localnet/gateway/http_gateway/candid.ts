// The Candid interface of the HTTP Gateway Protocol ("Canister HTTP Interface"), as the gateway sees it.
// The streaming token's type is the canister's choice: the gateway decodes it as `Unknown`, which keeps
// the wire type beside the value, and encodes it back with that type for the callback.
import { IDL } from '@dfinity/candid';
import type { Principal } from '@dfinity/principal';

const HeaderField = IDL.Tuple(IDL.Text, IDL.Text);

export const HttpRequest = IDL.Record({
  method: IDL.Text,
  url: IDL.Text,
  headers: IDL.Vec(HeaderField),
  body: IDL.Vec(IDL.Nat8),
  certificate_version: IDL.Opt(IDL.Nat16),
});

export const HttpUpdateRequest = IDL.Record({
  method: IDL.Text,
  url: IDL.Text,
  headers: IDL.Vec(HeaderField),
  body: IDL.Vec(IDL.Nat8),
});

// `func (empty) -> () query` is a supertype of every `func (Token) -> (...) query`, whatever the token.
const Callback = IDL.Func([IDL.Empty], [], ['query']);

const HttpResponseType = IDL.Record({
  status_code: IDL.Nat16,
  headers: IDL.Vec(HeaderField),
  body: IDL.Vec(IDL.Nat8),
  upgrade: IDL.Opt(IDL.Bool),
  streaming_strategy: IDL.Opt(IDL.Variant({ Callback: IDL.Record({ callback: Callback, token: IDL.Unknown }) })),
});

const StreamingCallbackHttpResponse = IDL.Opt(IDL.Record({ body: IDL.Vec(IDL.Nat8), token: IDL.Opt(IDL.Unknown) }));

export type HttpRequest = {
  method: string;
  url: string;
  headers: [string, string][];
  body: Uint8Array;
  certificate_version: [] | [number];
};

/** A token as decoded from the wire: its value, with `type()` giving its wire type. */
export type Token = { type(): IDL.Type };

export type HttpResponse = {
  status_code: number;
  headers: [string, string][];
  body: Uint8Array;
  upgrade: [] | [boolean];
  streaming_strategy: [] | [{ Callback: { callback: [Principal, string]; token: Token } }];
};

/** Thrown when a reply is not what the interface says; the gateway answers 502. */
export class MalformedReply extends Error {}

export function encodeRequest(request: HttpRequest): Uint8Array {
  return new Uint8Array(IDL.encode([HttpRequest], [request]));
}

export function encodeUpdateRequest({ method, url, headers, body }: HttpRequest): Uint8Array {
  return new Uint8Array(IDL.encode([HttpUpdateRequest], [{ method, url, headers, body }]));
}

export function decodeResponse(reply: Uint8Array, method: string): HttpResponse {
  try {
    // A fresh array: @dfinity/candid ignores a view's byteOffset.
    const [response] = IDL.decode([HttpResponseType], Uint8Array.from(reply)) as unknown as [HttpResponse];
    return { ...response, body: Uint8Array.from(response.body) };
  } catch (error) {
    throw new MalformedReply(`${method} replied with something other than an HttpResponse: ${(error as Error).message}`);
  }
}

/** The callback's argument: the token, encoded with its own wire type. */
export function encodeToken(token: Token): Uint8Array {
  const type = token.type();
  // Unknown boxes primitive values (to hang type() on them); encoding needs the primitive back.
  const value = token instanceof Object && !Array.isArray(token) && isBoxed(token) ? (token as { valueOf(): unknown }).valueOf() : token;
  return new Uint8Array(IDL.encode([type], [value]));
}

function isBoxed(value: object): boolean {
  return value instanceof Number || value instanceof String || value instanceof Boolean || value instanceof BigInt;
}

export function decodeChunk(reply: Uint8Array, method: string): { body: Uint8Array; token: Token | null } | null {
  let decoded: [] | [{ body: Uint8Array; token: [] | [Token] }];
  try {
    [decoded] = IDL.decode([StreamingCallbackHttpResponse], Uint8Array.from(reply)) as unknown as [typeof decoded];
  } catch (error) {
    throw new MalformedReply(
      `streaming callback ${method} replied with something other than an opt StreamingCallbackHttpResponse: ${(error as Error).message}`,
    );
  }
  if (decoded.length === 0) return null;
  return { body: Uint8Array.from(decoded[0].body), token: decoded[0].token[0] ?? null };
}
