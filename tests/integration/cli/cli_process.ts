// The command line run as people run it, a separate process per command, against the network at `network()` (read
// at each call: the suite serves it in beforeAll) with its identities under `dir`/home and the canister ids in
// `dir`/ids.json, which writeIds writes as dfx does.
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Principal } from '@dfinity/principal';
import { expect } from 'vitest';

export function writeIds(dir: string, ids: Record<string, Principal>): void {
  const local = Object.entries(ids).map(([name, id]) => [name, { local: id.toText() }]);
  writeFileSync(join(dir, 'ids.json'), JSON.stringify(Object.fromEntries(local)));
}

export function cliProcess(dir: string, network: () => string) {
  function cli(...args: string[]): Promise<{ code: number; out: string }> {
    return new Promise((resolve) => {
      const options = { env: { ...process.env, ICP_MARKET_HOME: join(dir, 'home') }, timeout: 120_000 };
      execFile(
        process.execPath,
        ['--import', 'tsx', 'src/cli/main.ts', ...args, '--network', network(), '--ids', join(dir, 'ids.json')],
        options,
        (error, stdout, stderr) => resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, out: stdout + stderr }),
      );
    });
  }
  /** The output of a command that must succeed. */
  async function must(...args: string[]): Promise<string> {
    const { code, out } = await cli(...args);
    if (code !== 0) throw new Error(`cli ${args.join(' ')} failed:\n${out}`);
    return out;
  }
  /** The output of a command that must fail as a refusal (exit code 1). */
  async function refused(...args: string[]): Promise<string> {
    const { code, out } = await cli(...args);
    expect(code, out).toBe(1);
    return out;
  }
  return { cli, must, refused };
}
