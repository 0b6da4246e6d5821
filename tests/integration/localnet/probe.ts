// The probe fixture canister (tests/fixtures/probe) as the integration tests see it: its candid
// interface, written by hand to match probe.did exactly, its TypeScript shape, and helpers that set up
// probe canisters on a local network.
import { IDL } from '@dfinity/candid';
import { Principal } from '@dfinity/principal';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

import { type Actor, type LocalNetwork, Reject } from '../../../src/localnet/index.js';

export const PROBE_WASM = fileURLToPath(new URL('../../fixtures/.azle/probe/probe.wasm', import.meta.url));

if (!existsSync(PROBE_WASM)) {
  throw new Error(`${PROBE_WASM} is missing: run \`npm run build:fixtures\` first`);
}

export const idlFactory: IDL.InterfaceFactory = ({ IDL }) => {
  const CallError = IDL.Record({ code: IDL.Nat32, message: IDL.Text });
  const CallResult = IDL.Variant({ Ok: IDL.Vec(IDL.Nat8), Err: CallError });
  const FetchResult = IDL.Variant({ Ok: IDL.Record({ status: IDL.Nat, body: IDL.Text }), Err: CallError });
  const HttpHeader = IDL.Record({ value: IDL.Text, name: IDL.Text });
  const HttpResponse = IDL.Record({ status: IDL.Nat, body: IDL.Vec(IDL.Nat8), headers: IDL.Vec(HttpHeader) });
  return IDL.Service({
    accept_cycles: IDL.Func([IDL.Nat], [IDL.Nat], []),
    balance: IDL.Func([], [IDL.Nat], ['query']),
    bump_in_query: IDL.Func([], [IDL.Nat], ['query']),
    call_raw: IDL.Func([IDL.Principal, IDL.Text, IDL.Vec(IDL.Nat8)], [CallResult], []),
    caller_is_controller: IDL.Func([], [IDL.Bool], ['query']),
    certificate: IDL.Func([], [IDL.Opt(IDL.Vec(IDL.Nat8))], ['query']),
    certify: IDL.Func([IDL.Vec(IDL.Nat8)], [], []),
    counter_at_upgrade: IDL.Func([], [IDL.Opt(IDL.Nat)], ['query']),
    fetch: IDL.Func([IDL.Text, IDL.Bool, IDL.Opt(IDL.Nat64)], [FetchResult], []),
    fired: IDL.Func([], [IDL.Vec(IDL.Text)], ['query']),
    get: IDL.Func([], [IDL.Nat], ['query']),
    guarded: IDL.Func([IDL.Text], [IDL.Text], []),
    increment: IDL.Func([], [IDL.Nat], []),
    increment_then_call: IDL.Func([IDL.Principal, IDL.Text], [CallResult], []),
    lookup: IDL.Func([IDL.Text], [IDL.Opt(IDL.Text)], ['query']),
    now: IDL.Func([], [IDL.Nat64], ['query']),
    put: IDL.Func([IDL.Text, IDL.Text], [], []),
    put_then_trap: IDL.Func([IDL.Text, IDL.Text], [], []),
    reject_with: IDL.Func([IDL.Text], [IDL.Text], []),
    relay: IDL.Func([IDL.Vec(IDL.Principal), IDL.Text], [IDL.Text], []),
    replicated: IDL.Func([], [IDL.Bool], ['query']),
    schedule: IDL.Func([IDL.Nat64, IDL.Text], [], []),
    self_id: IDL.Func([], [IDL.Principal], ['query']),
    send_cycles: IDL.Func([IDL.Principal, IDL.Nat], [IDL.Nat], []),
    size: IDL.Func([], [IDL.Nat64], ['query']),
    transform: IDL.Func([IDL.Record({ context: IDL.Vec(IDL.Nat8), response: HttpResponse })], [HttpResponse], ['query']),
    trap_with: IDL.Func([IDL.Text], [], []),
    upgrades: IDL.Func([], [IDL.Nat64], ['query']),
    version: IDL.Func([], [IDL.Nat64], ['query']),
    whoami: IDL.Func([], [IDL.Principal], ['query']),
  });
};

