// The bridge canister: worker endpoints, and the dispatch of jobs to workers by HTTPS outcall. A node registers its
// own endpoint once identity says a provider claimed it. The marketplace hands a job over; a timer posts it to the
// nodes in order until one answers acceptably (answers.ts), stores the output for the consumer and reports the
// outcome to the marketplace, which settles or refunds.
import { IDL, init, msgArgData, msgCaller, postUpgrade, Principal, setTimer, setTimerInterval, time } from 'azle';
import { http_request_result, http_transform_args } from 'azle/canisters/management/idl';

import { requireSignedCaller } from '../shared/caller';
import { decodeOptionalArg } from '../shared/init_arg';
import { query, update } from '../shared/methods';
import { claimAdmin, ClaimAdminResult } from '../shared/admin_claim';
import { versionOf } from '../shared/version';
import { checkEndpointUrl, isLongJob, maxResponseBytes, parseAcceptance, parseAnswer, type WorkerAnswer } from './answers';
import { postJson, probeStatus } from './outcall';
import { Assignments } from './assignments';
import { claimedBy, holdDeposit, reportCompleted, reportFailed, resolveDeposit, verify } from './peers';
import { audits, awaiting, disputed, disputes, endpoints, health, outputs, pending, probes, settled, stableSettings, unreported } from './storage';
import { DISPUTE_WINDOW_NS, disputeProblem, returnsDeposit, ruling, withDisputed } from './disputes';
import { isAudited } from '../verification/consensus';
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
import { lowerReputation } from '../shared/reputation';
import { analytics, reportRun } from './analytics_peer';

const MAX_NODES = 10;
// Every node's /status is probed, and undelivered outcomes sent again, this often; a failed probe costs its provider
// this much reputation.
const PROBE_INTERVAL_S = 300;
const PROBE_PENALTY_BPS = 100;
const MAX_INPUT_BYTES = 32 * 1024;

const unauthorized = (why: string) => ({ Err: { Unauthorized: why } });

/** A node's acceptable answer to a job. */
type Answered = { endpoint: Endpoint; answer: WorkerAnswer };

/** The worker's answer checked against the job, or why the outcall or the answer failed. */
function answerOf(request: DispatchRequest, response: Awaited<ReturnType<typeof postJson>>): { Ok: WorkerAnswer } | { Err: string } {
  return 'Ok' in response ? parseAnswer(request, response.Ok.status, Uint8Array.from(response.Ok.body)) : response;
}

/** Has verification compare the answers of several nodes to one job. */
function compare(verification: Principal, request: DispatchRequest, answers: Answered[]) {
  return verify(verification, {
    job_id: request.job_id,
    embedding: 'embedding' in request.kind,
    answers: answers.map(({ endpoint, answer }) => ({
      node: endpoint.node,
      provider: endpoint.provider,
      output_sha256: answer.output_sha256,
      vector: answer.vector,
    })),
  });
}

export default class {
  // Jobs being re-run by an audit or a dispute right now: verification takes one comparison per job, so a second
  // re-run of the same job would be refused and record a wrong ruling. Heap only: an upgrade waits for calls in flight.
  private readonly reRunning = new Set<bigint>();
  private readonly assignments = new Assignments();

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

