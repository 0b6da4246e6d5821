// The call the marketplace makes to the model registry: what it says about a job's model. Glue: imports azle.
import { IDL, Principal } from 'azle';

import { RegistryError } from '../model_registry/types';
import { Model, ModelId } from '../shared/models';
import { callPeer, type CallOutcome } from '../shared/peer_call';

// Built once: candid_cache.ts keys its cached type tables by this object.
const GetReply = IDL.Variant({ Ok: Model, Err: RegistryError });

/** The model, undefined when the registry has none with this id, or why the call failed. */
export async function fetchModel(registry: Principal, id: ModelId): Promise<CallOutcome<Model | undefined>> {
  const reply = await callPeer<{ Ok: Model } | { Err: RegistryError }>('model registry', registry, 'get', [ModelId], GetReply, [id]);
  if ('Err' in reply) return reply;
  return { Ok: 'Ok' in reply.Ok ? reply.Ok.Ok : undefined };
}
