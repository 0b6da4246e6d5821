// Builds the Azle canisters of a dfx.json offline, the way `dfx build` would, and checks their interfaces. An
// `assets` canister (the web app's) is built as this project's Azle asset canister under its name, and the web app
// (src/frontend, with vite) into its source folder dist/frontend; each is skipped when its inputs did not change.
//   npm run build [-- [--root <dir>] [--update-candid] [name...]]
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

import { azleBuild, azleVersion } from './build/azle';
import { candidDrift, updateCandid } from './build/candid';
import { type Canister, readAssetCanisters, readCanisters } from './build/dfx';
import { inputsHash } from './build/inputs';
import { buildWebApp, hasWebApp } from './build/web_app';

// Each azle build is one busy Node process; the target machines have 2 cores.
const PARALLEL_BUILDS = 2;

const { values, positionals } = parseArgs({
  options: {
    root: { type: 'string' },
    'update-candid': { type: 'boolean', default: false },
  },
  allowPositionals: true,
});
const repoRoot = resolve(fileURLToPath(new URL('..', import.meta.url)));
const root = values.root === undefined ? repoRoot : resolve(values.root);

const all = [...(await readCanisters(root)), ...(await readAssetCanisters(root))];
const unknown = positionals.filter((name) => !all.some((c) => c.name === name));
if (unknown.length > 0) {
  console.error(`Unknown canister(s) in ${relative(process.cwd(), join(root, 'dfx.json'))}: ${unknown.join(', ')}`);
  process.exit(1);
}
const selected = positionals.length === 0 ? all : all.filter((c) => positionals.includes(c.name));

let failed = false;
const queue = [...selected];
await Promise.all(
  Array.from({ length: PARALLEL_BUILDS }, async () => {
    for (let canister = queue.shift(); canister !== undefined; canister = queue.shift()) {
      failed = !(await buildOne(canister)) || failed;
    }
  }),
);
if (failed) process.exit(1);

// The web app goes with its assets canister: built when that canister is (every canister, or it by name).
if (selected.some((c) => c.assets !== undefined) && hasWebApp(root)) {
  const started = performance.now();
  const app = await buildWebApp(root);
  if (!app.ok) {
    console.error(`web app: vite build failed\n${app.output}`);
    process.exit(1);
  }
  console.log(app.built ? `web app: built in ${((performance.now() - started) / 1000).toFixed(1)} s` : 'web app: up to date');
}

for (const canister of selected) {
  if (values['update-candid']) {
    await updateCandid(canister);
    continue;
  }
  const drift = await candidDrift(canister);
  if (drift !== undefined) {
    console.error(`\nThe interface of ${canister.name} differs from its checked-in candid file:\n\n${drift}`);
    failed = true;
  }
}
if (failed) {
  const rootArg = root === repoRoot ? '' : ` --root ${relative(repoRoot, root)}`;
  console.error(`If the change is intended, run \`npm run build --${rootArg} --update-candid\` and commit the .did.`);
  process.exit(1);
}

// Returns false when azle failed; its output has been printed.
async function buildOne(canister: Canister): Promise<boolean> {
  const hash = await inputsHash(root, canister, azleVersion);
  const hashFile = join(canister.outDir, 'build.hash');
  const upToDate =
    existsSync(canister.wasm) && existsSync(canister.generatedDid) && existsSync(hashFile) && (await readFile(hashFile, 'utf8')) === hash;
  if (upToDate) {
    console.log(`${canister.name}: up to date`);
    return true;
  }

  const started = performance.now();
  const result = await azleBuild(root, canister);
  if (!result.ok) {
    console.error(`${canister.name}: azle build failed\n${result.output}`);
    return false;
  }
  // Written last: azle empties the output folder first, so a failed build leaves no stale hash behind.
  await writeFile(hashFile, hash);
  console.log(`${canister.name}: built in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  return true;
}
