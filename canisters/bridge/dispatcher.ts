// Runs a job the marketplace handed over: asks its nodes in order until `redundancy` answered acceptably, has
// verification compare several answers, stores the output for the consumer and reports the outcome; a long job
// waits for its worker's posted result instead, and then settles like a short one (open to audit and dispute). Pure: peers, time, randomness and the tables come in as
// DispatchDeps (as the marketplace's JobDesk takes DeskDeps), so unit tests drive every decision with fakes.
import type { Principal } from '@dfinity/principal';

import { guard } from '../shared/guard';
import { hex } from '../shared/hex';
import { isAudited, verdictOf } from '../verification/consensus';
import { DEFAULT_CONFIG } from '../verification/types';
import { isLongJob, LONG_JOB_TOKENS, MAX_INPUT_BYTES, MAX_TOKENS } from '../shared/job_limits';
import { outputOf, parseAnswer, type WorkerAnswer } from './answers';
import { outsideAuditors, rewardAgreeing, type AuditorDeps } from './auditors';
import type { Table } from './tables';
import type { Awaiting, DispatchRequest, Endpoint, JobOutput, Outcome, Result, Settings } from './types';
import { ask, compare, handLong, type Answered, type WorkDeps } from './work';

/** The most nodes a job names (runners, then spares). */
export const MAX_NODES = 10;

export type DispatchDeps = WorkDeps &
  AuditorDeps & {
    settings(): Settings;
    /** Jobs handed over and not yet answered: a restart or an upgrade dispatches them again. */
    pending: Table<bigint, DispatchRequest>;
    /** Pending jobs the marketplace awaits inside its call (runNow): an upgrade drops them (storage.ts inCall). */
    inCall: Table<bigint, boolean>;
    awaiting: Table<bigint, Awaiting>;
    outputs: Table<bigint, JobOutput>;
    settled: Table<bigint, DispatchRequest>;
    /** The endpoints of every node that gave a redundant job's delivered output: a dispute judges them together. */
    replicas: Table<bigint, Endpoint[]>;
    /** Starts the job (Dispatcher.run) without awaiting it: the hand-over replies while its outcalls are in flight. */
    schedule(jobId: bigint): void;
    /** Tells the marketplace the outcome, keeping it to send again when it was not delivered. */
    report(jobId: bigint, outcome: Outcome): Promise<void>;
    /** Tells analytics that `node` answered with `tokens` tokens, asked at `askedAt`. */
    reportRun(jobId: bigint, node: Principal, provider: Principal, tokens: number, askedAt: bigint): void;
    /** A uniform draw in [0, 10000): the job is audited when it falls below the audit rate. */
    draw(): number;
    /** A random audit of a settled job (the dispute desk's). */
    audit(request: DispatchRequest, original: Answered): Promise<void>;
    /** Runs `task` from a timer, after the current call replies. */
    defer(task: () => Promise<void>): void;
  };

/**
 * Whether the answers agree as verification would judge them (identical hashes, or embeddings within its default
 * tolerance): two that do not are an even split no verdict can settle.
 */
export function agrees(request: DispatchRequest, answers: Answered[]): boolean {
  const tolerance = 'embedding' in request.kind ? DEFAULT_CONFIG.embedding_tolerance : undefined;
  const replicas = answers.map(({ endpoint, answer }) => ({
    node: endpoint.node.toText(),
    output_sha256: hex(answer.output_sha256),
    vector: answer.vector,
  }));
  const verdict = verdictOf(replicas, tolerance);
  return 'agreed' in verdict && verdict.agreed.dissenting.length === 0;
}

/** Why the marketplace's hand-over is refused, or undefined: checked before anything is stored. */
export function dispatchProblem(request: DispatchRequest): string | undefined {
  if (request.nodes.length === 0 || request.nodes.length > MAX_NODES) return `nodes: 1 to ${MAX_NODES}`;
  const inputBytes = new TextEncoder().encode(request.input).length;
  if (inputBytes > MAX_INPUT_BYTES) return `input: ${inputBytes} bytes, more than the ${MAX_INPUT_BYTES} a job may carry`;
  if (request.max_tokens < 1 || request.max_tokens > MAX_TOKENS) return `max_tokens: 1 to ${MAX_TOKENS}`;
  if (request.redundancy < 1 || request.redundancy > 3) return 'redundancy: 1 to 3';
}

export class Dispatcher {
  constructor(private readonly deps: DispatchDeps) {}

  /** The marketplace hands a paid job over; it starts running now and goes on after this replies. */
  handOver(caller: Principal, request: DispatchRequest): Result<null> {
    const taken = this.take(caller, request);
    if ('Ok' in taken) this.deps.schedule(request.job_id);
    return taken;
  }

