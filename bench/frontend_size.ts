// The web app's first page: its size gzipped and the time Chromium takes to load it from the local network.
//
// Size: index.html, the entry's JS and CSS with everything they import, and the default page (Models) with its own
// chunks, as the browser fetches them on a first visit, from the manifest of the build
// (dist/frontend/.vite/manifest.json).
//
// Load time (unless --size-only): a local network in this process with the suite deployed and the app uploaded to
// its asset canister as npm start does, served through the HTTP gateway at http://<id>.localhost:<port>/ (every
// response verified there); the baseline is the same files (gzip variants included) from a plain static Node
// server, with the same env.json, so the app makes the same calls to the same network. Each run is a fresh browser
// context (cold cache): the time from navigation to the Models page's heading, and the load event. Chromium is
// Debian's (/usr/bin/chromium, or CHROMIUM=<path>) driven by playwright-core; no browser is downloaded.
// Budget (DESIGN.md): under 300 KB gzipped and under 1 s.
//   npm run bench:frontend [-- --runs 5] [-- --size-only]
import { HttpAgent } from '@dfinity/agent';
import { Ed25519KeyIdentity } from '@dfinity/identity';
import { existsSync, readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';
import { chromium } from 'playwright-core';

import { deploySuite } from '../src/deploy/suite.js';
import { localTarget } from '../src/deploy/target.js';
import { readWebApp, uploadWebApp, WEB_APP_CANISTER, WEB_APP_DIR, webAppEnv, type WebAppFile } from '../src/deploy/web_app.js';
import { installInternetIdentity } from '../src/localnet/gateway/internet_identity.js';
import { Gateway } from '../src/localnet/gateway/server.js';
import { LocalNetwork } from '../src/localnet/index.js';
import { fmt, percentile } from './report.js';

const { values } = parseArgs({
  options: { runs: { type: 'string', default: '5' }, 'size-only': { type: 'boolean', default: false } },
});
const DIST = WEB_APP_DIR;
const BUDGET_BYTES = 300 * 1024;
const BUDGET_MS = 1000;
const FIRST_PAGE = 'pages/Models.svelte';
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';

type Chunk = { file: string; imports?: string[]; css?: string[]; isEntry?: boolean; src?: string };

const manifestFile = join(DIST, '.vite/manifest.json');
if (!existsSync(manifestFile)) {
  console.error(`no ${manifestFile}: run npm run build (or npm run build:frontend) first`);
  process.exit(1);
}
const manifest = JSON.parse(readFileSync(manifestFile, 'utf8')) as Record<string, Chunk>;

const files = new Set<string>(['index.html']);
const visit = (key: string, seen = new Set<string>()): void => {
  if (seen.has(key)) return;
  seen.add(key);
  const chunk = manifest[key];
  if (!chunk) throw new Error(`the manifest has no ${key}`);
  files.add(chunk.file);
  for (const css of chunk.css ?? []) files.add(css);
  for (const imported of chunk.imports ?? []) visit(imported, seen);
};
const entry = Object.keys(manifest).find((key) => manifest[key].isEntry);
if (entry === undefined) throw new Error('the manifest names no entry');
visit(entry);
visit(FIRST_PAGE);

const rows = [...files].map((file) => {
  const bytes = readFileSync(join(DIST, file));
  return { file, bytes: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length };
});
const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;
console.table(rows.map((r) => ({ file: r.file, raw: kb(r.bytes), gzip: kb(r.gzip) })));
const total = rows.reduce((sum, r) => sum + r.gzip, 0);
const raw = rows.reduce((sum, r) => sum + r.bytes, 0);
console.log(
  `first page (index.html + entry + ${FIRST_PAGE}): ${kb(total)} gzipped (${kb(raw)} raw), budget ${kb(BUDGET_BYTES)}: ${total <= BUDGET_BYTES ? 'within' : 'OVER'}`,
);
if (values['size-only']) process.exit(0);

if (!existsSync(CHROMIUM)) {
  console.error(`no Chromium at ${CHROMIUM} (apt-get install chromium, or CHROMIUM=<path>); the load time needs one`);
  process.exit(1);
}
const runs = Number(values.runs);

// The network as npm start has it: the suite deployed, the app uploaded with env.json, the dev Internet Identity.
console.log('\nDeploying the suite and uploading the app to a local network…');
const network = await LocalNetwork.create({ autoTime: true });
const gateway = new Gateway(network);
installInternetIdentity(gateway);
const url = await gateway.listen({ host: '127.0.0.1', port: 0 });
const deployer = Ed25519KeyIdentity.generate();
const dfx = JSON.parse(readFileSync('dfx.json', 'utf8')) as { canisters: Record<string, unknown> };
const { ids } = await deploySuite(localTarget(network, deployer.getPrincipal()), {
  names: Object.keys(dfx.canisters),
  deployer: deployer.getPrincipal(),
  faucet: true,
});
const env = webAppEnv('local', url, ids);
const agent = await HttpAgent.create({ host: url, identity: deployer, shouldFetchRootKey: true });
const upload = await uploadWebApp({ agent, canisterId: ids[WEB_APP_CANISTER], env });
console.log(`uploaded ${upload.uploaded.length} files (${kb(upload.bytes)} with gzip variants)`);

// The baseline: the same files, encodings and headers from a plain static server.
const baseline = await staticServer(await readWebApp(DIST, env));
const baselineUrl = `http://127.0.0.1:${(baseline.address() as AddressInfo).port}/`;
const { port } = new URL(url);
const canisterUrl = `http://${ids[WEB_APP_CANISTER].toText()}.localhost:${port}/`;

const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
type Sample = { shown: number; load: number; transferred: number; requests: number };
async function measure(target: string): Promise<Sample> {
  const context = await browser.newContext();
  const page = await context.newPage();
  const failures: string[] = [];
  page.on('response', (response) => {
    if (response.status() >= 400) failures.push(`${response.status()} ${response.url()}`);
  });
  const started = performance.now();
  await page.goto(target, { waitUntil: 'load' });
  const load = performance.now() - started;
  await page.getByRole('heading', { name: 'Models' }).waitFor({ timeout: 30_000 });
  const shown = performance.now() - started;
  const transfer = await page.evaluate(() =>
    (performance.getEntriesByType('resource') as PerformanceResourceTiming[])
      .concat(performance.getEntriesByType('navigation') as PerformanceResourceTiming[])
      .filter((e) => !e.name.includes('/api/'))
      .map((e) => e.encodedBodySize),
  );
  await context.close();
  if (failures.length > 0) throw new Error(`${target}: ${failures.join(', ')}`);
  return { shown, load, transferred: transfer.reduce((a, b) => a + b, 0), requests: transfer.length };
}

// Where the gateway's time goes, server side, for the files it serves from the asset canister (not /api calls):
// the whole request (query, verification, sending), the canister's http_request queries in it (their data
// certificate included), and how many state trees the network signed for them.
const serverSide = { files: 0, ms: 0, queryMs: 0, signed: 0 };
const viaGateway = gateway as unknown as { handle(request: IncomingMessage, response: ServerResponse): Promise<void> };
const handle = viaGateway.handle.bind(gateway);
viaGateway.handle = async (request, response) => {
  const started = performance.now();
  const file = /\.localhost(:\d+)?$/.test(request.headers.host ?? '');
  try {
    await handle(request, response);
  } finally {
    if (file) {
      serverSide.files++;
      serverSide.ms += performance.now() - started;
    }
  }
};
const runQuery = network.runQuery.bind(network);
network.runQuery = (options) => {
  const started = performance.now();
  try {
    return runQuery(options);
  } finally {
    if (options.method.startsWith('http_request')) serverSide.queryMs += performance.now() - started;
  }
};

const results: Record<string, Sample[]> = { 'asset canister (gateway)': [], 'static server (baseline)': [] };
// One warm-up each (Chromium's own start, the gateway's first verification), then alternating runs.
await measure(canisterUrl);
await measure(baselineUrl);
Object.assign(serverSide, { files: 0, ms: 0, queryMs: 0, signed: network.certifiedState.signed });
for (let i = 0; i < runs; i++) {
  results['asset canister (gateway)'].push(await measure(canisterUrl));
  results['static server (baseline)'].push(await measure(baselineUrl));
}
await browser.close();

const median = (list: number[]) =>
  percentile(
    [...list].sort((a, b) => a - b),
    50,
  );
const summary = Object.entries(results).map(([server, samples]) => ({
  server,
  'first page shown (median ms)': fmt(median(samples.map((s) => s.shown))),
  'load event (median ms)': fmt(median(samples.map((s) => s.load))),
  'max shown (ms)': fmt(Math.max(...samples.map((s) => s.shown))),
  transferred: kb(samples[0].transferred),
  requests: samples[0].requests,
}));
console.log(`\n${canisterUrl} against ${baselineUrl}, ${runs} cold loads each in Chromium (${browser.version()}):`);
console.table(summary);
const shown = median(results['asset canister (gateway)'].map((s) => s.shown));
const base = median(results['static server (baseline)'].map((s) => s.shown));
console.log(
  `first page from the asset canister: ${fmt(shown)} ms (budget ${BUDGET_MS} ms: ${shown <= BUDGET_MS ? 'within' : 'OVER'}), ` +
    `${(shown / base).toFixed(2)}x the static server's ${fmt(base)} ms`,
);
const perFile = (ms: number) => (ms / Math.max(1, serverSide.files)).toFixed(1);
console.log(
  `gateway, server side: ${serverSide.files} files in ${runs} loads, ${perFile(serverSide.ms)} ms per file ` +
    `(canister queries with their data certificate ${perFile(serverSide.queryMs)} ms, the rest verification and sending); ` +
    `${network.certifiedState.signed - serverSide.signed} state certificates signed`,
);

baseline.close();
await gateway.close();
await network.stop();

/** The files as the asset canister serves them: same encodings (gzip when accepted), types and cache headers. */
function staticServer(app: WebAppFile[]): Promise<Server> {
  const byKey = new Map(app.map((file) => [file.key, file]));
  const server = createServer((request, response) => {
    const path = decodeURIComponent((request.url ?? '/').split('?')[0]);
    const file = byKey.get(path === '/' ? '/index.html' : path) ?? byKey.get('/index.html')!;
    const gzip = /\bgzip\b/.test(String(request.headers['accept-encoding'] ?? ''))
      ? file.encodings.find((e) => e.name === 'gzip')
      : undefined;
    const encoding = gzip ?? file.encodings[0];
    response.writeHead(200, {
      'content-type': file.contentType,
      ...(gzip ? { 'content-encoding': 'gzip', vary: 'accept-encoding' } : {}),
      ...Object.fromEntries(file.headers),
      'content-length': encoding.content.length,
    });
    response.end(encoding.content);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}
