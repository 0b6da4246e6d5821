// The request of the HTTP Gateway Protocol's "Canister HTTP Interface", as http_request and http_request_update take
// it: what the assets canister and the api canister both serve. Each keeps its own response, since only the assets
// canister streams.
import { IDL } from '@dfinity/candid';

export const HeaderField = IDL.Tuple(IDL.Text, IDL.Text);
export type HeaderField = [string, string];

export const HttpRequest = IDL.Record({
  method: IDL.Text,
  url: IDL.Text,
  headers: IDL.Vec(HeaderField),
  body: IDL.Vec(IDL.Nat8),
  certificate_version: IDL.Opt(IDL.Nat16),
});
export type HttpRequest = { method: string; url: string; headers: HeaderField[]; body: Uint8Array; certificate_version: [] | [number] };
