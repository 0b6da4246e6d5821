// Audits and disputes of settled jobs: a re-run on nodes drawn at random from outside the job (two for a single
// runner; for a redundant job one more than the replicas that agreed, who may have colluded), verification's
// comparison, the ruling, the deposit's fate. A long job's re-run is handed to its auditors as a
// long job is (long_reruns.ts) and decided when their posted answers are in. Pure: peers, time, randomness and the
// tables come in as DisputeDeps (as the marketplace's JobDesk takes DeskDeps), so unit tests drive every decision
// with fakes.
import type { Principal } from '@dfinity/principal';

import type { CallOutcome } from '../shared/peer_call';
import { isLongJob } from '../shared/job_limits';
import { answerOf, outputOf } from './answers';
import { outsideAuditors, rewardAgreeing, type AuditorDeps } from './auditors';
import { DISPUTE_WINDOW_NS, disputeProblem, returnsDeposit, ruling, withDisputed } from './disputes';
import { answersOf, AUDITORS, complete, dropping, naming, overdue, posting } from './long_reruns';
import type { Table } from './tables';
import type { Audit, DispatchRequest, Dispute, Endpoint, JobOutput, LongReRun, ReRunPurpose, Result, Settings } from './types';
import { ask, compare, handLong, type Answered, type WorkDeps } from './work';

export type DisputeDeps = WorkDeps &
  AuditorDeps & {
    settings(): Settings;
    outputs: Table<bigint, JobOutput>;
    /** Settled jobs still open to dispute: what a re-run needs. */
    settled: Table<bigint, DispatchRequest> & { keys(): bigint[] };
    /** The endpoints of every node that gave a redundant job's delivered output, the runner's first, as they were. */
    replicas: Table<bigint, Endpoint[]>;
    audits: Table<bigint, Audit>;
    disputes: Table<bigint, Dispute> & { values(): Dispute[] };
    /** Disputed job ids by each provider (hex) whose node gave the result: the runner's, and agreeing replicas'. */
    disputed: Table<string, bigint[]>;
    /** Long jobs' re-runs handed to auditors, until their answers are in or the deadline passed. */
    reRuns: Table<bigint, LongReRun> & { values(): LongReRun[] };
    holdDeposit(jobId: bigint, consumer: Principal, amount: bigint): Promise<CallOutcome<unknown>>;
    resolveDeposit(jobId: bigint, returned: boolean): Promise<CallOutcome<unknown>>;
  };

/**
 * What a re-run found: who answered, who disagreed with the majority (undefined: no majority), and, when the
 * runner did, the majority's output to deliver instead.
 */
type ReRun = { auditors: Principal[]; dissenting: Principal[] | undefined; outcome: string; corrected?: JobOutput };

const notAudited = (outcome: string, auditors: Principal[] = []): ReRun => ({ auditors, dissenting: undefined, outcome });

/** Auditors a re-run needs: two for one runner (a majority of three), one more than the replicas that agreed. */
const auditorsFor = (originals: number): number => Math.max(AUDITORS, originals + 1);

/** A dispute left open this long (an upgrade interrupted its audit) is decided again by the timer. */
export const STALE_DISPUTE_NS = 300n * 1_000_000_000n;

export class DisputeDesk {
  // Jobs being re-run by an audit or a dispute right now: verification takes one comparison per job, so a second
  // re-run of the same job would be refused and record a wrong ruling. Heap only: an upgrade waits for calls in
  // flight, and a long job's re-run waiting for posted answers is in reRuns, in stable memory.
  private readonly reRunning = new Set<bigint>();

  constructor(private readonly deps: DisputeDeps) {}

  /** A random audit of a job `original` answered: re-run on two outside nodes; a dissenting runner is slashed. */
  async audit(request: DispatchRequest, original: Answered): Promise<void> {
    const jobId = request.job_id;
    if (this.busy(jobId)) return;
    this.reRunning.add(jobId);
    try {
      const found = await this.reRun(request, [original], { audit: null });
      if (found !== undefined) this.recordAudit(jobId, found);
    } finally {
      this.reRunning.delete(jobId);
    }
  }

