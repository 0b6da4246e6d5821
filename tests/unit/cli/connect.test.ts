import { HttpAgent } from '@dfinity/agent';
import { Ed25519KeyIdentity } from '@dfinity/identity';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';

import { connect } from '../../../src/cli/connect';

describe('the command line’s connection', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cli-connect-'));
  const ids = join(dir, 'canister_ids.json');
  const names = ['ledger', 'identity', 'model_registry', 'marketplace', 'payment', 'bridge', 'analytics'];
  writeFileSync(ids, JSON.stringify(Object.fromEntries(names.map((name) => [name, { ic: 'ryjl3-tyaaa-aaaaa-aaaba-cai' }]))));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('never asks a mainnet host for its root key', async () => {
    const fetchRootKey = vi.spyOn(HttpAgent.prototype, 'fetchRootKey');
    const requests = vi.fn(() => Promise.reject(new Error('no network in this test')));
    vi.stubGlobal('fetch', requests);
    try {
      const c = await connect(Ed25519KeyIdentity.generate(), { network: 'https://icp0.io', ids });
      expect(c.canister('ledger').toText()).toBe('ryjl3-tyaaa-aaaaa-aaaba-cai');
      expect(fetchRootKey).not.toHaveBeenCalled();
      expect(requests).not.toHaveBeenCalled();
    } finally {
      vi.unstubAllGlobals();
      vi.restoreAllMocks();
    }
  });
});
