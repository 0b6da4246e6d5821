// A network created with a state directory comes back after stop() with its canisters as they were:
// same ids, heap and stable memory, controllers, settings, cycles, time and pending timers. Saving replaces
// only the network's own files there, a save cut short by a crash leaves one whole state, and a folder saved
// before settings were kept opens with the spec's defaults for them.
import { cp, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { LocalNetwork, MANAGEMENT_CANISTER } from '../../../src/localnet/index.js';
import { type CanisterSettings, settingsArg, UpdateSettingsArgs } from '../../../src/localnet/management/types.js';
import { encode, idlFactory, type Probe, type ProbeService, randomUser, rejection, setupProbe } from './probe.js';

const START = Date.UTC(2025, 5, 1);
const owner = randomUser();
const viewer = randomUser();

/** Every setting besides the controllers, none of them the spec's default. */
const SETTINGS = {
  compute_allocation: 3n,
  memory_allocation: 500_000_000n,
  freezing_threshold: 7_200n,
  reserved_cycles_limit: 9_000_000n,
  minimum_incoming_canister_call_cycles: 42n,
  log_visibility: { public: null },
  log_memory_limit: 1024n,
  snapshot_visibility: { allowed_viewers: [owner] },
  status_visibility: { allowed_viewers: [viewer] },
  wasm_memory_limit: 1n << 31n,
  wasm_memory_threshold: 1n << 21n,
  environment_variables: [
    { name: 'A_FIRST', value: 'one' },
    { name: 'B_SECOND', value: '' },
  ],
};

const SPEC_DEFAULTS = {
  compute_allocation: 0n,
  memory_allocation: 0n,
  freezing_threshold: 2_592_000n,
  reserved_cycles_limit: 5_000_000_000_000n,
  minimum_incoming_canister_call_cycles: 0n,
  log_visibility: { controllers: null },
  log_memory_limit: 4096n,
  snapshot_visibility: { controllers: null },
  status_visibility: { controllers: null },
  wasm_memory_limit: 0n,
  wasm_memory_threshold: 0n,
  environment_variables: [],
};

let stateDir: string;
let network: LocalNetwork | undefined;
let probe: Probe;
let cyclesAtStop: bigint;
let timeAtStop: number;

function reopen(): Promise<LocalNetwork> {
  return LocalNetwork.create({ stateDir, time: START });
}

beforeAll(async () => {
  stateDir = join(await mkdtemp(join(tmpdir(), 'localnet-state-')), 'state');
  const first = await LocalNetwork.create({ stateDir, time: START });
  probe = await setupProbe(first, { sender: owner });
  await probe.actor.put('alpha', 'one');
  await probe.actor.put('beta', 'two');
  await probe.actor.increment();
  await probe.actor.increment();
  await probe.actor.schedule(60n, 'after the restart');
  const settings: CanisterSettings = { ...settingsArg() };
  for (const [key, value] of Object.entries(SETTINGS)) (settings as Record<string, unknown>)[key] = [value];
  const updated = await first.submitIngress({
    canisterId: MANAGEMENT_CANISTER,
    method: 'update_settings',
    arg: encode([UpdateSettingsArgs], [{ canister_id: probe.canisterId, settings, sender_canister_version: [] }]),
    sender: owner,
  });
  expect(updated).toHaveProperty('reply');
  await first.advanceTime(5000);
  await first.tick();
  cyclesAtStop = await first.getCyclesBalance(probe.canisterId);
  timeAtStop = await first.getTime();
  await first.stop();

  network = await reopen();
});

afterAll(async () => {
  await network?.stop();
  await rm(join(stateDir, '..'), { recursive: true, force: true });
});

function actor(): Probe['actor'] {
  return network!.createActor<ProbeService>(idlFactory, probe.canisterId);
}

describe('after a restart from the state directory', () => {
  it('the same canister id answers with its stable data', async () => {
    expect(await actor().lookup('alpha')).toEqual(['one']);
    expect(await actor().lookup('beta')).toEqual(['two']);
    expect(await actor().size()).toBe(2n);
  });

  it('the heap is as it was', async () => {
    expect(await actor().get()).toBe(2n);
    expect(await actor().fired()).toEqual([]);
  });

  it('cycles, controllers and time are as they were', async () => {
    expect(await network!.getCyclesBalance(probe.canisterId)).toBe(cyclesAtStop);
    expect((await network!.getControllers(probe.canisterId)).map((p) => p.toText())).toEqual([owner.toText()]);
    expect(await network!.getTime()).toBe(timeAtStop);
    expect(await actor().now()).toBe(BigInt(timeAtStop) * 1_000_000n);
  });

  it('the settings are as update_settings left them, and status_visibility still lets the viewer read the status', async () => {
    const status = await network!.canisterStatus(probe.canisterId, owner);
    expect(status.settings).toEqual({ controllers: [owner], ...SETTINGS });
    expect((await network!.canisterStatus(probe.canisterId, viewer)).settings.status_visibility).toEqual({ allowed_viewers: [viewer] });
    expect(await rejection(network!.canisterStatus(probe.canisterId, randomUser()))).toMatchObject({ code: 5, errorCode: 'IC0512' });
  });

  it('a timer set before the stop fires when its time comes', async () => {
    await network!.advanceTime(30_000);
    await network!.tick();
    expect(await actor().fired()).toEqual([]);
    await network!.advanceTime(30_000);
    await network!.tick();
    expect(await actor().fired()).toEqual(['after the restart']);
  });

  it('new updates work and build on the old state', async () => {
    expect(await actor().increment()).toBe(3n);
    await actor().put('gamma', 'three');
    expect(await actor().size()).toBe(3n);
  });

  it('only the controller still manages the canister', async () => {
    expect(await rejection(network!.stopCanister(probe.canisterId))).toMatchObject({ code: 5, errorCode: 'IC0512' });
    expect((await network!.canisterStatus(probe.canisterId, owner)).status).toEqual({ running: null });
  });

  it('a new canister gets a fresh id, not one given out before the restart', async () => {
    const fresh = await setupProbe(network!);
    expect(fresh.canisterId.toText()).not.toBe(probe.canisterId.toText());
    expect(await fresh.actor.get()).toBe(0n);
  });

  it('a second restart keeps what was done after the first one', async () => {
    await network!.stop();
    network = await reopen();
    expect(await actor().get()).toBe(3n);
    expect(await actor().lookup('gamma')).toEqual(['three']);
    expect(await actor().fired()).toEqual(['after the restart']);
    expect(await actor().increment()).toBe(4n);
    expect((await network!.canisterStatus(probe.canisterId, owner)).settings).toEqual({ controllers: [owner], ...SETTINGS });
  });

  it('a trap after the restart still rolls back', async () => {
    await rejection(actor().put_then_trap('doomed', 'x'));
    expect(await actor().get()).toBe(4n);
    expect(await actor().lookup('doomed')).toEqual([]);
  });
});

describe('checkpoint', () => {
  it('writes the state without stopping, so a copy opened from it sees the same data', async () => {
    await actor().put('checkpointed', 'yes');
    await network!.checkpoint();
    expect(await actor().lookup('checkpointed')).toEqual(['yes']);

    const copyDir = `${stateDir}-copy`;
    await cp(stateDir, copyDir, { recursive: true });
    const copy = await LocalNetwork.create({ stateDir: copyDir });
    try {
      const copied = copy.createActor<ProbeService>(idlFactory, probe.canisterId);
      expect(await copied.lookup('checkpointed')).toEqual(['yes']);
      expect(await copied.get()).toBe(await actor().get());
    } finally {
      await copy.stop();
    }
  });

  it('is refused for a network without a state directory', async () => {
    const volatile = await LocalNetwork.create();
    await expect(volatile.checkpoint()).rejects.toThrow(/stateDir/);
    await volatile.stop();
  });
});

describe('the state folder', () => {
  it('keeps the files others keep there (the dev Internet Identity its users) through checkpoint() and stop()', async () => {
    const users = '{ "users": ["zoe"] }\n';
    await writeFile(join(stateDir, 'internet-identity.json'), users);
    await mkdir(join(stateDir, 'other'));
    await writeFile(join(stateDir, 'other', 'notes.txt'), 'kept');
    await network!.checkpoint();
    expect(await readFile(join(stateDir, 'internet-identity.json'), 'utf8')).toBe(users);
    await network!.stop();
    network = await reopen();
    expect(await readFile(join(stateDir, 'internet-identity.json'), 'utf8')).toBe(users);
    expect(await readFile(join(stateDir, 'other', 'notes.txt'), 'utf8')).toBe('kept');
    // ...and the save left nothing of its own behind but its two parts.
    expect((await readdir(stateDir)).sort()).toEqual(['canisters', 'internet-identity.json', 'network.json', 'other']);
    expect(await actor().lookup('checkpointed')).toEqual(['yes']);
  });
});

describe('a save that a crash cut short', () => {
  let before: string;
  let after: string;

  /** A copy of the state folder as a checkpoint leaves it, with `saved` set to the value. */
  async function savedWith(value: string): Promise<string> {
    await actor().put('saved', value);
    await network!.checkpoint();
    const copy = `${stateDir}-${value}`;
    await cp(stateDir, copy, { recursive: true });
    return copy;
  }

  beforeAll(async () => {
    before = await savedWith('before');
    after = await savedWith('after');
  });

  /**
   * Lays out a state folder as a save from `before` to `after` leaves it where it stopped (each entry
   * copied from the saved folder named), opens it, and reads `saved` and what the folder then holds.
   */
  async function openCrashed(name: string, layout: Record<string, [from: 'before' | 'after', entry: string]>) {
    const dir = `${stateDir}-${name}`;
    await mkdir(dir);
    await writeFile(join(dir, 'internet-identity.json'), '{ "users": [] }\n');
    for (const [entry, [from, source]] of Object.entries(layout)) {
      await cp(join(from === 'before' ? before : after, source), join(dir, entry), { recursive: true });
    }
    const copy = await LocalNetwork.create({ stateDir: dir });
    try {
      const saved = await copy.createActor<ProbeService>(idlFactory, probe.canisterId).lookup('saved');
      return { saved, files: (await readdir(dir)).sort() };
    } finally {
      await copy.stop();
    }
  }

  const settled = ['canisters', 'internet-identity.json', 'network.json'];

  it('before the old canisters were moved aside, is undone: the previous state opens', async () => {
    const written = await openCrashed('written', {
      canisters: ['before', 'canisters'],
      'network.json': ['before', 'network.json'],
      'canisters.new': ['after', 'canisters'],
      'network.json.new': ['after', 'network.json'],
    });
    expect(written).toEqual({ saved: ['before'], files: settled });
  });

  it('with a half-written part, is undone', async () => {
    const dir = `${stateDir}-half`;
    await cp(before, dir, { recursive: true });
    await mkdir(join(dir, 'canisters.new'));
    await writeFile(join(dir, 'network.json.new'), '{ "for');
    const copy = await LocalNetwork.create({ stateDir: dir });
    try {
      expect(await copy.createActor<ProbeService>(idlFactory, probe.canisterId).lookup('saved')).toEqual(['before']);
      expect(await readdir(dir)).toEqual(await readdir(before));
    } finally {
      await copy.stop();
    }
  });

  it('once the old canisters were moved aside, is finished: the new state opens', async () => {
    const movedAside = await openCrashed('moved-aside', {
      'canisters.old': ['before', 'canisters'],
      'network.json': ['before', 'network.json'],
      'canisters.new': ['after', 'canisters'],
      'network.json.new': ['after', 'network.json'],
    });
    expect(movedAside).toEqual({ saved: ['after'], files: settled });
    const movedIn = await openCrashed('moved-in', {
      'canisters.old': ['before', 'canisters'],
      'network.json': ['before', 'network.json'],
      canisters: ['after', 'canisters'],
      'network.json.new': ['after', 'network.json'],
    });
    expect(movedIn).toEqual({ saved: ['after'], files: settled });
    const renamed = await openCrashed('renamed', {
      'canisters.old': ['before', 'canisters'],
      canisters: ['after', 'canisters'],
      'network.json': ['after', 'network.json'],
    });
    expect(renamed).toEqual({ saved: ['after'], files: settled });
  });
});

describe('a state folder saved before settings were kept', () => {
  /** A copy of the saved state with the probe's canister.json edited, opened; returns the probe's settings there. */
  async function settingsAfter(name: string, edit: (meta: Record<string, unknown>) => void) {
    await network!.checkpoint();
    const dir = `${stateDir}-${name}`;
    await cp(stateDir, dir, { recursive: true });
    const file = join(dir, 'canisters', probe.canisterId.toText(), 'canister.json');
    const meta = JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>;
    edit(meta);
    await writeFile(file, JSON.stringify(meta, null, 2));
    const copy = await LocalNetwork.create({ stateDir: dir });
    try {
      return (await copy.canisterStatus(probe.canisterId, owner)).settings;
    } finally {
      await copy.stop();
    }
  }

  it('saves them in canister.json', async () => {
    await settingsAfter('saved', (meta) => {
      expect(meta.settings).toMatchObject({
        freezing_threshold: '7200',
        status_visibility: { allowed_viewers: [viewer.toText()] },
        environment_variables: SETTINGS.environment_variables,
      });
    });
  });

  it('opens with the spec’s defaults where canister.json has no settings', async () => {
    const settings = await settingsAfter('no-settings', (meta) => delete meta.settings);
    expect(settings).toEqual({ controllers: [owner], ...SPEC_DEFAULTS });
  });

  it('opens with the default for each setting it lacks, and the saved value for the others', async () => {
    const settings = await settingsAfter('some-settings', (meta) => {
      const saved = meta.settings as Record<string, unknown>;
      delete saved.environment_variables;
      delete saved.log_memory_limit;
    });
    expect(settings).toEqual({ controllers: [owner], ...SETTINGS, environment_variables: [], log_memory_limit: 4096n });
  });
});