  /**
   * The consumer disputes a job's result, putting down the deposit; an audit decides at once, or, for a long job,
   * once its auditors posted their answers (the dispute stays open meanwhile).
   */
  async dispute(consumer: Principal, jobId: bigint): Promise<Result<Dispute>> {
    const { outputs, settled, audits, disputes } = this.deps;
    const { payment, dispute_deposit } = this.deps.settings();
    const problem = disputeProblem({
      caller: consumer,
      output: outputs.get(jobId),
      request: settled.get(jobId),
      audit: audits.get(jobId),
      dispute: disputes.get(jobId),
      now: this.deps.now(),
    });
    if (problem !== undefined) return { Err: problem };
    if (this.busy(jobId)) return { Err: { NotDisputable: 'an audit of the job is running: ask again when it is done' } };
    if (payment[0] === undefined) return { Err: { NotConfigured: 'no payment canister is named' } };
    // Committed before the deposit is awaited, so a second dispute of the job is refused meanwhile.
    disputes.insert(jobId, {
      job_id: jobId,
      consumer,
      deposit: dispute_deposit,
      state: { open: null },
      auditors: [],
      outcome: '',
      deposit_resolved: false,
      opened_at: this.deps.now(),
      resolved_at: [],
    });
    const held = await this.deps.holdDeposit(jobId, consumer, dispute_deposit);
    if ('Err' in held) {
      disputes.remove(jobId);
      return { Err: { CallFailed: `the deposit could not be taken: ${held.Err}` } };
    }
    this.listDisputed(jobId);
    return { Ok: await this.decide(jobId) };
  }

  /**
   * An auditor posts its answer to a long job's re-run (see long_reruns.ts posting); the last one needed has the
   * re-run decided before this replies.
   */
  async submitAnswer(caller: Principal, jobId: bigint, body: Uint8Array): Promise<Result<JobOutput>> {
    const open = this.deps.reRuns.get(jobId);
    if (open === undefined) return { Err: { NotFound: null } };
    const posted = posting(open, caller, body, this.deps.now());
    if ('Err' in posted) return posted;
    this.deps.reRuns.insert(jobId, posted.Ok.reRun);
    // While the job is still being handed out, the hand-out decides once it is done.
    if (complete(posted.Ok.reRun)) await this.conclude(jobId);
    return { Ok: posted.Ok.answer };
  }

  /** The disputes of jobs the provider's nodes ran, newest first (at most DISPUTES_LISTED). */
  disputesAgainst(provider: Principal): Dispute[] {
    return [...(this.deps.disputed.get(provider.toHex()) ?? [])]
      .reverse()
      .map((jobId) => this.deps.disputes.get(jobId))
      .filter((dispute): dispute is Dispute => dispute !== undefined);
  }

  /**
   * The timer's part: long jobs' re-runs past their deadline are decided with the answers that came, disputes an
   * upgrade interrupted are decided, deposits not yet returned or forfeited are tried again, and jobs past the
   * dispute window are forgotten.
   */
  async housekeeping(): Promise<void> {
    const now = this.deps.now();
    for (const reRun of this.deps.reRuns.values()) if (overdue(reRun, now)) await this.conclude(reRun.job_id);
    for (const dispute of this.deps.disputes.values()) {
      // One whose long job's auditors still owe their answers is busy: decide leaves it open.
      if ('open' in dispute.state && now - dispute.opened_at > STALE_DISPUTE_NS) await this.decide(dispute.job_id);
      else if (!dispute.deposit_resolved && !('open' in dispute.state)) await this.resolve(dispute);
    }
    for (const jobId of this.deps.settled.keys()) {
      const output = this.deps.outputs.get(jobId);
      if (output !== undefined && now <= output.completed_at + DISPUTE_WINDOW_NS) continue;
      this.deps.settled.remove(jobId);
      this.deps.replicas.remove(jobId);
    }
  }

  // Whether the job is being re-run: now, or by auditors who owe their posted answers.
  private busy(jobId: bigint): boolean {
    return this.reRunning.has(jobId) || this.deps.reRuns.containsKey(jobId);
  }

