// One replica's request of an outcall, over real HTTP on loopback: the headers come back as fetch gave them before,
// an oversized answer is refused as the replica refuses it, and a silent server times out.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { Reject, RejectCode } from '../../../src/localnet/errors.js';
import { OutcallTimeout, sendRequest } from '../../../src/localnet/management/http_client.js';

describe('an outcall request', () => {
  let server: Server;
  let base = '';
  const seen: { method?: string; body?: string; type?: string } = {};

  beforeAll(async () => {
    server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        if (request.url === '/silent') return;
        Object.assign(seen, { method: request.method, body: Buffer.concat(chunks).toString(), type: request.headers['content-type'] });
        response.writeHead(201, [
          ['X-B', '1'],
          ['x-a', '2'],
          ['X-B', '3'],
          ['Set-Cookie', 'z=1'],
          ['Set-Cookie', 'a=2'],
          ['Content-Type', 'text/plain'],
        ]);
        response.end(request.url === '/big' ? 'x'.repeat(5_000) : 'hello');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => server.close());

  it('sends the method, headers and body, and gives the status, body and headers as fetch iterates them', async () => {
    const answer = await sendRequest(
      `${base}/x`,
      'POST',
      [['Content-Type', 'application/json']],
      new TextEncoder().encode('{}'),
      10_000,
      5_000,
    );
    expect(seen).toEqual({ method: 'POST', body: '{}', type: 'application/json' });
    expect(answer.status).toBe(201n);
    expect(Buffer.from(answer.body).toString()).toBe('hello');
    const viaFetch: { name: string; value: string }[] = [];
    (await fetch(`${base}/x`, { method: 'POST', body: '{}' })).headers.forEach((value, name) => viaFetch.push({ name, value }));
    const names = ['content-type', 'set-cookie', 'x-a', 'x-b'];
    expect(answer.headers.filter((h) => names.includes(h.name))).toEqual(viaFetch.filter((h) => names.includes(h.name)));
    expect(answer.headers.filter((h) => h.name === 'x-b')).toEqual([{ name: 'x-b', value: '1, 3' }]);
  });

  it('refuses an answer past the byte limit with SYS_FATAL', async () => {
    const refused = await sendRequest(`${base}/big`, 'GET', [], undefined, 1_000, 5_000).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(Reject);
    expect((refused as Reject).code).toBe(RejectCode.SYS_FATAL);
  });

  it('times out on a server that never answers', async () => {
    await expect(sendRequest(`${base}/silent`, 'GET', [], undefined, 1_000, 200)).rejects.toBeInstanceOf(OutcallTimeout);
  });

  it('fails with the socket’s error when nothing listens', async () => {
    await expect(sendRequest('http://127.0.0.1:1/x', 'GET', [], undefined, 1_000, 5_000)).rejects.toThrow(/ECONNREFUSED/);
  });
});
