// Typed actors over the local network, like @dfinity/pic's: each service method encodes its
// arguments with the candid interface, runs as an update or a query, and decodes the reply.
import { IDL } from '@dfinity/candid';
import { Principal } from '@dfinity/principal';

import type { LocalNetwork } from './network.js';

export type ActorMethods<T> = { [K in keyof T]: T[K] };

export type Actor<T> = ActorMethods<T> & {
  /** Sends later calls as this identity (anything with getPrincipal(), like @dfinity/identity's). */
  setIdentity(identity: { getPrincipal(): Principal }): void;
  setPrincipal(principal: Principal): void;
};

export function createActor<T>(network: LocalNetwork, idlFactory: IDL.InterfaceFactory, canisterId: Principal): Actor<T> {
  const service = idlFactory({ IDL });
  let sender = Principal.anonymous();
  const actor: Record<string, unknown> = {
    setIdentity: (identity: { getPrincipal(): Principal }) => (sender = identity.getPrincipal()),
    setPrincipal: (principal: Principal) => (sender = principal),
  };
  for (const [name, func] of service._fields) {
    const isQuery = func.annotations.includes('query') || func.annotations.includes('composite_query');
    actor[name] = async (...args: unknown[]) => {
      const arg = new Uint8Array(IDL.encode(func.argTypes, args));
      const call = { canisterId, method: name, arg, sender };
      const reply = isQuery ? await network.queryCall(call) : await network.updateCall(call);
      const values = IDL.decode(func.retTypes, reply);
      return values.length === 0 ? undefined : values.length === 1 ? values[0] : values;
    };
  }
  return actor as Actor<T>;
}
