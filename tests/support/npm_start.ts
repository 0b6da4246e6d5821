// `npm start` (src/localnet/cli.ts) as a child process, the way a person starts it in a terminal: in a folder of
// its own (where it writes .env, .dfx/local/canister_ids.json and models/), with a state folder and a port of its
// own, so it never meets a developer's network on 4943. Used by the system tests' global setup
// (tests/system/setup.ts: one started system per test run) and by tests/integration/start/npm_start.test.ts
// (its own starts, for what needs a process's whole life: restarts, Ctrl-C, SIGKILL, a taken port).
// No vitest here, so scripts can use it too.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** The project's root (package.json, src/, candid/). */
export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
/** tsx's loader by absolute URL, since these processes run from temporary folders. */
export const TSX = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
/** What npm start prints once everything is up. */
export const READY = 'Press Ctrl-C to stop.';

/** A port nothing listens on right now. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

export type NpmStart = {
  child: ChildProcess;
  /** Everything it printed so far, stdout and stderr interleaved. */
  output: () => string;
  /** Ctrl-C: resolves with its exit code once it (and so its workers) stopped. */
  stop: () => Promise<number | null>;
};

export type StartOptions = {
  /** The folder it runs in. */
  cwd: string;
  port: number;
  /** The state folder (--state); `<cwd>/state` unless given. */
  state?: string;
  /** Further arguments: --bare, --clean. */
  extra?: string[];
  /** A file that gets a copy of everything it prints, for as long as it runs. */
  logFile?: string;
  /** How long to wait for READY (ms). */
  timeoutMs?: number;
};

/** Starts npm start and resolves once it printed READY; rejects with its output if it exits or times out first. */
export function startNpmStart({
  cwd,
  port,
  state = join(cwd, 'state'),
  extra = [],
  logFile,
  timeoutMs = 240_000,
}: StartOptions): Promise<NpmStart> {
  const child = spawn(
    process.execPath,
    ['--import', TSX, join(ROOT, 'src/localnet/cli.ts'), '--port', String(port), '--state', state, ...extra],
    { cwd, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const log = logFile === undefined ? undefined : createWriteStream(logFile, { flags: 'a' });
  let output = '';
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => {
      log?.end();
      resolve(code);
    }),
  );
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGINT');
    return exited;
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`npm start was not ready after ${timeoutMs} ms:\n${output}`));
    }, timeoutMs);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      log?.write(chunk);
      if (output.includes(READY)) {
        clearTimeout(timer);
        resolve({ child, output: () => output, stop });
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`npm start exited with ${code}:\n${output}`));
    });
  });
}

/** The processes `parent` started (npm start's workers). */
export function childrenOf(parent: ChildProcess): number[] {
  try {
    return execFileSync('ps', ['-o', 'pid=', '--ppid', String(parent.pid)], { encoding: 'utf8' })
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map(Number);
  } catch {
    return []; // ps exits 1 when there are none
  }
}

export const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** Waits up to `ms` for every process to be gone. */
export async function gone(pids: number[], ms = 15_000): Promise<boolean> {
  for (const started = Date.now(); Date.now() - started < ms; await new Promise((resolve) => setTimeout(resolve, 100))) {
    if (!pids.some(alive)) return true;
  }
  return false;
}