  // Lists a disputed job under each provider whose node gave its result: the runner's, and its agreeing replicas'.
  private listDisputed(jobId: bigint): void {
    const providers = new Set((this.originals(jobId) ?? []).map(({ endpoint }) => endpoint.provider.toHex()));
    for (const provider of providers) this.deps.disputed.insert(provider, withDisputed(this.deps.disputed.get(provider) ?? [], jobId));
  }

  // Decides an open dispute by an audit (or hands a long job's re-run out, leaving it open).
  private async decide(jobId: bigint): Promise<Dispute> {
    const opened = this.deps.disputes.get(jobId)!;
    if (this.busy(jobId)) return opened;
    this.reRunning.add(jobId);
    try {
      const request = this.deps.settled.get(jobId);
      const originals = this.originals(jobId);
      if (request === undefined || originals === undefined)
        return await this.rule(opened, notAudited('the job or one of its runners is no longer known: not audited'));
      const found = await this.reRun(request, originals, { dispute: null });
      return found === undefined ? opened : await this.rule(opened, found);
    } finally {
      this.reRunning.delete(jobId);
    }
  }

  // The job's result as delivered, from the node that ran it and from every replica that gave it too: what an audit
  // or a dispute checks. A redundant job's replicas are judged as they were kept, so dropping a node's endpoint does
  // not shield it; a single runner must still have its endpoint.
  private originals(jobId: bigint): Answered[] | undefined {
    const output = this.deps.outputs.get(jobId);
    if (output === undefined) return undefined;
    const answer = answerOf(output);
    const endpoints = this.deps.replicas.get(jobId) ?? [this.deps.endpointOf(output.node)];
    return endpoints.every((endpoint): endpoint is Endpoint => endpoint !== undefined)
      ? endpoints.map((endpoint) => ({ endpoint, answer }))
      : undefined;
  }

  private recordAudit(jobId: bigint, found: ReRun): void {
    this.deps.audits.insert(jobId, { job_id: jobId, auditors: found.auditors, outcome: found.outcome, at: this.deps.now() });
  }

  // Rules on a dispute by what its re-run found, delivers the majority's output when the runner was wrong, then has
  // payment return or forfeit the deposit.
  private async rule(opened: Dispute, found: ReRun): Promise<Dispute> {
    const jobId = opened.job_id;
    const state = ruling(this.deps.outputs.get(jobId)!.node, found.dissenting);
    if (found.corrected !== undefined) this.deps.outputs.insert(jobId, found.corrected);
    const dispute: Dispute = {
      ...opened,
      state,
      auditors: found.auditors,
      outcome: found.outcome,
      resolved_at: [this.deps.now()],
    };
    this.deps.disputes.insert(jobId, dispute);
    return this.resolve(dispute);
  }

  private async resolve(dispute: Dispute): Promise<Dispute> {
    const resolved = await this.deps.resolveDeposit(dispute.job_id, returnsDeposit(dispute.state));
    if ('Err' in resolved) return dispute;
    const done = { ...dispute, deposit_resolved: true };
    this.deps.disputes.insert(dispute.job_id, done);
    return done;
  }

  // Re-runs a settled job on nodes drawn at random from outside it (auditOrder), one more than the `originals` that
  // gave its result, and judges all the answers; a long job (one runner) is handed to two instead, and undefined
  // returned while their answers are awaited.
  private async reRun(request: DispatchRequest, originals: Answered[], purpose: ReRunPurpose): Promise<ReRun | undefined> {
    const job = [...originals.map(({ endpoint }) => endpoint.node), ...request.nodes];
    const candidates = await outsideAuditors(this.deps, request.job_id, job);
    if ('Err' in candidates) return notAudited(`auditor candidates: ${candidates.Err}: not audited`);
    if (isLongJob(request)) return this.handOut(request, originals[0], candidates.Ok, purpose);
    const answers = [...originals];
    for (const endpoint of candidates.Ok) {
      if (answers.length === originals.length + auditorsFor(originals.length)) break;
      const answer = await ask(this.deps, request, endpoint);
      if ('Ok' in answer) answers.push({ endpoint, answer: answer.Ok });
    }
    return this.judge(request, answers, originals.length);
  }

