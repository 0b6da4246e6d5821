// The bridge canister: worker endpoints, and the dispatch of jobs to workers by HTTPS outcall. A node registers its
// own endpoint once identity says a provider claimed it. The marketplace hands a job over; the dispatcher
// (dispatcher.ts) runs it over its nodes and reports the outcome, the dispute desk (dispute_desk.ts) audits and
// decides disputes, and probes.ts checks matchable nodes' health. Glue: this file wires them to azle and stable
// memory.
import {
  IDL,
  init,
  inspectMessage,
  msgArgData,
  msgCaller,
  msgReply,
  postUpgrade,
  Principal,
  query as azleQuery,
  setTimer,
  setTimerInterval,
  time,
} from 'azle';
import { http_request_result, http_transform_args } from 'azle/canisters/management/idl';

import { encodeCandid, prepareCandid } from '../shared/candid_cache';
import { requireSignedCaller } from '../shared/caller';
import { guard } from '../shared/guard';
import { decodeOptionalArg } from '../shared/init_arg';
import { acceptIngress } from '../shared/inspect';
import { query, update } from '../shared/methods';
import { claimAdmin, ClaimAdminResult } from '../shared/admin_claim';
import { lowerReputation } from '../shared/reputation';
import { versionOf } from '../shared/version';
import { analytics, reportRun } from './analytics_peer';
import { checkEndpointUrl, LARGEST_ANSWER_BYTES } from './answers';
import { Assignments } from './assignments';
import type { AuditorDeps } from './auditors';
import { Dispatcher } from './dispatcher';
import { DisputeDesk } from './dispute_desk';
import { askNode, postJson, probeStatus } from './outcall';
import { atCap, dropEndpoint, endpointProblem, normalUrl, notProven, putEndpoint, stale, type EndpointTables } from './endpoints';
import {
  auditCandidates,
  claimedBy,
  claimedNodes,
  holdDeposit,
  payAuditors,
  probeTargets,
  reportCompleted,
  reportFailed,
  resolveDeposit,
  verify,
} from './peers';
import { PROBE_INTERVAL_S, probeAll } from './probes';
import {
  audits,
  awaiting,
  disputed,
  disputes,
  endpoints,
  endpointUrls,
  health,
  inCall,
  outputs,
  pending,
  probes,
  providerEndpoints,
  reRuns,
  settled,
  replicas,
  stableSettings,
  unreported,
} from './storage';
import {
  Audit,
  DEFAULT_AUDIT_RATE_BPS,
  DEFAULT_DISPUTE_DEPOSIT,
  DispatchRequest,
  Dispute,
  Endpoint,
  Health,
  Heartbeat,
  InitArg,
  JobOutput,
  Outcome,
  Probes,
  Result,
  Settings,
} from './types';
import { keptOf } from '../shared/candid_peek';
import type { WorkDeps } from './work';

const unauthorized = (why: string) => ({ Err: { Unauthorized: why } });

// submit_result carries a worker's answer: at most the largest answer, and room for the job id and candid's header.
const SUBMIT_RESULT_BYTES = LARGEST_ANSWER_BYTES + 64;

const endpointOf = (node: Principal): Endpoint | undefined => endpoints.get(node.toHex());
const endpointTables: EndpointTables = { endpoints, byUrl: endpointUrls, byProvider: providerEndpoints };

// The transforms reply through candid_cache.ts, whose header a query cannot keep: it is built as the code loads.
prepareCandid([http_request_result]);
const transformed = (status: bigint, body: Uint8Array): void =>
  msgReply(encodeCandid([http_request_result], [{ status, body, headers: [] }]));

export default class {
  private readonly assignments = new Assignments();

