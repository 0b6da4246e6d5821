// The asset canister's interface for agents (canisters/assets; the part of DFINITY's asset canister interface it
// implements): an idlFactory built from the canister's own type declarations (the build checks those against
// candid/assets.did) and its TS shape. Uploads go through @dfinity/assets (src/deploy/web_app.ts); tests and tools
// use this for the rest.
import { IDL } from '@dfinity/candid';
import type { Principal } from '@dfinity/principal';

import {
  AssetDetails,
  AssetProperties,
  ChunkContent,
  ClearArguments,
  CommitBatchArguments,
  CreateAssetArguments,
  CreateBatchResponse,
  CreateChunkArguments,
  CreateChunkResponse,
  DeleteAssetArguments,
  DeleteBatchArguments,
  EncodedAsset,
  GetArguments,
  GetChunkArguments,
  HttpRequest,
  HttpResponse,
  Key,
  SetAssetContentArguments,
  SetAssetPropertiesArguments,
  StoreArguments,
  StreamingCallbackHttpResponse,
  StreamingCallbackToken,
  UnsetAssetContentArguments,
} from '../../canisters/assets/types';
import type * as T from '../../canisters/assets/types';

/** The Azle asset canister's Wasm, built under the dfx.json name of the web app's canister. */
export const ASSETS_WASM = '.azle/frontend/frontend.wasm';

export const idlFactory: IDL.InterfaceFactory = () =>
  IDL.Service({
    api_version: IDL.Func([], [IDL.Nat16], ['query']),
    get: IDL.Func([GetArguments], [EncodedAsset], ['query']),
    get_chunk: IDL.Func([GetChunkArguments], [ChunkContent], ['query']),
    list: IDL.Func([IDL.Record({})], [IDL.Vec(AssetDetails)], ['query']),
    get_asset_properties: IDL.Func([Key], [AssetProperties], ['query']),
    create_batch: IDL.Func([IDL.Record({})], [CreateBatchResponse], []),
    create_chunk: IDL.Func([CreateChunkArguments], [CreateChunkResponse], []),
    commit_batch: IDL.Func([CommitBatchArguments], [], []),
    delete_batch: IDL.Func([DeleteBatchArguments], [], []),
    create_asset: IDL.Func([CreateAssetArguments], [], []),
    set_asset_content: IDL.Func([SetAssetContentArguments], [], []),
    unset_asset_content: IDL.Func([UnsetAssetContentArguments], [], []),
    set_asset_properties: IDL.Func([SetAssetPropertiesArguments], [], []),
    delete_asset: IDL.Func([DeleteAssetArguments], [], []),
    clear: IDL.Func([ClearArguments], [], []),
    store: IDL.Func([StoreArguments], [], []),
    authorize: IDL.Func([IDL.Principal], [], []),
    deauthorize: IDL.Func([IDL.Principal], [], []),
    list_authorized: IDL.Func([], [IDL.Vec(IDL.Principal)], ['query']),
    http_request: IDL.Func([HttpRequest], [HttpResponse], ['query']),
    http_request_streaming_callback: IDL.Func([StreamingCallbackToken], [IDL.Opt(StreamingCallbackHttpResponse)], ['query']),
  });

export type AssetsService = {
  api_version(): Promise<number>;
  get(arg: T.GetArguments): Promise<T.EncodedAsset>;
  get_chunk(arg: T.GetChunkArguments): Promise<T.ChunkContent>;
  list(arg: Record<string, never>): Promise<T.AssetDetails[]>;
  get_asset_properties(key: string): Promise<T.AssetProperties>;
  create_batch(arg: Record<string, never>): Promise<{ batch_id: bigint }>;
  create_chunk(arg: T.CreateChunkArguments): Promise<{ chunk_id: bigint }>;
  commit_batch(arg: T.CommitBatchArguments): Promise<void>;
  delete_batch(arg: T.DeleteBatchArguments): Promise<void>;
  create_asset(arg: T.CreateAssetArguments): Promise<void>;
  set_asset_content(arg: T.SetAssetContentArguments): Promise<void>;
  unset_asset_content(arg: T.UnsetAssetContentArguments): Promise<void>;
  set_asset_properties(arg: T.SetAssetPropertiesArguments): Promise<void>;
  delete_asset(arg: T.DeleteAssetArguments): Promise<void>;
  clear(arg: Record<string, never>): Promise<void>;
  store(arg: T.StoreArguments): Promise<void>;
  authorize(principal: Principal): Promise<void>;
  deauthorize(principal: Principal): Promise<void>;
  list_authorized(): Promise<Principal[]>;
  http_request(request: T.HttpRequest): Promise<T.HttpResponse>;
  http_request_streaming_callback(token: T.StreamingCallbackToken): Promise<[] | [T.StreamingCallbackHttpResponse]>;
};
