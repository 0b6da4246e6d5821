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
};

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
