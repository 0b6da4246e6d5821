// A `fetch` for tests that call canisters through the local gateway at http://<id>.localhost:<port>/, as browsers
// do: browsers send every *.localhost name to the loopback address, Node's resolver finds none of them. Same shape as
// the global fetch, so the `openai` client takes it too (`new OpenAI({ fetch: localhostFetch, ... })`).
import { request as httpRequest } from 'node:http';
import type { LookupFunction } from 'node:net';

/** *.localhost is the loopback address; any other name is refused, so a test never leaves the machine by mistake. */
const loopback: LookupFunction = (hostname, options, callback) => {
  if (hostname === 'localhost' || hostname.endsWith('.localhost')) {
    if (options.all) (callback as (e: null, a: { address: string; family: number }[]) => void)(null, [{ address: '127.0.0.1', family: 4 }]);
    else callback(null, '127.0.0.1', 4);
    return;
  }
  callback(new Error(`localhostFetch reaches only *.localhost, not ${hostname}`), '', 4);
};

// Statuses whose Response may carry no body.
const NO_BODY = new Set([101, 204, 205, 304]);

export const localhostFetch: typeof fetch = async (input, init) => {
  const request = new Request(input, init);
  const body = request.body === null ? undefined : Buffer.from(await request.arrayBuffer());
  const headers: Record<string, string> = {};
  request.headers.forEach((value, name) => (headers[name] = value));
  return new Promise<Response>((resolve, reject) => {
    const sent = httpRequest(request.url, { method: request.method, headers, lookup: loopback }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('error', reject);
      res.on('end', () => {
        const headers = new Headers();
        for (const [name, value] of Object.entries(res.headers))
          for (const one of Array.isArray(value) ? value : value === undefined ? [] : [value]) headers.append(name, one);
        const status = res.statusCode ?? 0;
        resolve(new Response(NO_BODY.has(status) ? null : Buffer.concat(chunks), { status, statusText: res.statusMessage, headers }));
      });
    });
    sent.on('error', reject);
    request.signal.addEventListener('abort', () => sent.destroy(request.signal.reason as Error));
    sent.end(body);
  });
};
