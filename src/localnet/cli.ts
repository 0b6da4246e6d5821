// `npm start`: builds what changed, starts the local network with its state in .localnet-state,
// deploys (or upgrades) the canisters of dfx.json, writes their ids the way dfx does (.env and
// .dfx/local/canister_ids.json), and runs
// until Ctrl-C, saving state on the way out.
import { Principal } from '@dfinity/principal';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';

import { sha256 } from '@noble/hashes/sha2';

import { LocalNetwork } from './network.js';

const { values } = parseArgs({
  options: {
    state: { type: 'string', default: '.localnet-state' },
    clean: { type: 'boolean', default: false },
    help: { type: 'boolean', default: false },
  },
});
if (values.help) {
  console.log('usage: npm start [-- --state <dir>] [--clean]\n  --state  where canisters are kept (default .localnet-state)\n  --clean  start from an empty network');
  process.exit(0);
}

const root = process.cwd();
const stateDir = resolve(values.state!);
const build = spawnSync(process.execPath, ['--import', 'tsx', join(root, 'scripts/build.ts')], { stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);

if (values.clean) await import('node:fs/promises').then((fs) => fs.rm(stateDir, { recursive: true, force: true }));
const network = await LocalNetwork.create({
  stateDir,
  autoTime: true,
  log: (id, message) => console.log(`[${id.toText()}] ${message}`),
});

const dfx = JSON.parse(await readFile(join(root, 'dfx.json'), 'utf8')) as { canisters: Record<string, unknown> };
// Where dfx keeps the ids of a local deployment, so tools that read it find ours.
const idsFile = join(root, '.dfx', 'local', 'canister_ids.json');
const known: Record<string, { local: string }> = existsSync(idsFile) ? JSON.parse(await readFile(idsFile, 'utf8')) : {};
const deployer = Principal.anonymous();
const rows: [string, string, string][] = [];

for (const name of Object.keys(dfx.canisters)) {
  const wasm = new Uint8Array(await readFile(join(root, '.azle', name, `${name}.wasm`)));
  const existing = known[name] && network.scheduler.canister(Principal.fromText(known[name].local));
  if (!existing) {
    const canisterId = await network.createCanister({ sender: deployer });
    await network.installCode({ canisterId, wasm, sender: deployer });
    known[name] = { local: canisterId.toText() };
    rows.push([name, canisterId.toText(), 'installed']);
  } else if (Buffer.compare(existing.module?.hash ?? new Uint8Array(0), sha256(wasm)) !== 0) {
    await network.upgradeCanister({ canisterId: existing.id, wasm, sender: deployer });
    rows.push([name, existing.id.toText(), 'upgraded']);
  } else rows.push([name, existing.id.toText(), 'unchanged']);
}

await mkdir(join(root, '.dfx', 'local'), { recursive: true });
await writeFile(idsFile, JSON.stringify(known, null, 2));
const env = ['DFX_NETWORK=local', ...Object.entries(known).map(([name, { local }]) => `CANISTER_ID_${name.toUpperCase()}=${local}`)];
await writeFile(join(root, '.env'), `${env.join('\n')}\n`);
await network.checkpoint();

const width = Math.max(...rows.map(([name]) => name.length));
console.log(`\nLocal network running (state in ${stateDir}); canister ids are in .env and ${idsFile}.`);
for (const [name, id, what] of rows) console.log(`  ${name.padEnd(width)}  ${id}  ${what}`);
console.log('\nPress Ctrl-C to stop.');

let stopping = false;
async function shutdown(): Promise<void> {
  if (stopping) return;
  stopping = true;
  console.log('\nStopping: saving state…');
  await network.stop();
  process.exit(0);
}
process.on('SIGINT', shutdown);
process.on('SIGTERM', shutdown);
setInterval(() => undefined, 1 << 30);
