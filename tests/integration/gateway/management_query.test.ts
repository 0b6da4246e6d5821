// Query calls to the management canister (aaaaa-aa), which the spec allows for canister_status (and for
// canister_metrics, fetch_canister_logs and list_canisters): the stock agents' query actors get an answer signed by
// the node like any query's, which they verify by default, at the v2 (@dfinity/agent 3) and v3 (@icp-sdk/core 6)
// query endpoints. The answer is the current status, read as status_visibility allows, changing nothing; the
// effective canister id must be the canister the argument names; methods the spec does not allow as queries are
// refused as the replica refuses them.
import { Actor as ActorV3, type ActorSubclass, type HttpAgent as AgentV3 } from '@dfinity/agent';
import { IDL } from '@dfinity/candid';
import { DelegationChain, DelegationIdentity, Ed25519KeyIdentity } from '@dfinity/identity';
import { Principal } from '@dfinity/principal';
import { Actor as ActorV6, HttpAgent as AgentV6 } from '@icp-sdk/core/agent';
import { Ed25519KeyIdentity as IdentityV6 } from '@icp-sdk/core/identity';
import { Principal as PrincipalV6 } from '@icp-sdk/core/principal';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { CANISTER_RANGE, canisterIdFromIndex } from '../../../src/localnet/ids.js';
import { MANAGEMENT_CANISTER } from '../../../src/localnet/index.js';
import {
  CanisterIdRecord,
  CanisterStatusResult,
  settingsArg,
  UpdateSettingsArgs,
  type CanisterStatusResult as Status,
  type Visibility,
} from '../../../src/localnet/management/types.js';
import { encode, setupProbe } from '../localnet/probe.js';
import { agentFor, agentReject, post, queryContent, type Served, serve, sign } from './fixture.js';

/** canister_status as a query, and methods that are no queries declared as ones, to see them refused. */
const queryIdl: IDL.InterfaceFactory = ({ IDL }) =>
  IDL.Service({
    canister_status: IDL.Func([CanisterIdRecord], [CanisterStatusResult], ['query']),
    start_canister: IDL.Func([CanisterIdRecord], [], ['query']),
    fetch_canister_logs: IDL.Func([CanisterIdRecord], [IDL.Record({})], ['query']),
  });
type QueryService = {
  canister_status(arg: { canister_id: Principal }): Promise<Status>;
  start_canister(arg: { canister_id: Principal }): Promise<void>;
  fetch_canister_logs(arg: { canister_id: Principal }): Promise<Record<string, never>>;
};

/**
 * A query actor on aaaaa-aa whose queries go to the canister they are about as their effective canister id, as
 * ic-management libraries make it: @dfinity/agent 3 takes a query's effective canister id only from the call's
 * options, which queryTransform sets (the actor's own effectiveCanisterId goes to update calls alone).
 */
function managementQueries(agent: AgentV3): ActorSubclass<QueryService> {
  return ActorV3.createActor<QueryService>(queryIdl, {
    agent,
    canisterId: MANAGEMENT_CANISTER,
    queryTransform: (_method, args) => ({ effectiveCanisterId: (args[0] as { canister_id: Principal }).canister_id }),
  });
}

const queryPath = (version: 2 | 3, effective: Principal) => `/api/v${version}/canister/${effective.toText()}/query`;