  /**
   * The marketplace hands a paid short job over and awaits it: it runs inside this call and the reply is its output
   * or why it failed (reported to the marketplace as a handed-over job's is). It is pending like a handed-over job, and
   * marked in call: if the call ends without this answer, the marketplace refunds the job, so an upgrade drops it
   * rather than running it again. A long job could not answer in one call, so it is refused.
   */
  async runNow(caller: Principal, request: DispatchRequest): Promise<Result<JobOutput>> {
    const taken = isLongJob(request)
      ? { Err: { InvalidInput: `max_tokens: below ${LONG_JOB_TOKENS} for a job run in one call (hand it over with dispatch)` } }
      : this.take(caller, request);
    if ('Err' in taken) return taken;
    this.deps.inCall.insert(request.job_id, true);
    const failed = await this.run(request.job_id);
    this.deps.inCall.remove(request.job_id);
    const output = this.deps.outputs.get(request.job_id);
    if (output !== undefined) return { Ok: output };
    return { Err: { RunFailed: failed ?? 'the job was not run' } };
  }

  // Checks the hand-over and records the job as pending; nothing is stored when it is refused.
  private take(caller: Principal, request: DispatchRequest): Result<null> {
    const denied = guard(caller, 'the marketplace', this.deps.settings().marketplace);
    if (denied !== undefined) return { Err: { Unauthorized: denied } };
    const problem = dispatchProblem(request);
    if (problem !== undefined) return { Err: { InvalidInput: problem } };
    const { pending, awaiting, outputs } = this.deps;
    if (pending.containsKey(request.job_id) || awaiting.containsKey(request.job_id) || outputs.containsKey(request.job_id))
      return { Err: { InvalidInput: `job ${request.job_id} was handed over before` } };
    pending.insert(request.job_id, request);
    return { Ok: null };
  }

  /**
   * Asks the nodes in order until `redundancy` of them answered acceptably. One answer completes the job; several
   * go to verification, and the majority's completes it, paying only the job's nodes that agreed. Two answers
   * that disagree are settled by a third run on an auditor drawn from outside the job (never its own spares, who
   * could collude against an honest runner), so verification slashes the liar and payment rewards the auditor if
   * it agreed; too few answers, or still no majority, fail the job (the marketplace refunds it). A long job goes
   * to the first node that acknowledges it. Answers why the job failed, or undefined when it did not.
   */
  async run(jobId: bigint): Promise<string | undefined> {
    const request = this.deps.pending.get(jobId);
    if (request === undefined) return;
    const failures: string[] = [];
    if (isLongJob(request)) return void (await this.giveLong(request, failures));
    const answers: Answered[] = [];
    const untried = [...request.nodes];
    await this.collect(request, untried, request.redundancy, answers, failures);
    const split = request.redundancy === 2 && answers.length === 2 && !agrees(request, answers);
    const auditor = split ? await this.tieBreak(request, answers, failures) : undefined;
    this.deps.pending.remove(jobId);
    if (answers.length < request.redundancy) {
      failures.unshift(`${answers.length} of ${request.redundancy} nodes answered`);
      return this.fail(jobId, failures.join('; '));
    }
    if (answers.length === 1) return void (await this.settle(request, answers[0].endpoint.node, answers[0].answer));
    const verdict = await compare(this.deps, request, answers);
    if ('Err' in verdict) return this.fail(jobId, `verification: ${verdict.Err}`);
    if (verdict.Ok.output_sha256.length === 0)
      return this.fail(jobId, ['no majority among the answers: flagged for audit', ...failures].join('; '));
    // The auditor is none of the job's nodes: payment pays only those, so it is rewarded apart, once settled.
    const agreeing = new Set(verdict.Ok.agreeing.map((node) => node.toText()));
    const accepted = answers.filter(({ endpoint }) => endpoint !== auditor && agreeing.has(endpoint.node.toText()));
    const output = outputOf(request, accepted[0].endpoint.node, accepted[0].answer, this.deps.now());
    this.deps.outputs.insert(jobId, output);
    const paid_nodes = accepted.map(({ endpoint }) => endpoint.node);
    // Replicas that agreed may have colluded: the consumer may dispute, and the dispute judges them all. A result an
    // outside auditor decided was judged from outside already.
    if (auditor === undefined) {
      this.deps.settled.insert(jobId, request);
      this.deps.replicas.insert(jobId, accepted.map(({ endpoint }) => endpoint));
    }
    await this.deps.report(jobId, { completed: { output_sha256: output.output_sha256, paid_nodes } });
    if (auditor !== undefined) await rewardAgreeing(this.deps, jobId, [auditor], verdict.Ok.dissenting);
  }

