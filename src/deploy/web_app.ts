// Uploads the built web app (dist/frontend) and the network's env.json into an asset canister, with DFINITY's upload
// client (@dfinity/assets' AssetManager, which speaks the standard asset canister interface: create_batch,
// create_chunk, commit_batch), so the same code would upload into DFINITY's asset canister. Only what changed goes
// up: each file's encodings are compared by sha256 with the canister's `list`, and files no longer built are
// deleted, all in one batch, which the canister commits whole or not at all. Text files also go up gzipped when
// that is smaller, so the canister serves browsers the compressed encoding (certified as it is served).
import { AssetManager } from '@dfinity/assets';
import type { HttpAgent } from '@dfinity/agent';
import type { Principal } from '@dfinity/principal';
import { sha256 } from '@noble/hashes/sha2';
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { extname, join, posix, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

/** Where `npm run build` puts the web app (dfx.json's `source` of the frontend canister). */
export const WEB_APP_DIR = fileURLToPath(new URL('../../dist/frontend', import.meta.url));
/** The dfx.json name of the web app's asset canister. */
export const WEB_APP_CANISTER = 'frontend';

export type Encoding = { name: 'identity' | 'gzip'; content: Uint8Array; sha256: Uint8Array };
export type WebAppFile = { key: string; contentType: string; headers: [string, string][]; encodings: Encoding[] };
/** What the canister's `list` says of an asset. */
export type Listed = { key: string; content_type: string; encodings: { content_encoding: string; sha256: [] | [Uint8Array] }[] };

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.map': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
  '.xml': 'application/xml',
  '.wasm': 'application/wasm',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.webmanifest': 'application/manifest+json',
};

export function contentTypeOf(key: string): string {
  return TYPES[extname(key).toLowerCase()] ?? 'application/octet-stream';
}

const compressible = (contentType: string) =>
  /^(text\/|application\/(json|javascript|xml|wasm|manifest\+json)|image\/svg\+xml)/.test(contentType);

/**
 * Vite names what it builds under /assets/ by a hash of the content, so those never change and may be cached for
 * good; the rest (index.html, env.json) must be asked for again each time.
 */