export type CallError = { code: number; message: string };
export type CallResult = { Ok: Uint8Array | number[] } | { Err: CallError };
export type FetchResult = { Ok: { status: bigint; body: string } } | { Err: CallError };
type HttpResponse = { status: bigint; body: Uint8Array | number[]; headers: { name: string; value: string }[] };

export type ProbeService = {
  accept_cycles(max: bigint): Promise<bigint>;
  balance(): Promise<bigint>;
  bump_in_query(): Promise<bigint>;
  call_raw(target: Principal, method: string, args: Uint8Array): Promise<CallResult>;
  caller_is_controller(): Promise<boolean>;
  certificate(): Promise<[] | [Uint8Array | number[]]>;
  certify(data: Uint8Array): Promise<void>;
  counter_at_upgrade(): Promise<[] | [bigint]>;
  fetch(url: string, replicated: boolean, maxResponseBytes: [] | [bigint]): Promise<FetchResult>;
  fired(): Promise<string[]>;
  get(): Promise<bigint>;
  guarded(text: string): Promise<string>;
  increment(): Promise<bigint>;
  increment_then_call(target: Principal, method: string): Promise<CallResult>;
  lookup(key: string): Promise<[] | [string]>;
  now(): Promise<bigint>;
  put(key: string, value: string): Promise<void>;
  put_then_trap(key: string, value: string): Promise<void>;
  reject_with(message: string): Promise<string>;
  relay(path: Principal[], text: string): Promise<string>;
  replicated(): Promise<boolean>;
  schedule(seconds: bigint, text: string): Promise<void>;
  self_id(): Promise<Principal>;
  send_cycles(target: Principal, amount: bigint): Promise<bigint>;
  size(): Promise<bigint>;
  transform(args: { context: Uint8Array; response: HttpResponse }): Promise<HttpResponse>;
  trap_with(message: string): Promise<void>;
  upgrades(): Promise<bigint>;
  version(): Promise<bigint>;
  whoami(): Promise<Principal>;
};

export type Probe = { canisterId: Principal; actor: Actor<ProbeService> };

export type ProbeOptions = { sender?: Principal; controllers?: Principal[]; cycles?: bigint };

/** Creates a canister and installs the probe in it. */
export async function setupProbe(network: LocalNetwork, options: ProbeOptions = {}): Promise<Probe> {
  return network.setupCanister<ProbeService>({ wasm: PROBE_WASM, idlFactory, ...options });
}

/** Sets up n probe canisters, one after the other (ids are allocated in order). */
export async function setupProbes(network: LocalNetwork, n: number, options: ProbeOptions = {}): Promise<Probe[]> {
  const probes: Probe[] = [];
  for (let i = 0; i < n; i++) probes.push(await setupProbe(network, options));
  return probes;
}

/** A fresh self-authenticating principal, as a user's key pair would give. */
export function randomUser(): Principal {
  // 44 bytes: the length of a DER-encoded Ed25519 public key.
  return Principal.selfAuthenticating(new Uint8Array(randomBytes(44)));
}

/** Candid encoding of a tuple of values. */
export function encode(types: IDL.Type[], values: unknown[]): Uint8Array {
  return new Uint8Array(IDL.encode(types, values));
}

/** Candid decoding of a reply, from a fresh array (the decoder ignores byteOffset). */
export function decode(types: IDL.Type[], bytes: Uint8Array | number[]): unknown[] {
  return IDL.decode(types, Uint8Array.from(bytes));
}

/** The reject a promise ended with, for assertions on its code, error code and message. */
export async function rejection(promise: Promise<unknown>): Promise<{ code: number; errorCode?: string; message: string }> {
  try {
    await promise;
  } catch (error) {
    if (!(error instanceof Reject)) throw error;
    return { code: error.code, errorCode: error.errorCode, message: error.message };
  }
  throw new Error('expected the call to be rejected, but it succeeded');
}