  // Timers do not survive an upgrade: jobs handed over and not answered are dispatched again.
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
    for (const jobId of pending.keys()) this.schedule(jobId);
    setTimerInterval(PROBE_INTERVAL_S, () => this.housekeeping());
  }

  @query([], IDL.Text)
  version(): string {
    return versionOf('bridge');
  }

  @query([], Settings)
  settings(): Settings {
    return stableSettings.get();
  }

  /** The caller, a worker node claimed by a provider in identity, names the URL the bridge reaches it at. */
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
    const endpoint: Endpoint = { node, provider: provider.Ok, url: url.replace(/\/+$/, ''), registered_at: time() };
    endpoints.insert(node.toHex(), endpoint);
    return { Ok: endpoint };
  }

  @query([IDL.Principal], IDL.Opt(Endpoint))
  endpoint_of(node: Principal): [] | [Endpoint] {
    const endpoint = endpoints.get(node.toHex());
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

  /** The marketplace hands a paid job over; the bridge answers at once and dispatches from a timer. */
  @update([DispatchRequest], Result(IDL.Null))
  dispatch(request: DispatchRequest): Result<null> {
    requireSignedCaller();
    const marketplace = stableSettings.get().marketplace[0];
    if (marketplace === undefined || marketplace.compareTo(msgCaller()) !== 'eq')
      return unauthorized('only the marketplace hands jobs over');
    if (request.nodes.length === 0 || request.nodes.length > MAX_NODES) return { Err: { InvalidInput: `nodes: 1 to ${MAX_NODES}` } };
    if (request.input.length > MAX_INPUT_BYTES) return { Err: { InvalidInput: `input: at most ${MAX_INPUT_BYTES} characters` } };
    if (request.max_tokens < 1) return { Err: { InvalidInput: 'max_tokens: at least 1' } };
    if (request.redundancy < 1 || request.redundancy > 3) return { Err: { InvalidInput: 'redundancy: 1 to 3' } };
    if (pending.containsKey(request.job_id) || awaiting.containsKey(request.job_id) || outputs.containsKey(request.job_id))
      return { Err: { InvalidInput: `job ${request.job_id} was handed over before` } };
    pending.insert(request.job_id, request);
    this.schedule(request.job_id);
    return { Ok: null };
  }

  /**
   * A worker posts the result of a long job it acknowledged: the same JSON it would have answered in the outcall,
   * checked the same way. Only the node the job was given to may post it; a second or late post finds nothing.
   */
  @update([IDL.Nat64, IDL.Vec(IDL.Nat8)], Result(JobOutput))
  async submit_result(jobId: bigint, answer: Uint8Array): Promise<Result<JobOutput>> {
    requireSignedCaller();
    const waiting = awaiting.get(jobId);
    if (waiting === undefined) return { Err: { NotFound: null } };
    if (waiting.node.compareTo(msgCaller()) !== 'eq') return unauthorized('only the worker the job was given to may post its result');
    const parsed = parseAnswer(waiting.request, 200n, answer);
    if ('Err' in parsed) return { Err: { InvalidInput: parsed.Err } };
    awaiting.remove(jobId);
    const provider = endpoints.get(waiting.node.toHex())?.provider;
    if (provider !== undefined) reportRun(jobId, waiting.node, provider, parsed.Ok.tokens.length, waiting.accepted_at);
    const output = this.store(waiting.request, waiting.node, parsed.Ok);
    await this.report(jobId, { completed: { output_sha256: output.output_sha256, paid_nodes: [waiting.node] } });
    return { Ok: output };
  }

  /** Sets the share of settled jobs audited, in bps. Admin only (governance, once it exists). */
  @update([IDL.Nat16], Result(Settings))
  set_audit_rate(bps: number): Result<Settings> {
    requireSignedCaller();
    const current = stableSettings.get();
    if (current.admin.compareTo(msgCaller()) !== 'eq') return unauthorized('only the admin sets the audit rate');
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
    if (current.admin.compareTo(msgCaller()) !== 'eq') return unauthorized('only the admin sets the dispute deposit');
    if (amount < 1n) return { Err: { InvalidInput: 'dispute_deposit: at least 1' } };
    const next = { ...current, dispute_deposit: amount };
    stableSettings.put(next);
    return { Ok: next };
  }

  /**
   * The consumer disputes a job's result within 24 hours, putting down the dispute deposit (approve payment for it
   * plus the ledger fee first). An audit re-runs the job on two other nodes at once and decides: see Dispute.
   */
  @update([IDL.Nat64], Result(Dispute))
  async dispute(jobId: bigint): Promise<Result<Dispute>> {
    requireSignedCaller();
    const consumer = msgCaller();
    const { payment, dispute_deposit } = stableSettings.get();
    const problem = disputeProblem({
      caller: consumer,
      output: outputs.get(jobId),
      request: settled.get(jobId),
      audit: audits.get(jobId),
      dispute: disputes.get(jobId),
      now: time(),
    });
    if (problem !== undefined) return { Err: problem };
    if (this.reRunning.has(jobId)) return { Err: { NotDisputable: 'an audit of the job is running: ask again when it is done' } };
    if (payment[0] === undefined) return { Err: { NotConfigured: 'no payment canister is named' } };
    // Committed before the deposit is awaited, so a second dispute of the job is refused meanwhile.
    const opened: Dispute = {
      job_id: jobId,
      consumer,
      deposit: dispute_deposit,
      state: { open: null },
      auditors: [],
      outcome: '',
      deposit_resolved: false,
      opened_at: time(),
      resolved_at: [],
    };
    disputes.insert(jobId, opened);
    const held = await holdDeposit(payment[0], jobId, consumer, dispute_deposit);
    if ('Err' in held) {
      disputes.remove(jobId);
      return { Err: { CallFailed: `the deposit could not be taken: ${held.Err}` } };
    }
    this.listDisputed(jobId);
    return { Ok: await this.decide(jobId) };
  }

  /** The disputes of jobs the provider's nodes ran, newest first, at most DISPUTES_LISTED. */
  @query([IDL.Principal], IDL.Vec(Dispute))
  disputes_against(provider: Principal): Dispute[] {
    return [...(disputed.get(provider.toHex()) ?? [])]
      .reverse()
      .map((jobId) => disputes.get(jobId))
      .filter((dispute): dispute is Dispute => dispute !== undefined);
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
    const caller = msgCaller();
    const { admin, marketplace } = stableSettings.get();
    const readers = [admin, ...marketplace, output.consumer];
    if (!readers.some((reader) => reader.compareTo(caller) === 'eq')) return unauthorized('only the job’s consumer may read its output');
    return { Ok: output };
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

  @query([IDL.Principal], IDL.Opt(Probes))
  probes_of(node: Principal): [] | [Probes] {
    const record = probes.get(node.toHex());
    return record === undefined ? [] : [record];
  }

  // A status probe's body (queue, speed) differs between replicas: keep only the status.
  @query([http_transform_args], http_request_result)
  transform_status(args: http_transform_args): http_request_result {
    return { status: args.response.status, body: new Uint8Array(), headers: [] };
  }

  // Replicas must agree on the response: keep the status and the body, drop the headers.
  @query([http_transform_args], http_request_result)
  transform(args: http_transform_args): http_request_result {
    return { status: args.response.status, body: args.response.body, headers: [] };
  }

  // Every few minutes: outcomes the marketplace did not receive are sent again, disputes an upgrade interrupted are
  // finished, jobs past the dispute window are forgotten, and every node is probed.
  private async housekeeping(): Promise<void> {
    for (const [jobId, outcome] of unreported.items()) await this.report(jobId, outcome);
    for (const dispute of disputes.values()) {
      if ('open' in dispute.state && time() - dispute.opened_at > BigInt(PROBE_INTERVAL_S) * 1_000_000_000n)
        await this.decide(dispute.job_id);
      else if (!dispute.deposit_resolved && !('open' in dispute.state)) await this.resolve(dispute);
    }
    for (const jobId of settled.keys()) {
      const output = outputs.get(jobId);
      if (output === undefined || time() > output.completed_at + DISPUTE_WINDOW_NS) settled.remove(jobId);
    }
    await this.probeAll();
  }

  // Probes every endpoint's /status; a node that does not answer 200 counts a failure and its provider loses
  // reputation in identity. The counts give its uptime.
  private async probeAll(): Promise<void> {
    const identity = stableSettings.get().identity[0];
    for (const endpoint of endpoints.values()) {
      const response = await probeStatus(endpoint.url);
      const ok = 'Ok' in response && response.Ok.status === 200n;
      const before = probes.get(endpoint.node.toHex()) ?? { node: endpoint.node, probes: 0n, failures: 0n, last_ok: true, last_at: 0n };
      probes.insert(endpoint.node.toHex(), {
        node: endpoint.node,
        probes: before.probes + 1n,
        failures: before.failures + (ok ? 0n : 1n),
        last_ok: ok,
        last_at: time(),
      });
      if (!ok && identity !== undefined)
        await lowerReputation(identity, endpoint.provider, PROBE_PENALTY_BPS, `health probe of node ${endpoint.node.toText()} failed`);
    }
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

  // Lists a disputed job under the provider whose node ran it.
  private listDisputed(jobId: bigint): void {
    const runner = outputs.get(jobId)?.node;
    const provider = runner === undefined ? undefined : endpoints.get(runner.toHex())?.provider;
    if (provider === undefined) return;
    disputed.insert(provider.toHex(), withDisputed(disputed.get(provider.toHex()) ?? [], jobId));
  }

  // Posts the job to a node, which may ask job_assignment meanwhile to check the body came from the bridge.
  private post(request: DispatchRequest, endpoint: Endpoint): ReturnType<typeof postJson> {
    return this.assignments.asking(request, endpoint.node, (body) => postJson(`${endpoint.url}/jobs`, body, maxResponseBytes(request)));
  }

  private schedule(jobId: bigint): void {
    setTimer(0, () => this.run(jobId));
  }

  // Asks the nodes in order until `redundancy` of them answered acceptably. One answer completes the job; several
  // go to verification, and the majority's completes it, paying only the nodes that agreed. Too few answers, or no
  // majority, fail the job (the marketplace refunds it).
  private async run(jobId: bigint): Promise<void> {
    const request = pending.get(jobId);
    if (request === undefined) return;
    const { verification } = stableSettings.get();
    const failures: string[] = [];
    const answers: Answered[] = [];
    for (const node of request.nodes) {
      if (answers.length === request.redundancy) break;
      const endpoint = endpoints.get(node.toHex());
      if (endpoint === undefined) {
        failures.push(`${node.toText()}: no endpoint`);
        continue;
      }
      const askedAt = time();
      const response = await this.post(request, endpoint);
      if (isLongJob(request)) {
        const accepted = 'Ok' in response ? parseAcceptance(request, response.Ok.status, Uint8Array.from(response.Ok.body)) : response;
        if ('Err' in accepted) {
          failures.push(`${node.toText()}: ${accepted.Err}`);
          continue;
        }
        pending.remove(jobId);
        awaiting.insert(jobId, { request, node, accepted_at: time() });
        return;
      }
      const answer = answerOf(request, response);
      if ('Err' in answer) failures.push(`${node.toText()}: ${answer.Err}`);
      else {
        answers.push({ endpoint, answer: answer.Ok });
        reportRun(jobId, node, endpoint.provider, answer.Ok.tokens.length, askedAt);
      }
    }
    pending.remove(jobId);
    if (answers.length < request.redundancy) {
      failures.unshift(`${answers.length} of ${request.redundancy} nodes answered`);
      await this.report(jobId, { failed: failures.join('; ') });
      return;
    }
    let accepted = answers;
    if (answers.length > 1) {
      if (verification[0] === undefined) return void (await this.report(jobId, { failed: 'no verification canister is named' }));
      const verdict = await compare(verification[0], request, answers);
      if ('Err' in verdict) return void (await this.report(jobId, { failed: `verification: ${verdict.Err}` }));
      if (verdict.Ok.output_sha256.length === 0)
        return void (await this.report(jobId, { failed: 'no majority among the answers: flagged for audit' }));
      const agreeing = new Set(verdict.Ok.agreeing.map((node) => node.toText()));
      accepted = answers.filter(({ endpoint }) => agreeing.has(endpoint.node.toText()));
    }
    const [{ endpoint, answer }] = accepted;
    const output = this.store(request, endpoint.node, answer);
    if (answers.length === 1) settled.insert(jobId, request);
    await this.report(jobId, { completed: { output_sha256: output.output_sha256, paid_nodes: accepted.map(({ endpoint: e }) => e.node) } });
    const draw = crypto.getRandomValues(new Uint16Array(1))[0] % 10_000;
    if (answers.length === 1 && isAudited(draw, stableSettings.get().audit_rate_bps)) {
      this.reRunning.add(jobId);
      try {
        const { auditors, outcome } = await this.reRun(request, answers[0]);
        audits.insert(jobId, { job_id: jobId, auditors, outcome, at: time() });
      } finally {
        this.reRunning.delete(jobId);
      }
    }
  }

  // Decides an open dispute by an audit, delivers the majority's output when the runner was wrong, then has
  // payment return or forfeit the deposit.
  private async decide(jobId: bigint): Promise<Dispute> {
    const opened = disputes.get(jobId)!;
    if (this.reRunning.has(jobId)) return opened;
    this.reRunning.add(jobId);
    try {
      return await this.audited(opened);
    } finally {
      this.reRunning.delete(jobId);
    }
  }

  private async audited(opened: Dispute): Promise<Dispute> {
    const jobId = opened.job_id;
    const request = settled.get(jobId);
    const output = outputs.get(jobId)!;
    const runner = endpoints.get(output.node.toHex());
    let dispute: Dispute;
    if (request === undefined || runner === undefined) {
      dispute = { ...opened, state: { undecided: null }, outcome: 'the job or its runner is no longer known: not audited' };
    } else {
      const { output_sha256, tokens, text, vector, runtime } = output;
      const original = { endpoint: runner, answer: { output_sha256, tokens, text: text[0], vector, runtime } };
      const audit = await this.reRun(request, original);
      const state = ruling(output.node, audit.dissenting);
      if ('upheld' in state) {
        const right = audit.answers.find(({ endpoint }) => !audit.dissenting!.some((node) => node.compareTo(endpoint.node) === 'eq'))!;
        this.store(request, right.endpoint.node, right.answer);
      }
      dispute = { ...opened, state, auditors: audit.auditors, outcome: audit.outcome };
    }
    dispute.resolved_at = [time()];
    disputes.insert(jobId, dispute);
    return this.resolve(dispute);
  }

  private async resolve(dispute: Dispute): Promise<Dispute> {
    const payment = stableSettings.get().payment[0]!;
    const resolved = await resolveDeposit(payment, dispute.job_id, returnsDeposit(dispute.state));
    if ('Err' in resolved) return dispute;
    const done = { ...dispute, deposit_resolved: true };
    disputes.insert(dispute.job_id, done);
    return done;
  }

  // Re-runs a settled job on two other nodes of the job (its spares) and has verification compare the three
  // answers: whoever disagrees with the majority, the original runner included, is slashed. Two auditors are
  // needed for a majority; with fewer, or no majority, `dissenting` is undefined.
  private async reRun(
    request: DispatchRequest,
    original: Answered,
  ): Promise<{ auditors: Principal[]; answers: Answered[]; dissenting: Principal[] | undefined; outcome: string }> {
    const answers = [original];
    const auditors: Principal[] = [];
    for (const node of request.nodes) {
      if (answers.length === 3) break;
      const endpoint = endpoints.get(node.toHex());
      if (endpoint === undefined || node.compareTo(original.endpoint.node) === 'eq') continue;
      const answer = answerOf(request, await this.post(request, endpoint));
      if ('Ok' in answer) {
        answers.push({ endpoint, answer: answer.Ok });
        auditors.push(node);
      }
    }
    const verification = stableSettings.get().verification[0];
    if (answers.length < 3 || verification === undefined)
      return { auditors, answers, dissenting: undefined, outcome: `only ${auditors.length} auditor(s) answered: not audited` };
    const verdict = await compare(verification, request, answers);
    if ('Err' in verdict) return { auditors, answers, dissenting: undefined, outcome: `verification: ${verdict.Err}` };
    const { dissenting, output_sha256 } = verdict.Ok;
    if (output_sha256.length === 0) return { auditors, answers, dissenting: undefined, outcome: 'no majority among the three answers' };
    const outcome = dissenting.length === 0 ? 'all agreed' : `disagreed: ${dissenting.map((node) => node.toText()).join(', ')}`;
    return { auditors, answers, dissenting, outcome };
  }

  private store(request: DispatchRequest, node: Principal, answer: WorkerAnswer): JobOutput {
    const { output_sha256, tokens, text, vector, runtime } = answer;
    const output: JobOutput = {
      job_id: request.job_id,
      consumer: request.consumer,
      node,
      output_sha256,
      tokens,
      text: text === undefined ? [] : [text],
      vector,
      runtime,
      completed_at: time(),
    };
    outputs.insert(request.job_id, output);
    return output;
  }
}
