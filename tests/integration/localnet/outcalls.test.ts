// HTTPS outcalls through the management canister against a local HTTP server: one request per replica
// when replicated, one when not, agreement on the transformed response, the response size limit, the
// refusal of plain http to anything but loopback (and of PUT, DELETE and PATCH when replicated), and the cycles
// they cost.
import { IDL } from '@dfinity/candid';
import { Principal } from '@dfinity/principal';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import { LocalNetwork } from '../../../src/localnet/index.js';
import { HttpRequestArgs } from '../../../src/localnet/management/types.js';
import { type Probe, setupProbe } from './probe.js';

const GREETING = 'hello from the local server';
const BIG_BODY = 'x'.repeat(5000);

let server: Server;
let base: string;
let requests: string[] = [];
let counter = 0;

let network: LocalNetwork;
let probe: Probe;

function handle(request: IncomingMessage, response: ServerResponse): void {
  requests.push(request.url ?? '');
  // A header that differs on every answer: the probe's transform drops headers, so replicas still agree.
  response.setHeader('x-request-number', String(requests.length));
  if (request.url === '/hello') response.end(GREETING);
  else if (request.url === '/counter') response.end(`count ${++counter}`);
  else if (request.url === '/big') response.end(BIG_BODY);
  else if (request.url === '/teapot') {
    response.statusCode = 418;
    response.end('short and stout');
  } else {
    response.statusCode = 404;
    response.end('not found');
  }
}

/** What the probe pays for a fetch of `url` with the given max_response_bytes, by the IC's formula. */
function outcallCost(url: string, maxResponseBytes: bigint, nodes = 13n): bigint {
  // Request bytes: the url, the headers and body (none), and the transform's method name and context.
  const requestBytes = BigInt(Buffer.byteLength(url) + 'transform'.length);
  return (3_000_000n + 60_000n * nodes) * nodes + 400n * nodes * requestBytes + 800n * nodes * maxResponseBytes;
}

beforeAll(async () => {
  server = createServer(handle);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  network = await LocalNetwork.create();
  probe = await setupProbe(network);
});

afterAll(async () => {
  await network?.stop();
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve));
});

beforeEach(() => {
  requests = [];
});

describe('a replicated outcall', () => {
  it('sends one request per replica (13) and hands the canister the agreed status and body', async () => {
    const result = await probe.actor.fetch(`${base}/hello`, true, [1000n]);
    expect(result).toEqual({ Ok: { status: 200n, body: GREETING } });
    expect(requests).toEqual(Array(13).fill('/hello'));
  });

  it('passes a status other than 200 through unchanged', async () => {
    const result = await probe.actor.fetch(`${base}/teapot`, true, [1000n]);
    expect(result).toEqual({ Ok: { status: 418n, body: 'short and stout' } });
    expect(requests.length).toBe(13);
  });

  it('fails with SYS_TRANSIENT (2) when the replicas see different responses', async () => {
    const result = await probe.actor.fetch(`${base}/counter`, true, [1000n]);
    expect(requests).toEqual(Array(13).fill('/counter'));
    expect('Err' in result && result.Err.code).toBe(2);
    expect((result as { Err: { message: string } }).Err.message).toMatch(/no consensus/i);
  });

  it('fails with SYS_FATAL (1) when the response is larger than max_response_bytes', async () => {
    const result = await probe.actor.fetch(`${base}/big`, true, [1000n]);
    expect('Err' in result && result.Err.code).toBe(1);
    expect((result as { Err: { message: string } }).Err.message).toContain('1000');
  });

  it('fails with SYS_TRANSIENT (2) when nothing listens at the address', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const result = await probe.actor.fetch(`http://127.0.0.1:${port}/gone`, true, [1000n]);
    expect('Err' in result && result.Err.code).toBe(2);
  });
});

describe('a non-replicated outcall', () => {
  it('sends exactly one request', async () => {
    const result = await probe.actor.fetch(`${base}/hello`, false, [1000n]);
    expect(result).toEqual({ Ok: { status: 200n, body: GREETING } });
    expect(requests).toEqual(['/hello']);
  });

  it('succeeds where replicas would disagree, since there is only one answer', async () => {
    const before = counter;
    const result = await probe.actor.fetch(`${base}/counter`, false, [1000n]);
    expect(result).toEqual({ Ok: { status: 200n, body: `count ${before + 1}` } });
    expect(requests).toEqual(['/counter']);
  });
});