describe('query calls to the management canister', () => {
  let served: Served;
  const controller = Ed25519KeyIdentity.generate();
  const viewer = Ed25519KeyIdentity.generate();
  let canisterId: Principal;
  let other: Principal;
  let asController: ActorSubclass<QueryService>;

  /** update_settings by the controller, through the network (not the subject of these tests). */
  async function setStatusVisibility(status_visibility: Visibility): Promise<void> {
    const settings = { ...settingsArg(), status_visibility: [status_visibility] as [Visibility] };
    const result = await served.network.submitIngress({
      canisterId: MANAGEMENT_CANISTER,
      method: 'update_settings',
      arg: encode([UpdateSettingsArgs], [{ canister_id: canisterId, settings, sender_canister_version: [] }]),
      sender: controller.getPrincipal(),
    });
    expect(result).toHaveProperty('reply');
  }

  beforeAll(async () => {
    served = await serve();
    const controllers = [controller.getPrincipal()];
    ({ canisterId } = await setupProbe(served.network, { sender: controller.getPrincipal(), controllers }));
    ({ canisterId: other } = await setupProbe(served.network, { sender: controller.getPrincipal(), controllers }));
    asController = managementQueries(await agentFor(served.url, controller));
  });
  afterAll(() => served.close());

  it('answers canister_status to @dfinity/agent 3 (v2 query), signed by the node, as the update call does, changing nothing', async () => {
    const canister = served.network.scheduler.canister(canisterId)!;
    const cycles = canister.cycles;
    const messages = canister.counters.messages;
    const status = await asController.canister_status({ canister_id: canisterId });
    expect(status.status).toEqual({ running: null });
    expect(status.settings.controllers.map((p) => p.toText())).toEqual([controller.getPrincipal().toText()]);
    expect(status.module_hash).toEqual([canister.module!.hash]);
    expect(status).toEqual(await served.network.canisterStatus(canisterId, controller.getPrincipal()));
    // A query charges nothing and counts no message; it does not change the version either.
    expect(canister.cycles).toBe(cycles);
    expect(canister.counters.messages).toBe(messages);
    expect((await asController.canister_status({ canister_id: canisterId })).version).toBe(status.version);
  });

  it('answers canister_status to @icp-sdk/core 6 (v3 query) with its default verification', async () => {
    const identity = IdentityV6.fromSecretKey(controller.getKeyPair().secretKey);
    const agent = await AgentV6.create({ host: served.url, shouldFetchRootKey: true, identity });
    const id = PrincipalV6.fromText(canisterId.toText());
    const actor = ActorV6.createActor(queryIdl as unknown as Parameters<typeof ActorV6.createActor>[0], {
      agent,
      canisterId: PrincipalV6.managementCanister(),
      effectiveCanisterId: id,
    });
    const status = (await actor.canister_status({ canister_id: id })) as Status;
    expect(status.status).toEqual({ running: null });
    expect(status.cycles).toBe(served.network.scheduler.canister(canisterId)!.cycles);
  });

  it('reads the status of a stopped canister too', async () => {
    await served.network.stopCanister(other, controller.getPrincipal());
    const status = await managementQueries(await agentFor(served.url, controller)).canister_status({ canister_id: other });
    expect(status.status).toEqual({ stopped: null });
    await served.network.startCanister(other, controller.getPrincipal());
  });

  it('lets whoever status_visibility names read the status, and refuses others with IC0512', async () => {
    const asViewer = managementQueries(await agentFor(served.url, viewer));
    const asAnonymous = managementQueries(await agentFor(served.url));
    const read = (actor: ActorSubclass<QueryService>) => actor.canister_status({ canister_id: canisterId });

    const refused = await agentReject(read(asViewer));
    expect(refused).toMatchObject({ code: 5, errorCode: 'IC0512', certified: false });
    expect(refused.message).toContain(`Only controllers of canister ${canisterId.toText()}`);
    await setStatusVisibility({ allowed_viewers: [viewer.getPrincipal()] });
    expect((await read(asViewer)).status).toEqual({ running: null });
    expect(await agentReject(read(asAnonymous))).toMatchObject({ code: 5, errorCode: 'IC0512' });
    await setStatusVisibility({ public: null });
    expect((await read(asAnonymous)).status).toEqual({ running: null });
    await setStatusVisibility({ controllers: null });
    expect(await agentReject(read(asViewer))).toMatchObject({ code: 5, errorCode: 'IC0512' });
  });

  it('refuses, signed, a method the spec does not allow as a query, one the local network lacks, and a canister that is not there', async () => {
    expect(await agentReject(asController.start_canister({ canister_id: canisterId }))).toEqual({
      code: 5,
      errorCode: 'IC0536',
      message: 'Query method start_canister not found.',
      certified: false,
    });
    // Allowed as a query by the spec, but there are no canister logs behind the local management canister.
    expect(await agentReject(asController.fetch_canister_logs({ canister_id: canisterId }))).toMatchObject({
      code: 4,
      errorCode: 'IC0407',
    });
    const missing = canisterIdFromIndex(CANISTER_RANGE[1]);
    expect(served.network.scheduler.canister(missing)).toBeUndefined();
    const gone = await agentReject(managementQueries(await agentFor(served.url, controller)).canister_status({ canister_id: missing }));
    expect(gone).toMatchObject({ code: 3, errorCode: 'IC0301' });
  });

  describe('the effective canister id and the sender’s delegation', () => {
    const statusQuery = (sender: Principal, about: Principal) => ({
      ...queryContent(sender, MANAGEMENT_CANISTER, 'canister_status'),
      arg: encode([CanisterIdRecord], [{ canister_id: about }]),
    });

    it('answers at v2 and v3 where the effective canister id is the canister_id of the argument', async () => {
      for (const version of [2, 3] as const) {
        const answer = await post(
          served.url,
          queryPath(version, canisterId),
          await sign(controller, statusQuery(controller.getPrincipal(), canisterId)),
        );
        expect(answer.status).toBe(200);
        expect(answer.body).toMatchObject({ status: 'replied' });
        expect((answer.body!.signatures as unknown[]).length).toBe(1);
      }
    });

    it('refuses (400) another effective canister id, aaaaa-aa as one, and an argument without canister_id', async () => {
      const query = await sign(controller, statusQuery(controller.getPrincipal(), canisterId));
      const elsewhere = await post(served.url, queryPath(3, other), query);
      expect(elsewhere.status).toBe(400);
      expect(elsewhere.text).toContain(`does not match effective canister id in URL (expected ${canisterId.toText()})`);
      const atManagement = await post(served.url, queryPath(3, MANAGEMENT_CANISTER), query);
      expect(atManagement.status).toBe(400);
      expect(atManagement.text).toContain('canister ranges');
      const noRecord = await sign(controller, queryContent(controller.getPrincipal(), MANAGEMENT_CANISTER, 'canister_status'));
      const withoutId = await post(served.url, queryPath(3, canisterId), noRecord);
      expect(withoutId.status).toBe(400);
      expect(withoutId.text).toContain('expected a canister_id in the argument');
    });

    it('takes a delegation that names the canister asked about, and refuses one that names only aaaaa-aa', async () => {
      const session = Ed25519KeyIdentity.generate();
      const expiry = new Date(Date.now() + 60 * 60 * 1000);
      const delegated = async (targets: Principal[]) =>
        DelegationIdentity.fromDelegation(session, await DelegationChain.create(controller, session.getPublicKey(), expiry, { targets }));

      const named = managementQueries(await agentFor(served.url, await delegated([canisterId])));
      expect((await named.canister_status({ canister_id: canisterId })).status).toEqual({ running: null });

      const managementOnly = await delegated([MANAGEMENT_CANISTER]);
      const answer = await post(
        served.url,
        queryPath(3, canisterId),
        await sign(managementOnly, statusQuery(controller.getPrincipal(), canisterId)),
      );
      expect(answer.status).toBe(400);
      expect(answer.text).toContain("which the sender's delegation does not allow");
    });
  });
});
