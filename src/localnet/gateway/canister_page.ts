// GET /_/canister?canisterId=<id>: a plain page about one canister (status, module hash, controllers,
// cycles), the URL `npm start` prints for each canister. `/?canisterId=<id>` belongs to the canister
// itself (its http_request, through the HTTP gateway); /_/ is where the network keeps its own pages.
import { Principal } from '@dfinity/principal';
import type { IncomingMessage, ServerResponse } from 'node:http';

import type { Gateway } from './server.js';

export const CANISTER_PAGE = '/_/canister';

export function installCanisterPage(gateway: Gateway): void {
  gateway.pages.set('/', (request: IncomingMessage, response: ServerResponse) => {
    const base = `http://${request.headers.host ?? 'localhost'}`;
    response.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
    response.end(
      'Local ICP network. A canister serves its own pages at http://<id>.localhost:<port>/ or ' +
        `${base}/?canisterId=<id>; ${base}${CANISTER_PAGE}?canisterId=<id> shows its status.`,
    );
  });
  gateway.pages.set(CANISTER_PAGE, (request: IncomingMessage, response: ServerResponse) => {
    const param = new URL(request.url ?? '/', 'http://localhost').searchParams.get('canisterId');
    let canister;
    try {
      canister = param ? gateway.network.scheduler.canister(Principal.fromText(param)) : undefined;
    } catch {
      canister = undefined;
    }
    if (!canister) {
      response.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
      response.end(param ? `No canister ${param} on this network.` : `Add ?canisterId=<id> to ${CANISTER_PAGE} to see a canister.`);
      return;
    }
    const rows: [string, string][] = [
      ['canister id', canister.id.toText()],
      ['status', canister.status],
      ['module hash', canister.module ? `0x${Buffer.from(canister.module.hash).toString('hex')}` : '(empty)'],
      ['controllers', canister.controllers.map((c) => c.toText()).join(', ')],
      ['cycles', canister.cycles.toLocaleString('en-US')],
      ['version', canister.version.toString()],
    ];
    const escape = (text: string) => text.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
    response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    response.end(
      `<!doctype html><meta charset="utf-8"><title>${escape(canister.id.toText())}</title>` +
        '<style>body{font:15px system-ui;margin:2rem}td{padding:.2rem 1rem .2rem 0}td:first-child{color:#666}</style>' +
        `<h1>Canister</h1><table>${rows.map(([k, v]) => `<tr><td>${k}</td><td><code>${escape(v)}</code></td></tr>`).join('')}</table>` +
        `<p>Call it with an agent: <code>new HttpAgent({ host: '${escape(`http://${request.headers.host ?? ''}`)}', shouldFetchRootKey: true })</code>.</p>`,
    );
  });
}
