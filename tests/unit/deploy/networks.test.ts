// Network names and the files where ids are kept, the dfx way: canister_ids.json for ic and persistent networks,
// .dfx/<network>/canister_ids.json otherwise, and .env's block of CANISTER_ID_<NAME> lines.
import { Principal } from '@dfinity/principal';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

import { idsFile, readIds, resolveNetwork, writeEnv, writeIds } from '../../../src/deploy/networks';

const dir = mkdtempSync(join(tmpdir(), 'networks-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const a = Principal.fromText('ryjl3-tyaaa-aaaaa-aaaba-cai');
const b = Principal.fromText('rrkah-fqaaa-aaaaa-aaaaq-cai');

describe('networks', () => {
  it('knows ic, local, dfx.json networks and URLs', () => {
    expect(resolveNetwork('ic')).toEqual({ name: 'ic', host: 'https://icp-api.io', mainnet: true, persistent: true });
    expect(resolveNetwork('local')).toMatchObject({ name: 'local', host: 'http://127.0.0.1:4943', mainnet: false });
    // An ad-hoc network is named as dfx names it; a boundary node's URL is mainnet.
    expect(resolveNetwork('http://127.0.0.1:8000/')).toEqual({
      name: 'http___127_0_0_1_8000_',
      host: 'http://127.0.0.1:8000',
      mainnet: false,
      persistent: false,
    });
    expect(resolveNetwork('https://icp0.io').mainnet).toBe(true);
    expect(resolveNetwork('staging', { staging: { providers: ['https://icp-api.io'] } })).toMatchObject({
      mainnet: true,
      persistent: true,
    });
    expect(() => resolveNetwork('nowhere')).toThrow(/ic, local/);
  });

  it('keeps ids where dfx keeps them, merging with what the file says about other networks', async () => {
    expect(idsFile(dir, resolveNetwork('ic'))).toBe(join(dir, 'canister_ids.json'));
    expect(idsFile(dir, resolveNetwork('local'))).toBe(join(dir, '.dfx', 'local', 'canister_ids.json'));
    const file = idsFile(dir, resolveNetwork('ic'));
    writeFileSync(file, JSON.stringify({ ledger: { playground: b.toText() } }));
    await writeIds(file, 'ic', { ledger: a, identity: b });
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({
      ledger: { playground: b.toText(), ic: a.toText() },
      identity: { ic: b.toText() },
    });
    expect(await readIds(file, 'ic')).toEqual({ ledger: a, identity: b });
    expect(await readIds(file, 'playground')).toEqual({ ledger: b });
  });

  it(".env: replaces its own block (and npm start's old unmarked lines), keeps the rest", async () => {
    writeFileSync(join(dir, '.env'), 'API_KEY=x\nDFX_NETWORK=local\nCANISTER_ID_LEDGER=old\n');
    await writeEnv(dir, 'ic', 'https://icp-api.io', { ledger: a });
    await writeEnv(dir, 'ic', 'https://icp-api.io', { ledger: b });
    expect(readFileSync(join(dir, '.env'), 'utf8')).toBe(
      [
        'API_KEY=x',
        '',
        '# DFX CANISTER ENVIRONMENT VARIABLES',
        'DFX_NETWORK=ic',
        'IC_HOST=https://icp-api.io',
        `CANISTER_ID_LEDGER=${b.toText()}`,
        '# END DFX CANISTER ENVIRONMENT VARIABLES',
        '',
      ].join('\n'),
    );
  });
});
