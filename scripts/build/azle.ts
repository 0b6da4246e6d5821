import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import type { Canister } from './dfx';

// azle's exports hide package.json and the CLI; its main entry is <package>/src/stable/lib/index.ts.
const AZLE_ROOT = join(fileURLToPath(import.meta.resolve('azle')), '../../../..');

// azle's CLI is a TypeScript file with a `npx tsx` shebang; npx adds a process and npm's config warnings,
// so we run it in a plain Node with tsx's loader instead.
const AZLE_CLI = join(AZLE_ROOT, 'src/build.ts');
const TSX_LOADER = import.meta.resolve('tsx');

export const azleVersion: string = JSON.parse(readFileSync(join(AZLE_ROOT, 'package.json'), 'utf8')).version;

export type BuildResult = { ok: true } | { ok: false; output: string };

// Runs `azle build <name>` with the environment dfx would give it, so the result matches a dfx build.
export function azleBuild(root: string, canister: Canister): Promise<BuildResult> {
  const child = spawn(process.execPath, ['--import', TSX_LOADER, AZLE_CLI, 'build', canister.name], {
    cwd: root,
    env: {
      ...process.env,
      AZLE_DFX_ROOT: root,
      CANISTER_CANDID_PATH: canister.generatedDid,
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
