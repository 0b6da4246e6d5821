import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

import type { Canister } from './dfx';
import { addMetadata } from './metadata';

// azle's exports hide package.json and the CLI; its main entry is <package>/src/stable/lib/index.ts.
const AZLE_ROOT = join(fileURLToPath(import.meta.resolve('azle')), '../../../..');

// azle's CLI is a TypeScript file with a `npx tsx` shebang; npx adds a process and npm's config warnings,
// so we run it in a plain Node with tsx's loader instead.
const AZLE_CLI = join(AZLE_ROOT, 'src/build.ts');
const TSX_LOADER = import.meta.resolve('tsx');

export const azleVersion: string = JSON.parse(readFileSync(join(AZLE_ROOT, 'package.json'), 'utf8')).version;

export type BuildResult = { ok: true } | { ok: false; output: string };

// Runs `azle build <name>` with the environment dfx would give it, so the result matches a dfx build.
// dfx.json's `metadata` entries with content go into the Wasm as custom sections afterwards, as dfx adds them.
export async function azleBuild(root: string, canister: Canister): Promise<BuildResult> {
  const result = await build(root, canister);
  if (result.ok) await addMetadata(canister.wasm, canister.entry.metadata);
  return result;
}

async function build(root: string, canister: Canister): Promise<BuildResult> {
  if (canister.assets === undefined) return run(root, root, canister.name, canister.generatedDid);
  // An `assets` entry has no `main` for azle to read: azle gets a dfx.json of its own that names the Azle asset
  // canister, in a folder under .azle, and what it builds there is moved to the canister's usual place.
  const dfxRoot = join(root, '.azle', `.${canister.name}-dfx`);
  const built = join(dfxRoot, '.azle', canister.name);
  await rm(dfxRoot, { recursive: true, force: true });
  await mkdir(dfxRoot, { recursive: true });
  const { metadata: _, ...own } = canister.entry;
  const entry = { ...own, main: relative(dfxRoot, join(root, canister.entry.main)) };
  await writeFile(join(dfxRoot, 'dfx.json'), JSON.stringify({ canisters: { [canister.name]: entry } }));
  const result = await run(root, dfxRoot, canister.name, join(built, `${canister.name}.did`));
  if (result.ok) {
    await rm(canister.outDir, { recursive: true, force: true });
    await rename(built, canister.outDir);
  }
  await rm(dfxRoot, { recursive: true, force: true });
  return result;
}

function run(root: string, dfxRoot: string, name: string, candidPath: string): Promise<BuildResult> {
  const child = spawn(process.execPath, ['--import', TSX_LOADER, AZLE_CLI, 'build', name], {
    cwd: root,
    env: {
      ...process.env,
      AZLE_DFX_ROOT: dfxRoot,
      CANISTER_CANDID_PATH: candidPath,
      DFX_NETWORK: process.env.DFX_NETWORK ?? 'local',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });

  // azle prints nothing on success; on failure its stdout and stderr together tell the story.
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));

  return new Promise((resolve) => {
    child.on('error', (error) => resolve({ ok: false, output: String(error) }));
    child.on('close', (code) => resolve(code === 0 ? { ok: true } : { ok: false, output }));
  });
}
