// The bridge's calls, one function each.
import type { Principal } from '@dfinity/principal';

import type { Audit, Dispute, Endpoint, Health, JobOutput, Probes, Result, Settings } from '../../../../canisters/bridge/types';
import { opt } from '../format/misc';
import type { Actors } from './actors';

/** The output with plain arrays: candid decodes `vec float32` and `vec nat32` as typed arrays, whose map keeps the type. */
export const getOutput = async (a: Actors, jobId: bigint): Promise<Result<JobOutput>> => {
  const reply = await a.bridge.get_output(jobId);
  return 'Ok' in reply ? { Ok: { ...reply.Ok, tokens: Array.from(reply.Ok.tokens), vector: Array.from(reply.Ok.vector) } } : reply;
};
export const dispute = (a: Actors, jobId: bigint): Promise<Result<Dispute>> => a.bridge.dispute(jobId);
export const disputeOf = async (a: Actors, jobId: bigint): Promise<Dispute | undefined> => opt(await a.bridge.dispute_of(jobId));
export const disputesAgainst = (a: Actors, provider: Principal): Promise<Dispute[]> => a.bridge.disputes_against(provider);
export const auditOf = async (a: Actors, jobId: bigint): Promise<Audit | undefined> => opt(await a.bridge.audit_of(jobId));
export const settings = (a: Actors): Promise<Settings> => a.bridge.settings();
export const probesOf = async (a: Actors, node: Principal): Promise<Probes | undefined> => opt(await a.bridge.probes_of(node));
export const healthOf = async (a: Actors, node: Principal): Promise<Health | undefined> => opt(await a.bridge.health_of(node));
export const endpointOf = async (a: Actors, node: Principal): Promise<Endpoint | undefined> => opt(await a.bridge.endpoint_of(node));