  // Hands a long job to candidates in order until two acknowledged it, keeping the re-run in reRuns for their
  // posted answers; what it found when fewer acknowledged, or when both answers came while it was handed out.
  private async handOut(
    request: DispatchRequest,
    original: Answered,
    candidates: Endpoint[],
    purpose: ReRunPurpose,
  ): Promise<ReRun | undefined> {
    const jobId = request.job_id;
    const { reRuns } = this.deps;
    reRuns.insert(jobId, { job_id: jobId, request, purpose, auditors: [], answers: [], started_at: this.deps.now() });
    for (const endpoint of candidates) {
      if (reRuns.get(jobId)!.auditors.length === AUDITORS) break;
      reRuns.insert(jobId, naming(reRuns.get(jobId)!, endpoint));
      const taken = await handLong(this.deps, request, endpoint);
      if ('Err' in taken) reRuns.insert(jobId, dropping(reRuns.get(jobId)!, endpoint.node));
    }
    const handed = reRuns.get(jobId)!;
    if (handed.auditors.length === AUDITORS && !complete(handed)) return undefined;
    reRuns.remove(jobId);
    if (handed.auditors.length < AUDITORS) return notAudited(`only ${handed.auditors.length} auditor(s) took the long job: not audited`);
    return this.judge(request, [original, ...answersOf(handed)], 1);
  }

  // A long job's re-run ends (both auditors posted, or the deadline passed) and is decided as a short job's is.
  private async conclude(jobId: bigint): Promise<void> {
    const open = this.deps.reRuns.get(jobId);
    if (open === undefined || this.reRunning.has(jobId)) return;
    this.reRunning.add(jobId);
    try {
      this.deps.reRuns.remove(jobId);
      const original = this.originals(jobId);
      const found =
        original === undefined
          ? notAudited('the job or its runner is no longer known: not audited')
          : await this.judge(open.request, [...original, ...answersOf(open)], original.length);
      const dispute = this.deps.disputes.get(jobId);
      if ('audit' in open.purpose) this.recordAudit(jobId, found);
      else if (dispute !== undefined) await this.rule(dispute, found);
    } finally {
      this.reRunning.delete(jobId);
    }
  }

  // Has verification compare the answers that gave the result (the runner's first) with the auditors': whoever
  // disagrees with the majority, the runner and its replicas included, is slashed, and the auditors who agreed are
  // rewarded. The auditors must be able to outvote the `originals`; with fewer, or no majority, `dissenting` is undefined.
  private async judge(request: DispatchRequest, answers: Answered[], originals: number): Promise<ReRun> {
    const auditors = answers.slice(originals).map(({ endpoint }) => endpoint.node);
    if (auditors.length < auditorsFor(originals))
      return notAudited(`only ${auditors.length} auditor(s) answered: not audited`, auditors);
    const verdict = await compare(this.deps, request, answers);
    if ('Err' in verdict) return notAudited(`verification: ${verdict.Err}`, auditors);
    const { dissenting, output_sha256 } = verdict.Ok;
    if (output_sha256.length === 0) return notAudited(`no majority among the ${answers.length} answers`, auditors);
    const outcome = dissenting.length === 0 ? 'all agreed' : `disagreed: ${dissenting.map((node) => node.toText()).join(', ')}`;
    await rewardAgreeing(
      this.deps,
      request.job_id,
      answers.slice(originals).map(({ endpoint }) => endpoint),
      dissenting,
    );
    const dissented = (node: Principal) => dissenting.some((other) => other.compareTo(node) === 'eq');
    const right = dissented(answers[0].endpoint.node) ? answers.find(({ endpoint }) => !dissented(endpoint.node)) : undefined;
    const corrected = right === undefined ? undefined : outputOf(request, right.endpoint.node, right.answer, this.deps.now());
    return { auditors, dissenting, outcome, corrected };
  }
}