  private readonly work: WorkDeps = {
    endpointOf,
    now: () => time(),
    // The node may ask job_assignment while the outcall is in flight, to check the body came from the bridge.
    post: (request, endpoint, body, maxBytes) =>
      this.assignments.asking(request.job_id, endpoint.node, body, async () => {
        const response = await postJson(`${endpoint.url}/jobs`, body, maxBytes);
        return 'Ok' in response ? { Ok: { status: response.Ok.status, body: Uint8Array.from(response.Ok.body) } } : response;
      }),
    verify: (request) => {
      const verification = stableSettings.get().verification[0];
      return verification === undefined ? Promise.resolve({ Err: 'no verification canister is named' }) : verify(verification, request);
    },
  };

  // Auditors from outside a job: the dispute desk's re-runs and the dispatcher's third run on a split draw them alike.
  private readonly auditing: AuditorDeps = {
    endpointOf,
    auditCandidates: (jobId, count) => auditCandidates(stableSettings.get().marketplace[0]!, jobId, count),
    randomBelow: (bound) => crypto.getRandomValues(new Uint32Array(1))[0] % bound,
    payAuditors: (jobId, providers) => {
      const payment = stableSettings.get().payment[0];
      return payment === undefined ? Promise.resolve({ Err: 'no payment canister is named' }) : payAuditors(payment, jobId, providers);
    },
  };

  private readonly desk = new DisputeDesk({
    ...this.work,
    ...this.auditing,
    settings: () => stableSettings.get(),
    outputs,
    settled,
    replicas,
    audits,
    disputes,
    disputed,
    reRuns,
    holdDeposit: (jobId, consumer, amount) => holdDeposit(stableSettings.get().payment[0]!, jobId, consumer, amount),
    resolveDeposit: (jobId, returned) => resolveDeposit(stableSettings.get().payment[0]!, jobId, returned),
  });

  private readonly dispatcher: Dispatcher = new Dispatcher({
    ...this.work,
    ...this.auditing,
    settings: () => stableSettings.get(),
    pending,
    inCall,
    awaiting,
    outputs,
    settled,
    replicas,
    schedule: (jobId) => void this.dispatcher.run(jobId),
    report: (jobId, outcome) => this.report(jobId, outcome),
    reportRun,
    draw: () => crypto.getRandomValues(new Uint16Array(1))[0] % 10_000,
    audit: (request, original) => this.desk.audit(request, original),
    defer: (task) => void setTimer(0, task),
  });

  @init([IDL.Opt(InitArg)], { manual: true })
  init(): void {
    const arg = decodeOptionalArg<InitArg>(InitArg, msgArgData());
    stableSettings.put({
      admin: arg?.admin[0] ?? msgCaller(),
      identity: arg?.identity ?? [],
      marketplace: arg?.marketplace ?? [],
      verification: arg?.verification ?? [],
      payment: arg?.payment ?? [],
      audit_rate_bps: arg?.audit_rate_bps[0] ?? DEFAULT_AUDIT_RATE_BPS,
      dispute_deposit: arg?.dispute_deposit[0] ?? DEFAULT_DISPUTE_DEPOSIT,
    });
    analytics.name(arg?.analytics ?? []);
    setTimerInterval(PROBE_INTERVAL_S, () => this.housekeeping());
  }

  // A run does not survive an upgrade: jobs handed over and not answered are dispatched again.
  @postUpgrade([IDL.Opt(InitArg)], { manual: true })
  postUpgrade(): void {
    const arg = decodeOptionalArg<InitArg>(InitArg, msgArgData());
    analytics.name(arg?.analytics ?? []);
    // Settings stored by a bridge from before disputes lack their fields: the upgrade argument or the defaults fill them.
    const stored = stableSettings.get() as Partial<Settings> & Settings;
    stableSettings.put({
      ...stored,
      payment: stored.payment ?? arg?.payment ?? [],
      dispute_deposit: stored.dispute_deposit ?? arg?.dispute_deposit[0] ?? DEFAULT_DISPUTE_DEPOSIT,
    });
    for (const jobId of pending.keys())
      if (inCall.containsKey(jobId)) {
        pending.remove(jobId);
        inCall.remove(jobId);
      } else setTimer(0, async () => void (await this.dispatcher.run(jobId)));
    // A bridge from before one node per URL kept no indexes: they are built once from the endpoints.
    // Their URLs are normalized as new ones are, so a differently spelled copy is seen as the same URL.
    if (endpointUrls.isEmpty())
      for (const endpoint of endpoints.values()) putEndpoint(endpointTables, { ...endpoint, url: normalUrl(endpoint.url) });
    setTimerInterval(PROBE_INTERVAL_S, () => this.housekeeping());
  }