describe('refused outcalls', () => {
  it('refuses plain http to a host that is not loopback, before any request is made', async () => {
    const outcalls = network.getCounters(probe.canisterId).outcalls;
    const result = await probe.actor.fetch('http://example.com/', true, [1000n]);
    expect('Err' in result && result.Err.code).toBe(1);
    expect((result as { Err: { message: string } }).Err.message).toContain('Url need to specify https scheme');
    expect(network.getCounters(probe.canisterId).outcalls).toBe(outcalls);
    expect(requests).toEqual([]);
  });

  it('refuses a URL that does not parse with SYS_FATAL (1)', async () => {
    const result = await probe.actor.fetch('not a url', true, [1000n]);
    expect('Err' in result && result.Err.code).toBe(1);
    expect((result as { Err: { message: string } }).Err.message).toContain('Failed to parse URL');
  });

  it('refuses a max_response_bytes above the 2 MB limit with CANISTER_REJECT (4)', async () => {
    const result = await probe.actor.fetch(`${base}/hello`, true, [2_000_001n]);
    expect('Err' in result && result.Err.code).toBe(4);
    expect((result as { Err: { message: string } }).Err.message).toContain('2000001');
    expect(requests).toEqual([]);
  });

  it('refuses an outcall that does not bring enough cycles, naming the price', async () => {
    // No max_response_bytes: the 2 MB default costs far more than the 2 B cycles the probe attaches.
    const result = await probe.actor.fetch(`${base}/hello`, true, []);
    expect('Err' in result && result.Err.code).toBe(4);
    const price = outcallCost(`${base}/hello`, 2_000_000n);
    expect((result as { Err: { message: string } }).Err.message).toContain(String(price));
    expect(requests).toEqual([]);
  });

  it('takes PUT, DELETE and PATCH (the spec’s newer methods) only in non-replicated mode', async () => {
    const request = (method: string, isReplicated: [] | [boolean]) =>
      probe.actor.call_raw(
        Principal.managementCanister(),
        'http_request',
        new Uint8Array(
          IDL.encode(
            [HttpRequestArgs],
            [
              {
                url: `${base}/hello`,
                max_response_bytes: [],
                method: { [method]: null },
                headers: [],
                body: [],
                transform: [],
                is_replicated: isReplicated,
              },
            ],
          ),
        ),
      );
    for (const method of ['put', 'delete', 'patch']) {
      for (const replicated of [[], [true]] as ([] | [boolean])[]) {
        const refused = await request(method, replicated);
        expect('Err' in refused && refused.Err).toMatchObject({
          code: 4,
          message: expect.stringContaining('only supported in non-replicated mode'),
        });
      }
      // Non-replicated, the method passes; call_raw attaches no cycles, so the price is what stops it.
      const unpaid = await request(method, [false]);
      expect('Err' in unpaid && unpaid.Err.message).toMatch(/cycles are required/);
    }
    expect(requests).toEqual([]);
  });
});

describe('what an outcall costs', () => {
  it('counts the outcall and charges its price by the IC formula on top of execution', async () => {
    const url = `${base}/hello`;
    const before = network.getCounters(probe.canisterId);
    const balanceBefore = await network.getCyclesBalance(probe.canisterId);
    await probe.actor.fetch(url, true, [1000n]);
    const after = network.getCounters(probe.canisterId);
    const balanceAfter = await network.getCyclesBalance(probe.canisterId);

    expect(after.outcalls).toBe(before.outcalls + 1);
    const price = outcallCost(url, 1000n);
    // Execution is the base fee per message plus one cycle per instruction on 13 nodes; the ingress
    // message costs its base fee plus a fee per byte of method name and argument.
    const executed = 5_000_000n * BigInt(after.messages - before.messages) + (after.instructions - before.instructions);
    const argBytes = IDL.encode([IDL.Text, IDL.Bool, IDL.Opt(IDL.Nat64)], [url, true, [1000n]]).byteLength;
    const ingress = 1_200_000n + 2_000n * BigInt('fetch'.length + argBytes);
    expect(after.cyclesSpent - before.cyclesSpent).toBe(price + executed + ingress);
    expect(balanceBefore - balanceAfter).toBeGreaterThanOrEqual(price + executed + ingress);
  });

  it('costs the same for one request as for thirteen (the price does not depend on replication)', async () => {
    const url = `${base}/hello`;
    const before = network.getCounters(probe.canisterId);
    await probe.actor.fetch(url, false, [1000n]);
    const after = network.getCounters(probe.canisterId);
    const executed = 5_000_000n * BigInt(after.messages - before.messages) + (after.instructions - before.instructions);
    const argBytes = IDL.encode([IDL.Text, IDL.Bool, IDL.Opt(IDL.Nat64)], [url, false, [1000n]]).byteLength;
    const ingress = 1_200_000n + 2_000n * BigInt('fetch'.length + argBytes);
    expect(after.cyclesSpent - before.cyclesSpent - executed - ingress).toBe(outcallCost(url, 1000n));
  });
});

describe('on a smaller subnet', () => {
  it('sends one request per replica of that subnet', async () => {
    const small = await LocalNetwork.create({ subnetSize: 4 });
    try {
      const other = await setupProbe(small);
      const result = await other.actor.fetch(`${base}/hello`, true, [1000n]);
      expect(result).toEqual({ Ok: { status: 200n, body: GREETING } });
      expect(requests).toEqual(Array(4).fill('/hello'));
    } finally {
      await small.stop();
    }
  });
});
