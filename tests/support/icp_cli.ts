// icp-cli, DFINITY's command line (the `icp` binary), run as a child process against a local network's gateway, the
// way a developer runs it against `npm start`. No vitest here, so scripts and benchmarks can use it too.
//
// Where the binary comes from: the devDependency @icp-sdk/icp-cli-linux-x64 ships it prebuilt at
// node_modules/@icp-sdk/icp-cli-linux-x64/bin/icp (its index.js exports that path as `binaryPath`). That package
// has no install script (the @icp-sdk/icp-cli wrapper only picks the platform package), so .npmrc's
// ignore-scripts=true costs nothing; icpBinary() restores the execute bit should an unpacker have dropped it, and
// names the package to add on another platform.
//
// Each IcpCli has its own HOME (a fresh temporary folder), so it starts with no identities, settings or caches and
// leaves nothing behind; telemetry is off (DO_NOT_TRACK=1) and the ICP_* variables of the calling shell are cleared.
// Identities are imported from PEM files and stored in plaintext (there is no keyring in CI).
//
//   const icp = await IcpCli.create();
//   const { principal } = await icp.importPem('alice', ed25519Pem().pem);
//   const reply = await icp.call({ network: url, canister: id, method: 'whoami', candid: 'tests/fixtures/probe/probe.did',
//                                  identity: 'alice', query: true });           // '(principal "…")'
//   await icp.run(['canister', 'status', id, '-n', url, '-k', 'fetch', '--identity', 'alice']);
//   await icp.dispose();
//
// `-k fetch` makes icp read the root key from the network's /api/v2/status, which a local network needs.
import { Ed25519KeyIdentity } from '@dfinity/identity';
import { execFile } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { accessSync, chmodSync, constants, existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const PLATFORM_PACKAGE = `@icp-sdk/icp-cli-${process.platform}-${process.arch}`;

/** The path of the `icp` binary from the platform package, made executable if it is not. */
export function icpBinary(): string {
  const require = createRequire(import.meta.url);
  let binary: string;
  try {
    binary = (require(PLATFORM_PACKAGE) as { binaryPath: string }).binaryPath;
  } catch {
    throw new Error(`icp-cli is not installed for ${process.platform}-${process.arch}: npm install -D ${PLATFORM_PACKAGE}@1.5.0`);
  }
  if (!existsSync(binary)) throw new Error(`${PLATFORM_PACKAGE} has no binary at ${binary}`);
  try {
    accessSync(binary, constants.X_OK);
  } catch {
    chmodSync(binary, 0o755);
  }
  return binary;
}

export type IcpResult = { stdout: string; stderr: string; code: number };

export type IcpCall = {
  /** The gateway's URL, e.g. http://127.0.0.1:4943. */
  network: string;
  canister: string;
  method: string;
  /** Candid text of the arguments, with the parentheses: '()', '(record { owner = principal "…" })'. */
  args?: string;
  /** A .did file, so icp neither fetches the interface nor guesses argument types. */
  candid?: string;
  identity?: string;
  /** A query call (--query) instead of an update. */
  query?: boolean;
};

/** A fresh Ed25519 key as a PKCS#8 PEM, and the same key as an @dfinity/identity identity. */
export function ed25519Pem(): { pem: string; identity: Ed25519KeyIdentity } {
  const { privateKey } = generateKeyPairSync('ed25519');
  const pem = privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
  const seed = Buffer.from(privateKey.export({ format: 'jwk' }).d!, 'base64url');
  return { pem, identity: Ed25519KeyIdentity.fromSecretKey(new Uint8Array(seed)) };
}

export class IcpCli {
  private constructor(
    readonly binary: string,
    /** The temporary HOME icp keeps its state in. */
    readonly home: string,
  ) {}

  static async create(): Promise<IcpCli> {
    return new IcpCli(icpBinary(), await mkdtemp(join(tmpdir(), 'icp-cli-home-')));
  }

  /** Runs `icp <args>`; rejects with its output when it exits non-zero, unless allowFailure. */
  run(args: string[], { allowFailure = false, timeoutMs = 60_000 } = {}): Promise<IcpResult> {
    const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: this.home, DO_NOT_TRACK: '1', NO_COLOR: '1' };
    return new Promise((resolve, reject) => {
      execFile(this.binary, args, { cwd: this.home, env, timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        if (code !== 0 && !allowFailure) {
          reject(new Error(`icp ${args.join(' ')} exited with ${error?.code ?? code}:\n${stderr}${stdout}`));
        } else {
          resolve({ stdout, stderr, code });
        }
      });
    });
  }

  /** `icp identity import <name> --from-pem …` (plaintext storage); returns the identity's principal as icp reports it. */
  async importPem(name: string, pem: string): Promise<{ principal: string }> {
    const file = join(this.home, `${name}.pem`);
    await writeFile(file, pem, { mode: 0o600 });
    await this.run(['identity', 'import', name, '--storage', 'plaintext', '--from-pem', file]);
    const { stdout } = await this.run(['identity', 'principal', '--identity', name]);
    return { principal: stdout.trim() };
  }

  /** `icp canister call` against a network by URL (root key fetched); returns the Candid text of the reply. */
  async call({ network, canister, method, args = '()', candid, identity, query }: IcpCall): Promise<string> {
    const flags = ['-n', network, '-k', 'fetch'];
    if (candid) flags.push('--candid', candid);
    if (identity) flags.push('--identity', identity);
    if (query) flags.push('--query');
    const { stdout } = await this.run(['canister', 'call', canister, method, args, ...flags]);
    return stdout.trim();
  }

  async dispose(): Promise<void> {
    await rm(this.home, { recursive: true, force: true });
  }
}
