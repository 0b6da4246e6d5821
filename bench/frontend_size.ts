// The web app's first page, gzipped: index.html, the entry's JS and CSS with everything they import, and the
// default page (Models) with its own chunks, as the browser fetches them on a first visit. Reads the manifest of
// `npm run build:frontend` (dist/frontend/.vite/manifest.json); the budget is 300 KB (DESIGN.md, Budgets).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

const DIST = 'dist/frontend';
const BUDGET = 300 * 1024;
const FIRST_PAGE = 'pages/Models.svelte';

type Chunk = { file: string; imports?: string[]; css?: string[]; isEntry?: boolean; src?: string };

const manifestFile = join(DIST, '.vite/manifest.json');
if (!existsSync(manifestFile)) {
  console.error(`no ${manifestFile}: run npm run build:frontend first`);
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
console.log(`first page (index.html + entry + ${FIRST_PAGE}): ${kb(total)} gzipped (${kb(raw)} raw), budget ${kb(BUDGET)}: ${total <= BUDGET ? 'within' : 'OVER'}`);
