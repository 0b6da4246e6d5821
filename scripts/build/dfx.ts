import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';

// The part of a dfx.json entry this build understands; dfx itself reads the same file on a real machine.
export type CanisterEntry = {
  type: string;
  main: string;
  candid?: string;
  [key: string]: unknown;
};

export type Canister = {
  name: string;
  entry: CanisterEntry;
  // Absolute paths, resolved against the folder holding dfx.json as dfx does.
  folder: string;
  outDir: string;
  wasm: string;
  generatedDid: string;
  checkedInDid: string | undefined;
  /**
   * For an `assets` entry: the folders dfx uploads. dfx.json declares no Azle code for it (dfx deploys DFINITY's asset
   * canister there), so azle gets a dfx.json of its own for the build (scripts/build/azle.ts).
   */
  assets?: { source: string[] };
};

/**
 * An `assets` canister of dfx.json is DFINITY's asset canister, whose Wasm comes with dfx, which is not here. This
 * project builds its own (canisters/assets, the same interface) under the entry's name, e.g. .azle/frontend/frontend.wasm,
 * and the local deployment installs that; dfx deploys DFINITY's on mainnet from the same dfx.json.
 *
 * Like DFINITY's, it declares `supported_certificate_versions` "1,2" (scripts/build/metadata.ts adds the section), so
 * gateways accept only v2 responses from it, where the status and headers are certified too.
 */
export const LOCAL_ASSET_CANISTER: CanisterEntry = {
  type: 'azle',
  main: 'canisters/assets/index.ts',
  candid: 'candid/assets.did',
  metadata: [{ name: 'supported_certificate_versions', content: '1,2', visibility: 'public' }],
};

/** The azle canisters of dfx.json (root/dfx.json), by name, in its order. */
export async function readCanisters(root: string): Promise<Canister[]> {
  const dfxJson = JSON.parse(await readFile(join(root, 'dfx.json'), 'utf8'));
  const entries = Object.entries(dfxJson.canisters ?? {}) as [string, CanisterEntry][];

  return entries
    .filter(([, entry]) => entry.type === 'azle')
    .map(([name, entry]) => {
      const outDir = join(root, '.azle', name);
      return {
        name,
        entry,
        folder: join(root, dirname(entry.main)),
        outDir,
        wasm: join(outDir, `${name}.wasm`),
        generatedDid: join(outDir, `${name}.did`),
        checkedInDid: entry.candid === undefined ? undefined : join(root, entry.candid),
      };
    });
}

/**
 * The `assets` canisters of dfx.json, each as the Azle asset canister to build in its place; none where the project
 * has no asset canister source (the test fixtures).
 */
export async function readAssetCanisters(root: string): Promise<Canister[]> {
  if (!existsSync(join(root, LOCAL_ASSET_CANISTER.main))) return [];
  const dfxJson = JSON.parse(await readFile(join(root, 'dfx.json'), 'utf8'));
  const entries = Object.entries(dfxJson.canisters ?? {}) as [string, CanisterEntry & { source?: string[] }][];
  return entries
    .filter(([, entry]) => entry.type === 'assets')
    .map(([name, entry]) => {
      const outDir = join(root, '.azle', name);
      return {
        name,
        entry: LOCAL_ASSET_CANISTER,
        folder: join(root, dirname(LOCAL_ASSET_CANISTER.main)),
        outDir,
        wasm: join(outDir, `${name}.wasm`),
        generatedDid: join(outDir, `${name}.did`),
        checkedInDid: join(root, LOCAL_ASSET_CANISTER.candid!),
        assets: { source: entry.source ?? [] },
      };
    });
}