export function cacheControlOf(key: string): string {
  return key.startsWith('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache';
}

/** A file as it is served: identity, plus gzip where the type compresses and the result is smaller. */
export function webAppFile(key: string, content: Uint8Array): WebAppFile {
  const contentType = contentTypeOf(key);
  const encodings: Encoding[] = [{ name: 'identity', content, sha256: sha256(content) }];
  if (compressible(contentType)) {
    // Node's gzip writes no time or name into its header, so the same file always gives the same bytes (and hash).
    const gzip = new Uint8Array(gzipSync(content, { level: 9 }));
    if (gzip.length < content.length) encodings.push({ name: 'gzip', content: gzip, sha256: sha256(gzip) });
  }
  return { key, contentType, headers: [['cache-control', cacheControlOf(key)]], encodings };
}

/** The files of `dir` (dot files and folders, such as vite's .vite/ manifest, left out) and env.json. */
export async function readWebApp(dir: string, env: Record<string, string>): Promise<WebAppFile[]> {
  if (!existsSync(join(dir, 'index.html'))) throw new Error(`${dir} has no index.html: run \`npm run build\` first`);
  const files: WebAppFile[] = [];
  const walk = async (folder: string): Promise<void> => {
    for (const entry of (await readdir(folder, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name))) {
      if (entry.name.startsWith('.')) continue;
      const path = join(folder, entry.name);
      if (entry.isDirectory()) await walk(path);
      else if (entry.isFile()) files.push(webAppFile(`/${relative(dir, path).split(sep).join('/')}`, new Uint8Array(await readFile(path))));
    }
  };
  await walk(dir);
  const envJson = webAppFile('/env.json', new TextEncoder().encode(`${JSON.stringify(env, null, 2)}\n`));
  return [...files.filter((f) => f.key !== '/env.json'), envJson];
}

/** The configuration the app reads at run time (src/frontend/lib/config.ts), with dfx's names. */
export function webAppEnv(network: string, host: string, ids: Record<string, Principal>): Record<string, string> {
  return {
    DFX_NETWORK: network,
    IC_HOST: host,
    ...Object.fromEntries(Object.entries(ids).map(([name, id]) => [`CANISTER_ID_${name.toUpperCase()}`, id.toText()])),
  };
}

export type UploadPlan = {
  /** Files to upload (new, or changed in content, type or encodings). */
  upload: WebAppFile[];
  /** Keys to delete first: gone from the build, or changed in type or encodings (then uploaded anew). */
  remove: string[];
  unchanged: string[];
};

/** What must change in the canister, from its `list` and the files: an asset is unchanged when every encoding's sha256 is. */
export function planUpload(files: WebAppFile[], listed: Listed[]): UploadPlan {
  const remote = new Map(listed.map((asset) => [asset.key, asset]));
  const plan: UploadPlan = { upload: [], remove: [], unchanged: [] };
  for (const file of files) {
    const there = remote.get(file.key);
    remote.delete(file.key);
    if (there === undefined) {
      plan.upload.push(file);
      continue;
    }
    const hashes = new Map(there.encodings.map((e) => [e.content_encoding, e.sha256[0]]));
    const same =
      there.content_type === file.contentType &&
      hashes.size === file.encodings.length &&
      file.encodings.every((e) => {
        const hash = hashes.get(e.name);
        return hash !== undefined && Buffer.compare(Buffer.from(hash), Buffer.from(e.sha256)) === 0;
      });
    if (same) {
      plan.unchanged.push(file.key);
    } else {
      plan.remove.push(file.key);
      plan.upload.push(file);
    }
  }
  plan.remove.push(...remote.keys());
  return plan;
}

export type UploadResult = { uploaded: string[]; removed: string[]; unchanged: number; bytes: number };

/**
 * Brings the asset canister in line with `dir` and `env`: one batch (chunks, then one commit_batch), signed by the
 * agent's identity, which must be a controller of the canister (or authorized by one).
 */
export async function uploadWebApp(options: {
  agent: HttpAgent;
  canisterId: Principal;
  dir?: string;
  env: Record<string, string>;
  log?: (line: string) => void;
}): Promise<UploadResult> {
  const { agent, canisterId, env, dir = WEB_APP_DIR, log = () => undefined } = options;
  const files = await readWebApp(dir, env);
  const manager = new AssetManager({ agent, canisterId, concurrency: 4 });
  const plan = planUpload(files, (await manager.list()) as Listed[]);
  const gone = plan.remove.filter((key) => !plan.upload.some((f) => f.key === key));
  if (plan.upload.length === 0 && plan.remove.length === 0) {
    log(`the web app's ${plan.unchanged.length} files are up to date`);
    return { uploaded: [], removed: [], unchanged: plan.unchanged.length, bytes: 0 };
  }

  const batch = manager.batch();
  for (const key of plan.remove) batch.delete(key);
  let bytes = 0;
  for (const file of plan.upload) {
    const path = posix.dirname(file.key);
    for (const encoding of file.encodings) {
      bytes += encoding.content.length;
      await batch.store(encoding.content, {
        fileName: posix.basename(file.key),
        path: path === '/' ? '' : path,
        contentType: file.contentType,
        contentEncoding: encoding.name,
        sha256: encoding.sha256,
        headers: file.headers,
      });
    }
  }
  await batch.commit();
  log(
    `uploaded ${plan.upload.length} file(s) (${(bytes / 1024).toFixed(1)} KB), deleted ${gone.length}, ${plan.unchanged.length} unchanged`,
  );
  return { uploaded: plan.upload.map((f) => f.key), removed: gone, unchanged: plan.unchanged.length, bytes };
}
