// What a system test uses of the started system (setup.ts): its description, a project folder of the test's own
// that sees npm start's files, and the README's code blocks.
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inject } from 'vitest';

import { ROOT } from '../support/npm_start.js';
import type { StartedSystem } from './context.js';

export type { StartedSystem } from './context.js';

/** The one npm start of this test run. */
export const startedSystem = (): StartedSystem => inject('system');

/**
 * A folder of the test's own that looks like the project's folder after `npm start`, where the README's commands
 * are typed: .env, .dfx/local/canister_ids.json, models/ and .localnet-state/ are the started system's (links), and
 * candid/ the project's. What a test writes there (keys, a worker's key, logs) stays its own.
 */
export async function projectFolder(system: StartedSystem): Promise<{ dir: string; dispose: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'system-user-'));
  await symlink(join(system.dir, '.env'), join(dir, '.env'));
  await symlink(join(system.dir, '.dfx'), join(dir, '.dfx'));
  await symlink(join(system.dir, 'models'), join(dir, 'models'));
  await symlink(system.stateDir, join(dir, '.localnet-state'));
  await symlink(join(ROOT, 'candid'), join(dir, 'candid'));
  return { dir, dispose: () => rm(dir, { recursive: true, force: true }) };
}

/**
 * The lines of the first ```sh block under the README heading `heading`, without blank lines and whole-line comments
 * (a line's trailing comment stays: the shell ignores it). Synchronous, so a test file can make a test of each line.
 */
export function readmeBlock(heading: string): string[] {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const at = readme.split('\n').findIndex((line) => /^#+ /.test(line) && line.replace(/^#+ /, '') === heading);
  if (at < 0) throw new Error(`README.md has no heading "${heading}"`);
  const rest = readme.split('\n').slice(at + 1);
  const open = rest.findIndex((line) => line.trim() === '```sh');
  const close = rest.findIndex((line, i) => i > open && line.trim() === '```');
  const next = rest.findIndex((line) => /^#+ /.test(line));
  if (open < 0 || close < 0 || (next >= 0 && next < open)) throw new Error(`README.md has no sh block under "${heading}"`);
  return rest.slice(open + 1, close).filter((line) => line.trim() !== '' && !line.trim().startsWith('#'));
}
