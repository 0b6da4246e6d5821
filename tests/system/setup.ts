// Global setup of the `system` project (vitest.config.ts): ONE `npm start`, demo market on, for every test that acts
// as a person against the started system (the README's walkthroughs with the project's CLI and with icp-cli, and
// the browser tests in tests/e2e). Vitest runs it in its main process once per run, and only when the run has
// system tests (so `npx vitest run tests/unit` starts nothing); the test files run in their forks and read what it
// provides with `inject('system')` (tests/system/context.ts).
//
// npm start runs in a fresh temporary folder, laid out as a project folder after `npm start` (.env, .dfx/local/
// canister_ids.json, models/, and its state in .localnet-state/), on a free port, so it meets neither a developer's
// network on 4943 nor the folder's files. It is stopped with Ctrl-C (SIGINT) at the end, as a person stops it: the
// workers stop with it and the state is saved; a non-zero exit fails the run. Its output goes to `<dir>/npm-start.log`.
//
// Rules for tests that share it (they run two at a time, in any order):
// - act as fresh identities (a new key per test: the faucet gives each principal one claim a day);
// - never assume ids or counts (jobs, models, offers, nodes): read them from what you made, or filter by owner;
// - change nothing that others rely on: no settings, no governance bootstrap (it takes every admin method away),
//   no stopping or pausing the demo workers and offers. A test that needs that starts its own network.
import { rmSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';

import { freePort, type NpmStart, startNpmStart } from '../support/npm_start.js';
import type { StartedSystem } from './context.js';

/** The value of `pattern`'s first group in npm start's output; throws with the output if it is not there. */
function found(output: string, pattern: RegExp, what: string): string {
  const match = pattern.exec(output);
  if (!match) throw new Error(`npm start printed no ${what}:\n${output}`);
  return match[1];
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const dir = await mkdtemp(join(tmpdir(), 'system-'));
  const stateDir = join(dir, '.localnet-state');
  const log = join(dir, 'npm-start.log');
  let started: NpmStart | undefined;
  // A free port can be taken between the look and npm start's listen: try another.
  for (let attempt = 1; started === undefined; attempt++) {
    const port = await freePort();
    try {
      started = await startNpmStart({ cwd: dir, port, state: stateDir, logFile: log });
    } catch (error) {
      if (attempt < 3 && /Cannot listen on/.test((error as Error).message)) continue;
      await rm(dir, { recursive: true, force: true });
      throw error;
    }
  }
  const npmStart = started;
  // Should vitest end without its teardown (a crash, `vitest list`), npm start must not outlive it (its workers
  // follow it) nor its folder stay behind.
  const killOnExit = () => {
    npmStart.child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  };
  process.once('exit', killOnExit);

  try {
    const output = npmStart.output();
    const url = found(output, /^Network: (http\S+)/m, 'network URL');
    const idsFile = join(dir, '.dfx/local/canister_ids.json');
    const ids = Object.fromEntries(
      Object.entries(JSON.parse(await readFile(idsFile, 'utf8')) as Record<string, { local: string }>).map(([name, id]) => [
        name,
        id.local,
      ]),
    );
    const model = (task: string) => new RegExp(`^ {2}model (\\d+): .* \\(${task}\\), offer (\\d+) at`, 'm');
    const system: StartedSystem = {
      url,
      dir,
      stateDir,
      deployerPem: join(stateDir, 'deployer.pem'),
      deployer: found(output, /controlled by the deployer (\S+)\./, 'deployer'),
      idsFile,
      ids,
      log,
      demo: {
        provider: found(output, /Demo provider (\S+), staked/, 'demo provider'),
        providerPem: join(stateDir, 'demo-provider.pem'),
        textModel: found(output, model('text_generation'), 'text model'),
        textOffer: model('text_generation').exec(output)![2],
        embeddingModel: found(output, model('embedding'), 'embedding model'),
        embeddingOffer: model('embedding').exec(output)![2],
      },
      webApp: /^Web app: (\S+)/m.exec(output)?.[1] ?? null,
      apiBaseUrl: /^OpenAI-compatible API: (\S+)/m.exec(output)?.[1] ?? null,
    };
    project.provide('system', system);
  } catch (error) {
    await npmStart.stop();
    await rm(dir, { recursive: true, force: true });
    throw error;
  }

  return async () => {
    process.off('exit', killOnExit);
    const code = await npmStart.stop();
    const output = npmStart.output();
    await rm(dir, { recursive: true, force: true });
    if (code !== 0) throw new Error(`npm start exited with ${code} on Ctrl-C:\n${output.slice(-4000)}`);
  };
}