  // Jobs (dispatch, run) come from the marketplace canister only, never by ingress; a worker's posted result may be
  // as large as the answer to the largest job.
  @inspectMessage({ manual: true })
  inspect(): boolean {
    return acceptIngress({ peersOnly: ['dispatch', 'run'], argBytes: { submit_result: SUBMIT_RESULT_BYTES } });
  }

  @query([], IDL.Text)
  version(): string {
    return versionOf('bridge');
  }

  @query([], Settings)
  settings(): Settings {
    return stableSettings.get();
  }

  /**
   * The caller, a worker node claimed by a provider in identity, names the URL the bridge reaches it at; the worker
   * there must answer GET /node with the caller's principal.
   */
  @update([IDL.Text], Result(Endpoint))
  async register_endpoint(url: string): Promise<Result<Endpoint>> {
    requireSignedCaller();
    const node = msgCaller();
    const problem = checkEndpointUrl(url);
    if (problem !== undefined) return { Err: { InvalidInput: problem } };
    const identity = stableSettings.get().identity[0];
    if (identity === undefined) return { Err: { NotConfigured: 'no identity canister is named' } };
    const provider = await claimedBy(identity, node);
    if ('Err' in provider) return unauthorized(provider.Err);
    // At the cap, endpoints of nodes the provider no longer holds (retired) make room.
    if (atCap(endpointTables, provider.Ok, node)) {
      const claimed = await claimedNodes(identity, provider.Ok);
      if ('Err' in claimed) return { Err: { CallFailed: claimed.Err } };
      for (const gone of stale(endpointTables, provider.Ok, claimed.Ok)) dropEndpoint(endpointTables, gone);
    }
    const endpoint: Endpoint = { node, provider: provider.Ok, url: normalUrl(url), registered_at: time() };
    const refused = endpointProblem(endpointTables, endpoint);
    if (refused !== undefined) return { Err: { InvalidInput: refused } };
    const unproven = notProven(endpoint.url, node, await askNode(endpoint.url));
    if (unproven !== undefined) return { Err: { InvalidInput: unproven } };
    // Another node may have taken the URL while the worker was asked.
    const taken = endpointProblem(endpointTables, endpoint);
    if (taken !== undefined) return { Err: { InvalidInput: taken } };
    putEndpoint(endpointTables, endpoint);
    return { Ok: endpoint };
  }

  @query([IDL.Principal], IDL.Opt(Endpoint))
  endpoint_of(node: Principal): [] | [Endpoint] {
    const endpoint = endpointOf(node);
    return endpoint === undefined ? [] : [endpoint];
  }

  /** A node with an endpoint says it is alive, with its queue and generation speed. */
  @update([Heartbeat], Result(Health))
  heartbeat(beat: Heartbeat): Result<Health> {
    requireSignedCaller();
    const node = msgCaller();
    if (!endpoints.containsKey(node.toHex())) return unauthorized('only a node with an endpoint sends heartbeats');
    if (!Number.isFinite(beat.tokens_per_second) || beat.tokens_per_second < 0)
      return { Err: { InvalidInput: 'tokens_per_second: a finite number >= 0' } };
    const record: Health = { node, at: time(), ...beat };
    health.insert(node.toHex(), record);
    return { Ok: record };
  }

  @query([IDL.Principal], IDL.Opt(Health))
  health_of(node: Principal): [] | [Health] {
    const record = health.get(node.toHex());
    return record === undefined ? [] : [record];
  }

