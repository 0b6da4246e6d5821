import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

import type { Canister } from './dfx';

// This project's canisters/shared, which the test fixtures import too (the certification module).
const PROJECT_SHARED = fileURLToPath(new URL('../../canisters/shared', import.meta.url));

// A canister's Wasm depends on its own folder, the sibling `shared` folder it imports from (and the project's
// canisters/shared, for the fixtures), every folder these import from by relative path (another canister's types,
// which the examples and the marketplace import), its dfx.json entry and the azle release (which ships the Wasm
// template). Hashing these lets an unchanged canister skip a 4 s build. Package imports are not tracked.
export async function inputsHash(root: string, canister: Canister, azleVersion: string): Promise<string> {
  const hash = createHash('sha256');
  hash.update(`azle ${azleVersion}\n`);
  hash.update(`entry ${JSON.stringify(canister.entry)}\n`);

  const folders = await importedFolders([canister.folder, join(dirname(canister.folder), 'shared'), PROJECT_SHARED]);
  for (const folder of folders) {
    for (const file of await listFiles(folder)) {
      // The checked-in .did may live beside the code (as in the fixtures); it is an output, not an input.
      if (file === canister.checkedInDid) continue;
      // The path is hashed too, so a rename or a move between folders counts as a change.
      hash.update(`file ${relative(root, file)}\n`);
      hash.update(await readFile(file));
    }
  }

  return hash.digest('hex');
}

// `from './x'` or `from '../../canisters/marketplace/job_types'`: a relative import of a module.
const RELATIVE_IMPORT = /from '(\.\.?\/[^']+)'/g;

/** `start` (those that exist) and every folder their TypeScript reaches by relative imports, transitively, in a fixed order. */
async function importedFolders(start: string[]): Promise<string[]> {
  const folders: string[] = [];
  const within = (path: string) => folders.some((folder) => path === folder || path.startsWith(folder + sep));
  const queue = start.filter((folder) => existsSync(folder));
  for (let folder = queue.shift(); folder !== undefined; folder = queue.shift()) {
    if (within(folder)) continue;
    folders.push(folder);
    for (const file of (await listFiles(folder)).filter((f) => f.endsWith('.ts'))) {
      for (const [, specifier] of (await readFile(file, 'utf8')).matchAll(RELATIVE_IMPORT)) {
        const target = dirname(resolve(dirname(file), specifier));
        if (!within(target) && existsSync(target)) queue.push(target);
      }
    }
  }
  return folders;
}

// Walked by hand because Dirent.parentPath only exists from Node 20.12 and we promise Node 20.
export async function listFiles(folder: string): Promise<string[]> {
  const files: string[] = [];
  for (const entry of await readdir(folder, { withFileTypes: true })) {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) files.push(...(await listFiles(path)));
    else if (entry.isFile()) files.push(path);
  }
  return files.sort();
}
