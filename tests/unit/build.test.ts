import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { candidDrift } from '../../scripts/build/candid';
import { readAssetCanisters, readCanisters } from '../../scripts/build/dfx';
import { inputsHash } from '../../scripts/build/inputs';
import { withMetadata } from '../../scripts/build/metadata';
import { webAppInputsHash } from '../../scripts/build/web_app';
import { declaredVersions } from '../../src/localnet/gateway/http_gateway/verify';

let root: string;

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'build-test-'));
  await mkdir(join(root, 'canisters/a'), { recursive: true });
  await mkdir(join(root, 'canisters/b'), { recursive: true });
  await mkdir(join(root, 'canisters/shared'), { recursive: true });
  await writeFile(join(root, 'canisters/a/index.ts'), 'export default class {}');
  await writeFile(join(root, 'canisters/b/index.ts'), 'export default class {}');
  await writeFile(join(root, 'canisters/shared/util.ts'), 'export const x = 1;');
  const canisters = Object.fromEntries(
    ['a', 'b'].map((name) => [name, { type: 'azle', main: `canisters/${name}/index.ts`, candid: `candid/${name}.did` }]),
  );
  await writeFile(join(root, 'dfx.json'), JSON.stringify({ canisters: { ...canisters, web: { type: 'assets' } } }));
});

afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

async function hashOf(name: string, azleVersion = '0.33.0'): Promise<string> {
  const canister = (await readCanisters(root)).find((c) => c.name === name)!;
  return inputsHash(root, canister, azleVersion);
}

describe('readCanisters', () => {
  it('keeps only azle canisters and resolves their paths against the dfx.json folder', async () => {
    const canisters = await readCanisters(root);
    expect(canisters.map((c) => c.name)).toEqual(['a', 'b']);
    expect(canisters[0].wasm).toBe(join(root, '.azle/a/a.wasm'));
    expect(canisters[0].checkedInDid).toBe(join(root, 'candid/a.did'));
  });
});

describe('readAssetCanisters', () => {
  it('builds an assets entry as the Azle asset canister under its own name, where the project has that canister', async () => {
    expect(await readAssetCanisters(root)).toEqual([]);
    await mkdir(join(root, 'canisters/assets'), { recursive: true });
    await writeFile(join(root, 'canisters/assets/index.ts'), 'export default class {}');
    await writeFile(join(root, 'dfx.json'), JSON.stringify({ canisters: { web: { type: 'assets', source: ['dist/web'] } } }));
    const [web] = await readAssetCanisters(root);
    expect(web).toMatchObject({
      name: 'web',
      entry: { type: 'azle', main: 'canisters/assets/index.ts', candid: 'candid/assets.did' },
      wasm: join(root, '.azle/web/web.wasm'),
      checkedInDid: join(root, 'candid/assets.did'),
      assets: { source: ['dist/web'] },
    });
    // Its inputs are the asset canister's folder and the shared one, as for any canister.
    const before = await inputsHash(root, web, '0.33.0');
    await writeFile(join(root, 'canisters/assets/extra.ts'), '');
    expect(await inputsHash(root, web, '0.33.0')).not.toBe(before);
  });
});

describe('webAppInputsHash', () => {
  it("changes with the app's sources, the canister types it imports and the lockfile, and with nothing else", async () => {
    await mkdir(join(root, 'src/frontend'), { recursive: true });
    await writeFile(join(root, 'src/frontend/main.ts'), '');
    const hashes = [await webAppInputsHash(root)];
    await writeFile(join(root, 'README.md'), 'not an input');
    expect(await webAppInputsHash(root)).toBe(hashes[0]);
    await writeFile(join(root, 'src/frontend/main.ts'), 'mount()');
    hashes.push(await webAppInputsHash(root));
    await writeFile(join(root, 'canisters/a/types.ts'), 'export type A = 1;');
    hashes.push(await webAppInputsHash(root));
    await writeFile(join(root, 'package-lock.json'), '{}');
    hashes.push(await webAppInputsHash(root));
    expect(new Set(hashes).size).toBe(4);
  });
});

