import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    // Integration tests install real canister Wasm (about 0.3 s each) and may wait on timers.
    testTimeout: 120_000,
    hookTimeout: 300_000,
    // The CI machine has 2 cores; more workers only fight over them.
    pool: 'forks',
    poolOptions: { forks: { maxForks: 2, minForks: 1 } },
  },
});
