// The web app's build: Svelte 5 through @sveltejs/vite-plugin-svelte, rooted here, built into dist/frontend.
// Configuration at build time comes from the repository's .env (npm start writes DFX_NETWORK, IC_HOST and
// CANISTER_ID_<NAME> there, as dfx does); at run time an env.json next to index.html wins (lib/config.ts).
// The dev server serves that env.json itself, read from .env on each request, so a restarted network is picked up.
import { svelte, vitePreprocess } from '@sveltejs/vite-plugin-svelte';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig, loadEnv, type Plugin } from 'vite';

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, '../..');
const ENV_PREFIXES = ['VITE_', 'CANISTER_ID_', 'DFX_NETWORK', 'IC_HOST', 'II_URL'];

/** GET /env.json in the dev server: the .env values the app reads at run time. */
function devEnvJson(): Plugin {
  return {
    name: 'dev-env-json',
    apply: 'serve',
    configureServer(server) {
      server.middlewares.use('/env.json', (_request, response) => {
        const env = existsSync(resolve(repo, '.env')) ? loadEnv('development', repo, ENV_PREFIXES) : {};
        response.setHeader('content-type', 'application/json');
        response.setHeader('cache-control', 'no-store');
        response.end(JSON.stringify(env));
      });
    },
  };
}

export default defineConfig({
  root: here,
  // Relative asset URLs: the app works from any path (an asset canister's root, or a sub-path of a gateway).
  base: './',
  // `npm run build` builds without .env (WEB_APP_DOTENV=off, scripts/build/web_app.ts): the app served by the asset
  // canister reads env.json, so one bundle serves any network. dfx.json's build step (build:frontend:dfx) also builds
  // without .env: vite still takes DFX_NETWORK and CANISTER_ID_<NAME> from the environment dfx gives build commands.
  envDir: process.env.WEB_APP_DOTENV === 'off' ? false : repo,
  envPrefix: ENV_PREFIXES,
  plugins: [svelte({ preprocess: vitePreprocess() }), devEnvJson()],
  build: {
    outDir: resolve(repo, 'dist/frontend'),
    emptyOutDir: true,
    target: 'es2022',
    // Source maps stay out of what an asset canister would serve.
    sourcemap: false,
    reportCompressedSize: true,
    // dist/frontend/.vite/manifest.json: which files each page loads (bench/frontend_size.ts sums the first page's).
    manifest: true,
    rollupOptions: {
      // Chunks under 4 KB are merged into their importers: each file is one request through the HTTP gateway, which
      // verifies every response (a certificate check each), so the first page's dozen tiny chunks cost more than
      // their bytes (npm run bench:frontend).
      output: { experimentalMinChunkSize: 4096 },
    },
  },
  server: { port: 5173, strictPort: false },
});
