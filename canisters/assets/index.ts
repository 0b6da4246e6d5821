// An asset canister for local and test networks: the part of DFINITY's asset canister interface that uploading
// and serving a web app need, with the same method names and types (types.ts), so upload clients written for it
// (@dfinity/assets, which src/deploy/web_app.ts uses) work unchanged. It serves every asset through http_request,
// certified with response verification v2, so the HTTP gateway verifies each response. On mainnet dfx.json's
// `frontend` (type assets) is DFINITY's own canister; locally the deployment installs this one under that name.
// Only the controllers, and principals they authorize, may upload. Thin glue over store.ts, certify.ts and http.ts.
import {
  canisterSelf,
  certifiedDataSet,
  dataCertificate,
  IDL,
  init,
  inspectMessage,
  isController,
  msgCaller,
  postUpgrade,
  Principal,
  time,
  trap,
} from 'azle';

import { query, update } from '../shared/methods';
import { type Certified, certify } from './certify';
import { serveHttp, streamingCallback } from './http';
import { AssetError, AssetStore } from './store';
import { authorized, stableTables } from './storage';
import {
  AssetDetails,
  AssetProperties,
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
  ChunkContent,
  HttpRequest,
  HttpResponse,
  Key,
  SetAssetContentArguments,
  SetAssetPropertiesArguments,
  StoreArguments,
  StreamingCallbackHttpResponse,
  StreamingCallbackToken,
  UnsetAssetContentArguments,
} from './types';
import type * as T from './types';

/** The asset canister API version DFINITY's canister reports for this interface. */
const API_VERSION = 1;

let store: AssetStore;
let certified: Certified;

/** Loads the assets onto the heap and certifies them: at init and after every upgrade (the tree is heap state). */
function load(): void {
  store = new AssetStore(stableTables);
  recertify();
}

function recertify(): void {
  certified = certify(store.assets);
  certifiedDataSet(certified.root);
}

/** Who may change the assets: a controller (the deployer) or a principal a controller authorized; never anonymous. */
function mayUpload(caller: Principal): boolean {
  return !caller.isAnonymous() && (isController(caller) || authorized.containsKey(caller.toText()));
}

function requireUploader(): void {
  const caller = msgCaller();
  if (!mayUpload(caller))
    trap(`${caller.toText()} may not change this canister's assets: only its controllers and the principals they authorize`);
}

function requireController(): void {
  const caller = msgCaller();
  if (caller.isAnonymous() || !isController(caller)) trap(`only a controller may change who uploads, not ${caller.toText()}`);
}

/** Runs a change of the assets: an AssetError traps (rolling the whole message back), and what changed is certified. */
function change<T>(run: () => T): T {
  requireUploader();
  const before = store.version;
  let result: T;
  try {
    result = run();
  } catch (error) {
    if (error instanceof AssetError) trap(error.message);
    throw error;
  }
  if (store.version !== before) recertify();
  return result;
}

function read<T>(run: () => T): T {
  try {
    return run();
  } catch (error) {
    if (error instanceof AssetError) trap(error.message);
    throw error;
  }
}

export default class {
  @init([])
  init(): void {
    load();
  }

  @postUpgrade([])
  postUpgrade(): void {
    load();
  }

  // Ingress that would trap for want of permission is refused before it runs, so strangers cannot spend cycles.
  @inspectMessage({ manual: true })
  inspect(): boolean {
    return mayUpload(msgCaller());
  }

  @query([], IDL.Nat16)
  api_version(): number {
    return API_VERSION;
  }

  @query([GetArguments], EncodedAsset)
  get(arg: T.GetArguments): T.EncodedAsset {
    return read(() => store.get(arg));
  }

  @query([GetChunkArguments], ChunkContent)
  get_chunk(arg: T.GetChunkArguments): T.ChunkContent {
    return read(() => ({ content: store.getChunk(arg) }));
  }

  @query([IDL.Record({})], IDL.Vec(AssetDetails))
  list(): T.AssetDetails[] {
    return store.list();
  }

  @query([Key], AssetProperties)
  get_asset_properties(key: string): T.AssetProperties {
    return read(() => store.properties(key));
  }

  @update([IDL.Record({})], CreateBatchResponse)
  create_batch(): { batch_id: bigint } {
    return change(() => ({ batch_id: store.createBatch(time()) }));
  }

  @update([CreateChunkArguments], CreateChunkResponse)
  create_chunk(arg: T.CreateChunkArguments): { chunk_id: bigint } {
    return change(() => ({ chunk_id: store.createChunk(arg.batch_id, arg.content, time()) }));
  }

  /** Runs every operation, or none (a failure traps and rolls the message back). */
  @update([CommitBatchArguments])
  commit_batch(arg: T.CommitBatchArguments): void {
    change(() => store.commitBatch(arg.batch_id, arg.operations, time()));
  }

  @update([DeleteBatchArguments])
  delete_batch(arg: T.DeleteBatchArguments): void {
    change(() => store.deleteBatch(arg.batch_id));
  }

  @update([CreateAssetArguments])
  create_asset(arg: T.CreateAssetArguments): void {
    change(() => store.createAsset(arg));
  }

  @update([SetAssetContentArguments])
  set_asset_content(arg: T.SetAssetContentArguments): void {
    change(() => store.setAssetContent(arg, time()));
  }

  @update([UnsetAssetContentArguments])
  unset_asset_content(arg: T.UnsetAssetContentArguments): void {
    change(() => store.unsetAssetContent(arg.key, arg.content_encoding));
  }

  @update([SetAssetPropertiesArguments])
  set_asset_properties(arg: T.SetAssetPropertiesArguments): void {
    change(() => store.setAssetProperties(arg));
  }

  @update([DeleteAssetArguments])
  delete_asset(arg: T.DeleteAssetArguments): void {
    change(() => store.deleteAsset(arg.key));
  }

  @update([ClearArguments])
  clear(): void {
    change(() => store.clear());
  }

  /** One asset's content in one encoding, in one call (at most one ingress message). */
  @update([StoreArguments])
  store(arg: T.StoreArguments): void {
    change(() => store.store(arg, time()));
  }

  @update([IDL.Principal])
  authorize(principal: Principal): void {
    requireController();
    if (principal.isAnonymous()) trap('the anonymous principal cannot be authorized to upload');
    authorized.insert(principal.toText(), new Uint8Array([1]));
  }

  @update([IDL.Principal])
  deauthorize(principal: Principal): void {
    requireController();
    authorized.remove(principal.toText());
  }

  @query([], IDL.Vec(IDL.Principal))
  list_authorized(): Principal[] {
    return authorized.keys().map((text) => Principal.fromText(text));
  }

  @query([HttpRequest], HttpResponse)
  http_request(request: T.HttpRequest): T.HttpResponse {
    const certificate = dataCertificate();
    if (certificate === undefined) trap('http_request answers as a query only: its responses carry the data certificate');
    return read(() => serveHttp(request, { store, certified, certificate, self: canisterSelf() }));
  }

  @query([StreamingCallbackToken], IDL.Opt(StreamingCallbackHttpResponse))
  http_request_streaming_callback(token: T.StreamingCallbackToken): [] | [T.StreamingCallbackHttpResponse] {
    return read(() => [streamingCallback(token, store)]);
  }
}
