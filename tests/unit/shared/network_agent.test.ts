import { HttpAgent, IC_ROOT_KEY } from '@dfinity/agent';
import { Ed25519KeyIdentity } from '@dfinity/identity';
import { afterEach, describe, expect, it, vi } from 'vitest';

import { createNetworkAgent, isLocalNetwork } from '../../../src/shared/network_agent';

const hex = (bytes: ArrayBuffer | Uint8Array) => Buffer.from(bytes as Uint8Array).toString('hex');

describe('which networks hand an agent their root key', () => {
  afterEach(() => vi.restoreAllMocks());

  it('trusts a fetched root key from this machine only', () => {
    for (const host of [
      'http://localhost:4943',
      'http://127.0.0.1:4943',
      'http://[::1]:4943',
      'http://app.localhost:4943',
      'https://localhost',
    ])
      expect(isLocalNetwork(host), host).toBe(true);
    for (const host of [
      'https://icp-api.io',
      'https://icp0.io',
      'https://ic0.app',
      'http://192.168.1.20:4943',
      'http://localhost.evil.example',
      'http://127.0.0.1.evil.example',
      'http://evil-localhost:4943',
      'ftp://localhost',
      'localhost:4943',
      'not a url',
    ])
      expect(isLocalNetwork(host), host).toBe(false);
  });

  it('builds an agent for a remote https host with the IC root key, fetching nothing', async () => {
    const fetchRootKey = vi.spyOn(HttpAgent.prototype, 'fetchRootKey');
    const requests = vi.fn(() => Promise.reject(new Error('no network in this test')));
    vi.stubGlobal('fetch', requests);
    try {
      const agent = await createNetworkAgent('https://icp0.io', Ed25519KeyIdentity.generate());
      expect(fetchRootKey).not.toHaveBeenCalled();
      expect(requests).not.toHaveBeenCalled();
      expect(hex(agent.rootKey!)).toBe(IC_ROOT_KEY);
    } finally {
      vi.unstubAllGlobals();
    }
  });

  it('fetches the root key of a local network', async () => {
    const fetchRootKey = vi.spyOn(HttpAgent.prototype, 'fetchRootKey').mockResolvedValue(new Uint8Array([1, 2, 3]));
    await createNetworkAgent('http://127.0.0.1:4943');
    expect(fetchRootKey).toHaveBeenCalledTimes(1);
  });
});
