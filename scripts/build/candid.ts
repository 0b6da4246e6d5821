import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, readFile } from 'node:fs/promises';
import { dirname, relative } from 'node:path';

import type { Canister } from './dfx';

// The checked-in .did is the published interface: a build whose generated interface differs fails, so an
// interface change is always a deliberate, reviewed edit (made with --update-candid).
// Returns the readable diff when the two differ, undefined when they agree.
export async function candidDrift(canister: Canister): Promise<string | undefined> {
  const checkedIn = canister.checkedInDid;
  if (checkedIn === undefined) return undefined;

  const generated = await readFile(canister.generatedDid, 'utf8');
  const current = existsSync(checkedIn) ? await readFile(checkedIn, 'utf8') : undefined;
  if (current === generated) return undefined;

  // `diff -u` exits 1 when the files differ; /dev/null stands in for a missing checked-in file.
  const result = spawnSync(
    'diff',
    [
      '-u',
      '--label',
      relative(process.cwd(), checkedIn) + (current === undefined ? ' (missing)' : ''),
      '--label',
      relative(process.cwd(), canister.generatedDid),
      current === undefined ? '/dev/null' : checkedIn,
      canister.generatedDid,
    ],
    { encoding: 'utf8' },
  );
  if (result.status !== 1) {
    throw new Error(`diff failed for ${canister.name}: ${result.error ?? result.stderr}`);
  }
  return result.stdout;
}

export async function updateCandid(canister: Canister): Promise<void> {
  if (canister.checkedInDid === undefined) return;
  await mkdir(dirname(canister.checkedInDid), { recursive: true });
  await copyFile(canister.generatedDid, canister.checkedInDid);
}