  /**
   * The marketplace hands a paid job over; the bridge answers at once, its first outcall already sent: the job runs
   * on in this call's context, its outcome reported to the marketplace by complete_job or fail_job.
   */
  @update([DispatchRequest], Result(IDL.Null))
  dispatch(request: DispatchRequest): Result<null> {
    requireSignedCaller();
    return this.dispatcher.handOver(msgCaller(), request);
  }

  /**
   * The marketplace hands a paid short job over and awaits it (its run_job): the job runs inside this call and the
   * reply is the output stored for the consumer, or RunFailed with why (reported to the marketplace first, as
   * a handed-over job's is). A long job is refused before anything is stored.
   */
  @update([DispatchRequest], Result(JobOutput))
  run(request: DispatchRequest): Promise<Result<JobOutput>> {
    requireSignedCaller();
    return this.dispatcher.runNow(msgCaller(), request);
  }

  /**
   * A worker posts the result of a long job it acknowledged: the job's own result (see Dispatcher.submitResult), or
   * an auditor's answer to an audit's or a dispute's re-run of it (see DisputeDesk.submitAnswer). A job awaits its
   * runner's result before it settles, and is re-run only after.
   */
  @update([IDL.Nat64, IDL.Vec(IDL.Nat8)], Result(JobOutput))
  submit_result(jobId: bigint, answer: Uint8Array): Promise<Result<JobOutput>> {
    requireSignedCaller();
    return awaiting.containsKey(jobId)
      ? this.dispatcher.submitResult(msgCaller(), jobId, answer)
      : this.desk.submitAnswer(msgCaller(), jobId, answer);
  }

  /**
   * For a worker checking a POST /jobs: the sha256 of the body the bridge posts for the job, when the caller is a
   * node the job is given to right now (being dispatched or re-run for an audit or a dispute, or a long job whose
   * result it owes); otherwise null, and the worker refuses the request.
   */
  @query([IDL.Nat64], IDL.Opt(IDL.Vec(IDL.Nat8)))
  job_assignment(jobId: bigint): [] | [Uint8Array] {
    const hash = this.assignments.assignment(jobId, msgCaller(), awaiting.get(jobId));
    return hash === undefined ? [] : [hash];
  }

  /** Sets the share of settled jobs audited, in bps. Admin only (governance, once it exists). */
  @update([IDL.Nat16], Result(Settings))
  set_audit_rate(bps: number): Result<Settings> {
    requireSignedCaller();
    const current = stableSettings.get();
    const denied = guard(msgCaller(), 'the admin', current.admin);
    if (denied !== undefined) return unauthorized(denied);
    if (bps > 10_000) return { Err: { InvalidInput: 'audit_rate_bps: at most 10000' } };
    const next = { ...current, audit_rate_bps: bps };
    stableSettings.put(next);
    return { Ok: next };
  }

  /** A controller (governance, after the hand-over) becomes the admin. */
  @update([], ClaimAdminResult)
  claim_admin(): ClaimAdminResult {
    return claimAdmin((admin) => stableSettings.put({ ...stableSettings.get(), admin }));
  }

  @query([IDL.Nat64], IDL.Opt(Audit))
  audit_of(jobId: bigint): [] | [Audit] {
    const audit = audits.get(jobId);
    return audit === undefined ? [] : [audit];
  }

  /** Sets the deposit a dispute takes, in token base units. Admin only (governance, once it exists). */
  @update([IDL.Nat], Result(Settings))
  set_dispute_deposit(amount: bigint): Result<Settings> {
    requireSignedCaller();
    const current = stableSettings.get();
    const denied = guard(msgCaller(), 'the admin', current.admin);
    if (denied !== undefined) return unauthorized(denied);
    if (amount < 1n) return { Err: { InvalidInput: 'dispute_deposit: at least 1' } };
    const next = { ...current, dispute_deposit: amount };
    stableSettings.put(next);
    return { Ok: next };
  }

