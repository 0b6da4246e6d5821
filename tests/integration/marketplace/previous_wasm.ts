// The marketplace's Wasm as an earlier commit built it, for tests that upgrade from an older stable layout. It is
// checked in, gzipped, as tests/fixtures/marketplace-<7-hex commit>.wasm.gz, so those tests need neither the commit
// in the clone (CI may clone shallow) nor an Azle build. To make or remake a fixture, from a full clone:
//
//   npx tsx tests/integration/marketplace/previous_wasm.ts <commit>
//
// which builds the commit's tree (git archive) with this checkout's node_modules in a temporary folder.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync, gzipSync } from 'node:zlib';

const ROOT = resolve(import.meta.dirname, '../../..');

const fixturePath = (commit: string): string => join(ROOT, 'tests/fixtures', `marketplace-${commit.slice(0, 7)}.wasm.gz`);

/** The checked-in Wasm of `commit` (its full hash or a prefix of at least 7 digits). */
export function previousWasm(commit: string): Uint8Array {
  return gunzipSync(readFileSync(fixturePath(commit)));
}

function buildFixture(commit: string): string {
  const full = execFileSync('git', ['-C', ROOT, 'rev-parse', '--verify', `${commit}^{commit}`], { encoding: 'utf8' }).trim();
  const dir = mkdtempSync(join(tmpdir(), 'marketplace-previous-'));
  execFileSync('sh', ['-c', `git -C "${ROOT}" archive ${full} | tar -x -C "${dir}"`], { stdio: 'inherit' });
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'));
  execFileSync(join(ROOT, 'node_modules/.bin/tsx'), ['scripts/build.ts', 'marketplace'], { cwd: dir, stdio: 'inherit' });
  const fixture = fixturePath(full);
  writeFileSync(fixture, gzipSync(readFileSync(join(dir, '.azle/marketplace/marketplace.wasm')), { level: 9 }));
  return fixture;
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const commit = process.argv[2];
  if (commit === undefined) {
    console.error('usage: npx tsx tests/integration/marketplace/previous_wasm.ts <commit>');
    process.exit(2);
  }
  console.log(`wrote ${buildFixture(commit)}`);
}
