// The web app (src/frontend) for an `assets` canister: `vite build` into dist/frontend, skipped when its inputs
// did not change (its sources, the SDK and canister types it imports, the dependencies), as canister builds are.
// The bundle is built without .env: the served app reads the network's configuration from the env.json uploaded
// beside it (src/deploy/web_app.ts), so one bundle serves every network and stays up to date across restarts.
// (`npm run build:frontend` still bakes .env in, for serving the app some other way.)
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';

import { listFiles } from './inputs';

export const WEB_APP_OUT = 'dist/frontend';
const CONFIG = 'src/frontend/vite.config.ts';
const INPUT_FOLDERS = ['src/frontend', 'src/sdk', 'canisters'];
const INPUT_FILES = ['package-lock.json'];
/** Variables vite would bake into the bundle (vite.config.ts's envPrefix); the build leaves them out. */
const BAKED = /^(VITE_|CANISTER_ID_|DFX_NETWORK|IC_HOST|II_URL)/;

export type WebAppResult = { ok: true; built: boolean } | { ok: false; output: string };

/** Whether this project has a web app to build (the test fixtures do not). */
export const hasWebApp = (root: string): boolean => existsSync(join(root, CONFIG));

export async function webAppInputsHash(root: string): Promise<string> {
  const hash = createHash('sha256');
  for (const folder of INPUT_FOLDERS.map((f) => join(root, f)).filter((f) => existsSync(f))) {
    for (const file of await listFiles(folder)) {
      hash.update(`file ${relative(root, file)}\n`);
      hash.update(await readFile(file));
    }
  }
  for (const file of INPUT_FILES.map((f) => join(root, f)).filter((f) => existsSync(f))) {
    hash.update(`file ${relative(root, file)}\n`);
    hash.update(await readFile(file));
  }
  return hash.digest('hex');
}

export async function buildWebApp(root: string): Promise<WebAppResult> {
  const hash = await webAppInputsHash(root);
  // Under .vite, beside vite's manifest: the uploader leaves dot folders out, and vite empties the folder first.
  const hashFile = join(root, WEB_APP_OUT, '.vite', 'build.hash');
  if (existsSync(join(root, WEB_APP_OUT, 'index.html')) && existsSync(hashFile) && (await readFile(hashFile, 'utf8')) === hash) {
    return { ok: true, built: false };
  }
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !BAKED.test(name)));
  const child = spawn(process.execPath, [join(root, 'node_modules/vite/bin/vite.js'), 'build', '--config', CONFIG, '--logLevel', 'warn'], {
    cwd: root,
    env: { ...env, WEB_APP_DOTENV: 'off' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  const code = await new Promise<number | null>((resolve) => {
    child.on('error', (error) => {
      output += String(error);
      resolve(1);
    });
    child.on('close', resolve);
  });
  if (code !== 0) return { ok: false, output };
  await mkdir(join(root, WEB_APP_OUT, '.vite'), { recursive: true });
  await writeFile(hashFile, hash);
  return { ok: true, built: true };
}
