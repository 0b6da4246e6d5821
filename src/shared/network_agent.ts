// How every command-line tool on this side of the network (the CLI, the worker) builds its agent. Only a replica on
// this machine may hand the agent its root key: a key fetched from any other host would let that host, or anyone
// between, sign whatever answers it likes. Every other host is checked against the IC's root key, built into the agent.
import { HttpAgent, type Identity } from '@dfinity/agent';

const LOCAL_NAMES = new Set(['localhost', '127.0.0.1', '[::1]']);

/** Whether `host` names this machine: localhost, *.localhost, 127.0.0.1 or ::1, over http or https. */
export function isLocalNetwork(host: string): boolean {
  let url: URL;
  try {
    url = new URL(host);
  } catch {
    return false;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return false;
  return LOCAL_NAMES.has(url.hostname) || url.hostname.endsWith('.localhost');
}

/** An agent for `host` signing as `identity`, fetching the root key from a local network only. */
export function createNetworkAgent(host: string, identity?: Identity): Promise<HttpAgent> {
  return HttpAgent.create({ host, identity, shouldFetchRootKey: isLocalNetwork(host) });
}