  /**
   * The consumer disputes a job's result within 24 hours, putting down the dispute deposit (approve payment for it
   * plus the ledger fee first). An audit re-runs the job on two other nodes at once and decides: see Dispute. A
   * long job's dispute stays open until both auditors posted their answers (or their deadline passed): see dispute_of.
   */
  @update([IDL.Nat64], Result(Dispute))
  dispute(jobId: bigint): Promise<Result<Dispute>> {
    requireSignedCaller();
    return this.desk.dispute(msgCaller(), jobId);
  }

  /** The disputes of jobs the provider's nodes ran, newest first, at most 50. */
  @query([IDL.Principal], IDL.Vec(Dispute))
  disputes_against(provider: Principal): Dispute[] {
    return this.desk.disputesAgainst(provider);
  }

  @query([IDL.Nat64], IDL.Opt(Dispute))
  dispute_of(jobId: bigint): [] | [Dispute] {
    const dispute = disputes.get(jobId);
    return dispute === undefined ? [] : [dispute];
  }

  /** A job's output: for its consumer, and for the admin and the marketplace. */
  @query([IDL.Nat64], Result(JobOutput))
  get_output(jobId: bigint): Result<JobOutput> {
    const output = outputs.get(jobId);
    if (output === undefined) return { Err: { NotFound: null } };
    const { admin, marketplace } = stableSettings.get();
    if (guard(msgCaller(), 'the job’s consumer', admin, marketplace, output.consumer) !== undefined)
      return unauthorized('only the job’s consumer may read its output');
    return { Ok: output };
  }

  @query([IDL.Principal], IDL.Opt(Probes))
  probes_of(node: Principal): [] | [Probes] {
    const record = probes.get(node.toHex());
    return record === undefined ? [] : [record];
  }

  // A status probe's body (queue, speed) differs between replicas: keep only the status.
  @azleQuery([http_transform_args], http_request_result, { manual: true })
  transform_status(): void {
    transformed(keptOf(msgArgData()).status, new Uint8Array());
  }

  // Replicas must agree on the response: keep the status and the body, drop the headers. Each replica runs it, so
  // it reads only those two from its argument (candid_peek.ts).
  @azleQuery([http_transform_args], http_request_result, { manual: true })
  transform(): void {
    const { status, body } = keptOf(msgArgData());
    transformed(status, body);
  }

  // Every few minutes: outcomes the marketplace did not receive are sent again, the dispute desk finishes what an
  // upgrade interrupted, and the nodes the marketplace can match are probed.
  private async housekeeping(): Promise<void> {
    for (const [jobId, outcome] of unreported.items()) await this.report(jobId, outcome);
    await this.desk.housekeeping();
    const identity = stableSettings.get().identity[0];
    const marketplace = stableSettings.get().marketplace[0];
    await probeAll({
      targets: async () => (marketplace === undefined ? { Err: 'no marketplace is named' } : probeTargets(marketplace)),
      endpointOf,
      probes,
      probeStatus: async (url) => {
        const response = await probeStatus(url);
        return 'Ok' in response ? { Ok: { status: response.Ok.status, body: Uint8Array.from(response.Ok.body) } } : response;
      },
      penalize: async (provider, bps, reason) => identity !== undefined && (await lowerReputation(identity, provider, bps, reason)),
      now: () => time(),
    });
  }

  // Tells the marketplace a job's outcome; one it did not receive is kept and sent again by the timer, one it
  // refused (the job timed out meanwhile, say) is final.
  private async report(jobId: bigint, outcome: Outcome): Promise<void> {
    const marketplace = stableSettings.get().marketplace[0]!;
    const sent =
      'completed' in outcome
        ? await reportCompleted(marketplace, jobId, outcome.completed.output_sha256, outcome.completed.paid_nodes)
        : await reportFailed(marketplace, jobId, outcome.failed);
    if ('Err' in sent && sent.retry) unreported.insert(jobId, outcome);
    else unreported.remove(jobId);
  }
}
