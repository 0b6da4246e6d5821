// The marketplace's Wasm as an earlier commit built it, for tests that upgrade from an older stable layout: the
// commit's tree from git (git archive), built with this checkout's node_modules into a temporary folder.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export function buildMarketplaceAt(commit: string): string {
  const root = resolve(import.meta.dirname, '../../..');
  const dir = mkdtempSync(join(tmpdir(), 'marketplace-previous-'));
  execFileSync('sh', ['-c', `git -C "${root}" archive ${commit} | tar -x -C "${dir}"`], { stdio: 'inherit' });
  symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'));
  execFileSync(join(root, 'node_modules/.bin/tsx'), ['scripts/build.ts', 'marketplace'], { cwd: dir, stdio: 'inherit' });
  return join(dir, '.azle/marketplace/marketplace.wasm');
}
