// azle's @query and @update, with arguments and replies through candid_cache.ts, which builds and parses each
// method's type table once instead of on every call. The candid interface is the same, since azle still
// registers the declared types. Glue: imports azle.
import { IDL, msgArgData, msgReply, query as azleQuery, update as azleUpdate } from 'azle';

import { decodeCandid, encodeCandid, prepareCandid } from './candid_cache';
import { installUtf8 } from './utf8';

// Every canister imports this module, so it is the place to swap azle's slow TextEncoder and TextDecoder for the
// UTF-8 ones before any method runs (utf8.ts says why).
installUtf8();

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Method = (this: unknown, ...args: any[]) => unknown;
type Register = (method: Method, context: ClassMethodDecoratorContext) => void;

function withCachedReplies(register: Register, params: IDL.Type[], returns: IDL.Type | undefined) {
  const types = returns === undefined ? [] : [returns];
  const reply = (value: unknown): void => msgReply(encodeCandid(types, returns === undefined ? [] : [value]));
  return (method: Method, context: ClassMethodDecoratorContext): void =>
    register(function (this: unknown) {
      const result = method.apply(this, decodeCandid(params, msgArgData()));
      return result instanceof Promise ? result.then(reply) : reply(result);
    }, context);
}

export function query(params: IDL.Type[], returns?: IDL.Type) {
  // Runs when the class is defined, as the code loads in init and postUpgrade: a query cannot keep a cache.
  prepareCandid(params);
  prepareCandid(returns === undefined ? [] : [returns]);
  return withCachedReplies(azleQuery(params, returns, { manual: true }) as Register, params, returns);
}

export function update(params: IDL.Type[], returns?: IDL.Type) {
  return withCachedReplies(azleUpdate(params, returns, { manual: true }) as Register, params, returns);
}
