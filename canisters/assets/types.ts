// The asset canister's interface types, with the names and shapes of DFINITY's asset canister candid
// (dfinity/sdk, src/canisters/frontend/ic-certified-assets/assets.did), so that upload clients written for it
// (dfx, icp-cli, @dfinity/assets) work with this one. Each an IDL value and a TS type under one name; from
// @dfinity/candid (which azle re-exports), so the deploy code and the tests use them outside the canister.
import { IDL } from '@dfinity/candid';
import type { Principal } from '@dfinity/principal';

import { HeaderField, HttpRequest } from '../shared/http_interface';

export type Opt<T> = [] | [T];

export const Key = IDL.Text;
export const BatchId = IDL.Nat;
export const ChunkId = IDL.Nat;
export const Time = IDL.Int;
export const Blob = IDL.Vec(IDL.Nat8);

export { HeaderField, HttpRequest };

export const CreateAssetArguments = IDL.Record({
  key: Key,
  content_type: IDL.Text,
  max_age: IDL.Opt(IDL.Nat64),
  headers: IDL.Opt(IDL.Vec(HeaderField)),
  enable_aliasing: IDL.Opt(IDL.Bool),
  allow_raw_access: IDL.Opt(IDL.Bool),
});
export type CreateAssetArguments = {
  key: string;
  content_type: string;
  max_age: Opt<bigint>;
  headers: Opt<HeaderField[]>;
  enable_aliasing: Opt<boolean>;
  allow_raw_access: Opt<boolean>;
};

/** Add or change the content of one encoding of an asset, from chunks uploaded with create_chunk. */
export const SetAssetContentArguments = IDL.Record({
  key: Key,
  content_encoding: IDL.Text,
  chunk_ids: IDL.Vec(ChunkId),
  sha256: IDL.Opt(Blob),
});
export type SetAssetContentArguments = { key: string; content_encoding: string; chunk_ids: bigint[]; sha256: Opt<Uint8Array> };

export const UnsetAssetContentArguments = IDL.Record({ key: Key, content_encoding: IDL.Text });
export type UnsetAssetContentArguments = { key: string; content_encoding: string };

export const DeleteAssetArguments = IDL.Record({ key: Key });
export type DeleteAssetArguments = { key: string };

export const ClearArguments = IDL.Record({});
export type ClearArguments = Record<string, never>;

export const SetAssetPropertiesArguments = IDL.Record({
  key: Key,
  max_age: IDL.Opt(IDL.Opt(IDL.Nat64)),
  headers: IDL.Opt(IDL.Opt(IDL.Vec(HeaderField))),
  allow_raw_access: IDL.Opt(IDL.Opt(IDL.Bool)),
  is_aliased: IDL.Opt(IDL.Opt(IDL.Bool)),
});
export type SetAssetPropertiesArguments = {
  key: string;
  max_age: Opt<Opt<bigint>>;
  headers: Opt<Opt<HeaderField[]>>;
  allow_raw_access: Opt<Opt<boolean>>;
  is_aliased: Opt<Opt<boolean>>;
};

export const BatchOperationKind = IDL.Variant({
  CreateAsset: CreateAssetArguments,
  SetAssetContent: SetAssetContentArguments,
  SetAssetProperties: SetAssetPropertiesArguments,
  UnsetAssetContent: UnsetAssetContentArguments,
  DeleteAsset: DeleteAssetArguments,
  Clear: ClearArguments,
});
export type BatchOperationKind =
  | { CreateAsset: CreateAssetArguments }
  | { SetAssetContent: SetAssetContentArguments }
  | { SetAssetProperties: SetAssetPropertiesArguments }
  | { UnsetAssetContent: UnsetAssetContentArguments }
  | { DeleteAsset: DeleteAssetArguments }
  | { Clear: ClearArguments };

export const CommitBatchArguments = IDL.Record({ batch_id: BatchId, operations: IDL.Vec(BatchOperationKind) });
export type CommitBatchArguments = { batch_id: bigint; operations: BatchOperationKind[] };

export const DeleteBatchArguments = IDL.Record({ batch_id: BatchId });
export type DeleteBatchArguments = { batch_id: bigint };

export const CreateBatchResponse = IDL.Record({ batch_id: BatchId });
export const CreateChunkArguments = IDL.Record({ batch_id: BatchId, content: Blob });
export type CreateChunkArguments = { batch_id: bigint; content: Uint8Array };
export const CreateChunkResponse = IDL.Record({ chunk_id: ChunkId });