  private async fail(jobId: bigint, reason: string): Promise<string> {
    await this.deps.report(jobId, { failed: reason });
    return reason;
  }

  // Asks auditors drawn from outside the job, in order, until one answers, and adds its answer to the two that
  // disagree; the auditor that answered, or undefined when none did (the split then stays unsettled).
  private async tieBreak(request: DispatchRequest, answers: Answered[], failures: string[]): Promise<Endpoint | undefined> {
    const auditors = await outsideAuditors(this.deps, request.job_id, request.nodes);
    if ('Err' in auditors) return void failures.push(`auditor candidates: ${auditors.Err}`);
    for (const endpoint of auditors.Ok) {
      const answer = await ask(this.deps, request, endpoint);
      if ('Ok' in answer) {
        answers.push({ endpoint, answer: answer.Ok });
        return endpoint;
      }
      failures.push(`auditor ${endpoint.node.toText()}: ${answer.Err}`);
    }
    if (auditors.Ok.length === 0) failures.push('no auditor outside the job');
  }

  // Asks the `untried` nodes in order (taking each off) until `want` answers are in.
  private async collect(
    request: DispatchRequest,
    untried: Principal[],
    want: number,
    answers: Answered[],
    failures: string[],
  ): Promise<void> {
    while (answers.length < want) {
      const node = untried.shift();
      if (node === undefined) return;
      const endpoint = this.deps.endpointOf(node);
      if (endpoint === undefined) {
        failures.push(`${node.toText()}: no endpoint`);
        continue;
      }
      const askedAt = this.deps.now();
      const answer = await ask(this.deps, request, endpoint);
      if ('Err' in answer) failures.push(`${node.toText()}: ${answer.Err}`);
      else {
        answers.push({ endpoint, answer: answer.Ok });
        this.deps.reportRun(request.job_id, node, endpoint.provider, answer.Ok.tokens.length, askedAt);
      }
    }
  }

  // Gives a long job to the first node that acknowledges it; its result comes by submit_result.
  private async giveLong(request: DispatchRequest, failures: string[]): Promise<void> {
    const jobId = request.job_id;
    for (const node of request.nodes) {
      const endpoint = this.deps.endpointOf(node);
      if (endpoint === undefined) {
        failures.push(`${node.toText()}: no endpoint`);
        continue;
      }
      const accepted = await handLong(this.deps, request, endpoint);
      if ('Err' in accepted) {
        failures.push(`${node.toText()}: ${accepted.Err}`);
        continue;
      }
      this.deps.pending.remove(jobId);
      this.deps.awaiting.insert(jobId, { request, node, accepted_at: this.deps.now() });
      return;
    }
    this.deps.pending.remove(jobId);
    failures.unshift(`0 of 1 nodes answered`);
    await this.deps.report(jobId, { failed: failures.join('; ') });
  }

  /**
   * A worker posts the result of a long job it acknowledged: the same JSON it would have answered in the outcall,
   * checked the same way. Only the node the job was given to may post it; a second or late post finds nothing.
   */
  async submitResult(caller: Principal, jobId: bigint, body: Uint8Array): Promise<Result<JobOutput>> {
    const waiting = this.deps.awaiting.get(jobId);
    if (waiting === undefined) return { Err: { NotFound: null } };
    const denied = guard(caller, 'the worker the job was given to', waiting.node);
    if (denied !== undefined) return { Err: { Unauthorized: denied } };
    const parsed = parseAnswer(waiting.request, 200n, body);
    if ('Err' in parsed) return { Err: { InvalidInput: parsed.Err } };
    this.deps.awaiting.remove(jobId);
    const endpoint = this.deps.endpointOf(waiting.node);
    if (endpoint !== undefined) this.deps.reportRun(jobId, waiting.node, endpoint.provider, parsed.Ok.tokens.length, waiting.accepted_at);
    return { Ok: await this.settle(waiting.request, waiting.node, parsed.Ok) };
  }

  // A single node's answer settles the job, a short one's or a long one's alike: the consumer reads it, it stays
  // open to dispute for the window, and the draw may audit it (from a timer, so a posted result is not held up).
  private async settle(request: DispatchRequest, node: Principal, answer: WorkerAnswer): Promise<JobOutput> {
    const output = outputOf(request, node, answer, this.deps.now());
    this.deps.outputs.insert(request.job_id, output);
    this.deps.settled.insert(request.job_id, request);
    await this.deps.report(request.job_id, { completed: { output_sha256: output.output_sha256, paid_nodes: [node] } });
    const endpoint = this.deps.endpointOf(node);
    if (endpoint !== undefined && isAudited(this.deps.draw(), this.deps.settings().audit_rate_bps))
      this.deps.defer(() => this.deps.audit(request, { endpoint, answer }));
    return output;
  }
}
