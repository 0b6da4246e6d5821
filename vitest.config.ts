import { configDefaults, defineConfig } from 'vitest/config';

// Tests that act as a person against one started `npm start` (demo market on), shared by the whole run:
// tests/system (the README's walkthroughs) and tests/e2e (the browser). See tests/system/setup.ts.
const SYSTEM = ['tests/system/**/*.test.ts', 'tests/e2e/**/*.test.ts'];

export default defineConfig({
  test: {
    // Integration tests install real canister Wasm (about 0.3 s each) and may wait on timers.
    testTimeout: 120_000,
    hookTimeout: 300_000,
    // The CI machine has 2 cores; more workers only fight over them. Shared by all projects: at most 2 files at once.
    pool: 'forks',
    poolOptions: { forks: { maxForks: 2, minForks: 1 } },
    // `npx vitest run` runs every project; `--project <name>` or a path (tests/unit) picks some. The system project's
    // global setup starts npm start only when the run has files of that project.
    projects: [
      { extends: true, test: { name: 'unit', include: ['tests/unit/**/*.test.ts'] } },
      {
        extends: true,
        test: { name: 'integration', include: ['tests/**/*.test.ts'], exclude: [...configDefaults.exclude, 'tests/unit/**', ...SYSTEM] },
      },
      // A page waits on canister calls that a busy 2-core machine can slow to seconds: expect.poll's 1 s default is
      // too short for a person's patience, and a test should wait as long as a person would.
      { extends: true, test: { name: 'system', include: SYSTEM, globalSetup: ['tests/system/setup.ts'], expect: { poll: { timeout: 15_000 } } } },
    ],
  },
});