describe('inputsHash', () => {
  it('is stable while nothing changes', async () => {
    expect(await hashOf('a')).toBe(await hashOf('a'));
  });

  it("changes with the canister's own files, the shared folder and the azle version", async () => {
    const before = await hashOf('a');
    await writeFile(join(root, 'canisters/a/extra.ts'), '');
    const withOwnFile = await hashOf('a');
    await writeFile(join(root, 'canisters/shared/util.ts'), 'export const x = 2;');
    const withShared = await hashOf('a');
    expect(new Set([before, withOwnFile, withShared, await hashOf('a', '0.34.0')]).size).toBe(4);
  });

  it('ignores a checked-in .did kept beside the code', async () => {
    const dfxJson = { canisters: { a: { type: 'azle', main: 'canisters/a/index.ts', candid: 'canisters/a/a.did' } } };
    await writeFile(join(root, 'dfx.json'), JSON.stringify(dfxJson));
    const before = await hashOf('a');
    await writeFile(join(root, 'canisters/a/a.did'), 'service : {}\n');
    expect(await hashOf('a')).toBe(before);
  });

  it("ignores another canister's files", async () => {
    const before = await hashOf('a');
    await writeFile(join(root, 'canisters/b/index.ts'), 'export default class B {}');
    expect(await hashOf('a')).toBe(before);
  });

  it("changes with the folders it imports from by relative path, however far, as an example's imports of canisters/", async () => {
    await writeFile(join(root, 'canisters/a/index.ts'), "import type { B } from '../b/types';\nexport default class {}");
    await writeFile(join(root, 'canisters/b/types.ts'), "export { C } from '../../lib/c';\nexport type B = 1;");
    await mkdir(join(root, 'lib'));
    await writeFile(join(root, 'lib/c.ts'), 'export type C = 1;');
    const before = await hashOf('a');
    await writeFile(join(root, 'canisters/b/types.ts'), "export { C } from '../../lib/c';\nexport type B = 2;");
    const withImported = await hashOf('a');
    await writeFile(join(root, 'lib/c.ts'), 'export type C = 2;');
    expect(new Set([before, withImported, await hashOf('a')]).size).toBe(3);
  });
});

describe('candidDrift', () => {
  async function withGenerated(did: string) {
    const canister = (await readCanisters(root))[0];
    await mkdir(canister.outDir, { recursive: true });
    await writeFile(canister.generatedDid, did);
    return canister;
  }

  it('is silent when the generated interface matches the checked-in one', async () => {
    const canister = await withGenerated('service : {}\n');
    await mkdir(join(root, 'candid'));
    await writeFile(join(root, 'candid/a.did'), 'service : {}\n');
    expect(await candidDrift(canister)).toBeUndefined();
  });

  it('shows a unified diff of the changed lines', async () => {
    const canister = await withGenerated('service : {\n    get : () -> (nat) query;\n}\n');
    await mkdir(join(root, 'candid'));
    await writeFile(join(root, 'candid/a.did'), 'service : {\n    get : () -> (int) query;\n}\n');
    const drift = await candidDrift(canister);
    expect(drift).toContain('-    get : () -> (int) query;');
    expect(drift).toContain('+    get : () -> (nat) query;');
  });

  it('treats a missing checked-in file as empty', async () => {
    const canister = await withGenerated('service : {}\n');
    expect(await candidDrift(canister)).toContain('(missing)');
  });
});

describe('withMetadata', () => {
  const EMPTY = new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]);
  const VERSIONS = { name: 'supported_certificate_versions', content: '1,2', visibility: 'public' as const };

  it('adds dfx.json metadata with content as icp:<visibility> sections, once', async () => {
    const wasm = withMetadata(EMPTY, [VERSIONS, { name: 'candid:service' }, { name: 'secret', content: 'x', visibility: 'private' }]);
    const module = new WebAssembly.Module(wasm);
    expect(declaredVersions(module)).toEqual([1, 2]);
    expect(WebAssembly.Module.customSections(module, 'icp:private secret')).toHaveLength(1);
    expect(WebAssembly.Module.customSections(module, 'icp:public candid:service')).toHaveLength(0);
    expect(withMetadata(wasm, [VERSIONS])).toBe(wasm);
    expect(declaredVersions(new WebAssembly.Module(EMPTY))).toBeNull();
  });

  it('is declared for the Azle asset canister, as DFINITY’s asset canister declares it', async () => {
    await mkdir(join(root, 'canisters/assets'), { recursive: true });
    await writeFile(join(root, 'canisters/assets/index.ts'), 'export default class {}');
    const [web] = await readAssetCanisters(root);
    expect(web.entry.metadata).toEqual([VERSIONS]);
  });
});