/** Single call to create an asset with content for one encoding that fits in one ingress message. */
export const StoreArguments = IDL.Record({
  key: Key,
  content_type: IDL.Text,
  content_encoding: IDL.Text,
  content: Blob,
  sha256: IDL.Opt(Blob),
});
export type StoreArguments = { key: string; content_type: string; content_encoding: string; content: Uint8Array; sha256: Opt<Uint8Array> };

export const GetArguments = IDL.Record({ key: Key, accept_encodings: IDL.Vec(IDL.Text) });
export type GetArguments = { key: string; accept_encodings: string[] };

/** content: the whole content, or its chunk 0 (then get_chunk gives the others). */
export const EncodedAsset = IDL.Record({
  content: Blob,
  content_type: IDL.Text,
  content_encoding: IDL.Text,
  sha256: IDL.Opt(Blob),
  total_length: IDL.Nat,
});
export type EncodedAsset = {
  content: Uint8Array;
  content_type: string;
  content_encoding: string;
  sha256: Opt<Uint8Array>;
  total_length: bigint;
};

export const GetChunkArguments = IDL.Record({ key: Key, content_encoding: IDL.Text, index: IDL.Nat, sha256: IDL.Opt(Blob) });
export type GetChunkArguments = { key: string; content_encoding: string; index: bigint; sha256: Opt<Uint8Array> };
export const ChunkContent = IDL.Record({ content: Blob });
export type ChunkContent = { content: Uint8Array };

export const AssetEncodingDetails = IDL.Record({ content_encoding: IDL.Text, sha256: IDL.Opt(Blob), length: IDL.Nat, modified: Time });
export type AssetEncodingDetails = { content_encoding: string; sha256: Opt<Uint8Array>; length: bigint; modified: bigint };
export const AssetDetails = IDL.Record({ key: Key, content_type: IDL.Text, encodings: IDL.Vec(AssetEncodingDetails) });
export type AssetDetails = { key: string; content_type: string; encodings: AssetEncodingDetails[] };

export const AssetProperties = IDL.Record({
  max_age: IDL.Opt(IDL.Nat64),
  headers: IDL.Opt(IDL.Vec(HeaderField)),
  allow_raw_access: IDL.Opt(IDL.Bool),
  is_aliased: IDL.Opt(IDL.Bool),
});
export type AssetProperties = {
  max_age: Opt<bigint>;
  headers: Opt<HeaderField[]>;
  allow_raw_access: Opt<boolean>;
  is_aliased: Opt<boolean>;
};

export const StreamingCallbackToken = IDL.Record({ key: Key, content_encoding: IDL.Text, index: IDL.Nat, sha256: IDL.Opt(Blob) });
export type StreamingCallbackToken = { key: string; content_encoding: string; index: bigint; sha256: Opt<Uint8Array> };

export const StreamingCallbackHttpResponse = IDL.Record({ body: Blob, token: IDL.Opt(StreamingCallbackToken) });
export type StreamingCallbackHttpResponse = { body: Uint8Array; token: Opt<StreamingCallbackToken> };

export const StreamingStrategy = IDL.Variant({
  Callback: IDL.Record({
    callback: IDL.Func([StreamingCallbackToken], [IDL.Opt(StreamingCallbackHttpResponse)], ['query']),
    token: StreamingCallbackToken,
  }),
});
export type StreamingStrategy = { Callback: { callback: [Principal, string]; token: StreamingCallbackToken } };

export const HttpResponse = IDL.Record({
  status_code: IDL.Nat16,
  headers: IDL.Vec(HeaderField),
  body: Blob,
  streaming_strategy: IDL.Opt(StreamingStrategy),
});
export type HttpResponse = { status_code: number; headers: HeaderField[]; body: Uint8Array; streaming_strategy: Opt<StreamingStrategy> };

/** How an asset is kept in stable memory: its properties and, per encoding, what its chunks add up to. */
export const StoredEncoding = IDL.Record({
  content_encoding: IDL.Text,
  sha256: Blob,
  length: IDL.Nat64,
  chunks: IDL.Nat32,
  modified: Time,
});
export type StoredEncoding = { content_encoding: string; sha256: Uint8Array; length: bigint; chunks: number; modified: bigint };
export const StoredAsset = IDL.Record({
  content_type: IDL.Text,
  max_age: IDL.Opt(IDL.Nat64),
  headers: IDL.Opt(IDL.Vec(HeaderField)),
  is_aliased: IDL.Opt(IDL.Bool),
  allow_raw_access: IDL.Opt(IDL.Bool),
  encodings: IDL.Vec(StoredEncoding),
});
export type StoredAsset = {
  content_type: string;
  max_age: Opt<bigint>;
  headers: Opt<HeaderField[]>;
  is_aliased: Opt<boolean>;
  allow_raw_access: Opt<boolean>;
  encodings: StoredEncoding[];
};
