// Audits and disputes of settled single-replica jobs: a re-run on two nodes drawn at random from outside the job,
// verification's comparison, the ruling, the deposit's fate. Pure: peers, time, randomness and the tables come in
// as DisputeDeps (as the marketplace's JobDesk takes DeskDeps), so unit tests drive every decision with fakes.
import type { Principal } from '@dfinity/principal';

import type { CallOutcome } from '../shared/peer_call';
import { outputOf } from './answers';
import { outsideAuditors, rewardAgreeing, type AuditorDeps } from './auditors';
import { DISPUTE_WINDOW_NS, disputeProblem, returnsDeposit, ruling, withDisputed } from './disputes';
import type { Table } from './tables';
import type { Audit, DispatchRequest, Dispute, JobOutput, Result, Settings } from './types';
import { ask, compare, type Answered, type WorkDeps } from './work';

export type DisputeDeps = WorkDeps &
  AuditorDeps & {
    settings(): Settings;
    outputs: Table<bigint, JobOutput>;
    /** Settled single-replica jobs still open to dispute: what a re-run needs. */
    settled: Table<bigint, DispatchRequest> & { keys(): bigint[] };
    audits: Table<bigint, Audit>;
    disputes: Table<bigint, Dispute> & { values(): Dispute[] };
    /** Disputed job ids by the provider (hex) whose node ran the job. */
    disputed: Table<string, bigint[]>;
    holdDeposit(jobId: bigint, consumer: Principal, amount: bigint): Promise<CallOutcome<unknown>>;
    resolveDeposit(jobId: bigint, returned: boolean): Promise<CallOutcome<unknown>>;
  };

/** What a re-run found: who answered, and who disagreed with the majority (undefined: no majority). */
type ReRun = { auditors: Principal[]; answers: Answered[]; dissenting: Principal[] | undefined; outcome: string };

/** A dispute left open this long (an upgrade interrupted its audit) is decided again by the timer. */
export const STALE_DISPUTE_NS = 300n * 1_000_000_000n;

export class DisputeDesk {
  // Jobs being re-run by an audit or a dispute right now: verification takes one comparison per job, so a second
  // re-run of the same job would be refused and record a wrong ruling. Heap only: an upgrade waits for calls in flight.
  private readonly reRunning = new Set<bigint>();

  constructor(private readonly deps: DisputeDeps) {}

  /** A random audit of a job `original` answered: re-run on two outside nodes; a dissenting runner is slashed. */
  async audit(request: DispatchRequest, original: Answered): Promise<void> {
    const jobId = request.job_id;
    if (this.reRunning.has(jobId)) return;
    this.reRunning.add(jobId);
    try {
      const { auditors, outcome } = await this.reRun(request, original);
      this.deps.audits.insert(jobId, { job_id: jobId, auditors, outcome, at: this.deps.now() });
    } finally {
      this.reRunning.delete(jobId);
    }
  }

  /** The consumer disputes a job's result, putting down the deposit; an audit decides at once. */
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
    if (this.reRunning.has(jobId)) return { Err: { NotDisputable: 'an audit of the job is running: ask again when it is done' } };
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

  /** The disputes of jobs the provider's nodes ran, newest first (at most DISPUTES_LISTED). */
  disputesAgainst(provider: Principal): Dispute[] {
    return [...(this.deps.disputed.get(provider.toHex()) ?? [])]
      .reverse()
      .map((jobId) => this.deps.disputes.get(jobId))
      .filter((dispute): dispute is Dispute => dispute !== undefined);
  }

  /**
   * The timer's part: disputes an upgrade interrupted are decided, deposits not yet returned or forfeited are
   * tried again, and jobs past the dispute window are forgotten.
   */
  async housekeeping(): Promise<void> {
    const now = this.deps.now();
    for (const dispute of this.deps.disputes.values()) {
      if ('open' in dispute.state && now - dispute.opened_at > STALE_DISPUTE_NS) await this.decide(dispute.job_id);
      else if (!dispute.deposit_resolved && !('open' in dispute.state)) await this.resolve(dispute);
    }
    for (const jobId of this.deps.settled.keys()) {
      const output = this.deps.outputs.get(jobId);
      if (output === undefined || now > output.completed_at + DISPUTE_WINDOW_NS) this.deps.settled.remove(jobId);
    }
  }

  // Lists a disputed job under the provider whose node ran it.
  private listDisputed(jobId: bigint): void {
    const runner = this.deps.outputs.get(jobId)?.node;
    const provider = runner === undefined ? undefined : this.deps.endpointOf(runner)?.provider;
    if (provider === undefined) return;
    this.deps.disputed.insert(provider.toHex(), withDisputed(this.deps.disputed.get(provider.toHex()) ?? [], jobId));
  }

  // Decides an open dispute by an audit, delivers the majority's output when the runner was wrong, then has
  // payment return or forfeit the deposit.
  private async decide(jobId: bigint): Promise<Dispute> {
    const opened = this.deps.disputes.get(jobId)!;
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
    const request = this.deps.settled.get(jobId);
    const output = this.deps.outputs.get(jobId)!;
    const runner = this.deps.endpointOf(output.node);
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
        this.deps.outputs.insert(jobId, outputOf(request, right.endpoint.node, right.answer, this.deps.now()));
      }
      dispute = { ...opened, state, auditors: audit.auditors, outcome: audit.outcome };
    }
    dispute.resolved_at = [this.deps.now()];
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

  // Re-runs a settled job on two nodes drawn at random from outside it (auditOrder) and has verification compare
  // the three answers: whoever disagrees with the majority, the original runner included, is slashed. Two auditors
  // are needed for a majority; with fewer, or no majority, `dissenting` is undefined.
  private async reRun(request: DispatchRequest, original: Answered): Promise<ReRun> {
    const answers = [original];
    const auditors: Principal[] = [];
    const candidates = await outsideAuditors(this.deps, request.job_id, [original.endpoint.node, ...request.nodes]);
    if ('Err' in candidates)
      return { auditors, answers, dissenting: undefined, outcome: `auditor candidates: ${candidates.Err}: not audited` };
    for (const endpoint of candidates.Ok) {
      if (answers.length === 3) break;
      const answer = await ask(this.deps, request, endpoint);
      if ('Ok' in answer) {
        answers.push({ endpoint, answer: answer.Ok });
        auditors.push(endpoint.node);
      }
    }
    if (answers.length < 3)
      return { auditors, answers, dissenting: undefined, outcome: `only ${auditors.length} auditor(s) answered: not audited` };
    const verdict = await compare(this.deps, request, answers);
    if ('Err' in verdict) return { auditors, answers, dissenting: undefined, outcome: `verification: ${verdict.Err}` };
    const { dissenting, output_sha256 } = verdict.Ok;
    if (output_sha256.length === 0) return { auditors, answers, dissenting: undefined, outcome: 'no majority among the three answers' };
    const outcome = dissenting.length === 0 ? 'all agreed' : `disagreed: ${dissenting.map((node) => node.toText()).join(', ')}`;
    await rewardAgreeing(
      this.deps,
      request.job_id,
      answers.slice(1).map(({ endpoint }) => endpoint),
      dissenting,
    );
    return { auditors, answers, dissenting, outcome };
  }
}
