// The flows that cross canisters: submit a job (registry, match, take slots, escrow) for the bridge to dispatch, or
// run it inside the call (the same path, then the bridge's run awaited), complete it (settle), fail
// or cancel it (refund), reserve capacity (escrow, then settle to the provider up front), and the sweep that times
// jobs out, retries settlements and refunds that did not land, and expires ended reservations.
// Glue: it awaits peers and follows read, check, lock, await, commit; the rules live in the pure modules.
import { Principal, time } from 'azle';

import type { JobKind, JobOutput } from '../bridge/types';
import { mayUse, type Model, type ModelId } from '../shared/models';
import type { CallOutcome } from '../shared/peer_call';
import { dispatch, outputOf, run, type RunOutcome } from './bridge_peer';
import type { MatchContext } from './eligibility';
import { checkJobRequest, stateName, taskProblem } from './job_machine';
import type { Job, JobError, JobId, JobRequest, JobResult, JobRun, ModelTerms } from './job_types';
import type { JobBook } from './jobs';
import type { ModelCache } from './model_cache';
import { match } from './matching';
import { afterRun, runProblem, runReply } from './run_reply';
import { lateRefundBps } from './sla';
import type { Offer } from './offer_types';
import type { OfferBook } from './offers';
import type { Reservation, ReservationError, ReservationRequest, ReservationResult } from './reservation_types';
import type { Reservations } from './reservations';
import { alreadyIn, creatorOf, escrow, refund, settle } from './payment_peer';
import { fetchModel } from './registry_peer';
import { mayReportOutcome, type Settings } from './types';

export type DeskDeps = {
  book: OfferBook;
  jobs: JobBook;
  reservations: Reservations;
  /** Writes a reservation through to stable memory, or removes it when `removed`. */
  storeReservation(reservation: Reservation, removed?: boolean): void;
  settings(): Settings;
  /** Models asked of the registry lately (model_cache.ts). */
  models: ModelCache;
  context(): MatchContext;
  nextId(): bigint;
  /** Credits the providers paid for a settled job with reputation (good work raises it). */
  credit(providers: Principal[], job: JobId): Promise<void>;
};

const err = (error: JobError): { Err: JobError } => ({ Err: error });

/**
 * How a paid job reaches the bridge: `dispatch` hands it over and replies at once (its first outcall already sent,
 * the bridge reports later); `run` awaits the bridge running it inside the call, so the job is final when it replies.
 */
type Delivery = 'dispatch' | 'run';

/** A job taken in, and its output when it ran inside the call. */
type Taken = { job: Job; output?: JobOutput };

const taken = (result: JobResult<Job>): JobResult<Taken> => ('Err' in result ? result : { Ok: { job: result.Ok } });

export class JobDesk {
  // Jobs with a settle or refund call in flight: a second report or the sweep waits for it.
  private readonly busy = new Set<JobId>();
  // Jobs being handed to the bridge: the consumer cannot cancel them (the bridge would run a refunded job).
  private readonly handingOver = new Set<JobId>();

  constructor(private readonly deps: DeskDeps) {}

  async submit(consumer: Principal, request: JobRequest): Promise<JobResult<Job>> {
    const submitted = await this.take(consumer, request, 'dispatch');
    return 'Err' in submitted ? submitted : { Ok: submitted.Ok.job };
  }

  /**
   * submit's path, but the bridge runs the job inside this call: the reply is the job (settled, or completed while
   * its settlement is retried) with its output, or JobFailed once the job failed and was refunded. Short jobs only.
   */
  async run(consumer: Principal, request: JobRequest): Promise<JobResult<JobRun>> {
    if (this.deps.settings().peers.bridge[0] === undefined) return err({ NotConfigured: 'no bridge canister is named' });
    const ran = await this.take(consumer, request, 'run');
    return 'Err' in ran ? ran : runReply(ran.Ok.job, ran.Ok.output);
  }

  /** The job's model: kept from an earlier job, or asked of the registry and kept when it has one. */
  private async model(registry: Principal, id: ModelId): Promise<CallOutcome<Model | undefined>> {
    const kept = this.deps.models.get(id, time());
    if (kept !== undefined) return { Ok: kept };
    const mark = this.deps.models.mark();
    const fetched = await fetchModel(registry, id);
    if ('Ok' in fetched && fetched.Ok !== undefined) this.deps.models.keep(fetched.Ok, time(), mark);
    return fetched;
  }

  private async take(consumer: Principal, request: JobRequest, delivery: Delivery): Promise<JobResult<Taken>> {
    const problem = checkJobRequest(request);
    if (problem !== undefined) return err({ InvalidInput: problem });
    const { payment, model_registry } = this.deps.settings().peers;
    if (payment[0] === undefined) return err({ NotConfigured: 'no payment canister is named' });
    if (model_registry[0] === undefined) return err({ NotConfigured: 'no model registry is named' });
    const model = await this.model(model_registry[0], request.model);
    if ('Err' in model) return err({ RegistryUnavailable: model.Err });
    if (model.Ok === undefined) return err({ UnknownModel: { model: request.model } });
    if (!mayUse(model.Ok, consumer)) return err({ ModelNotAllowed: { model: request.model } });
    const mismatch = taskProblem(request, model.Ok.task);
    if (mismatch !== undefined) return err({ InvalidInput: mismatch });
    const bridge = this.deps.settings().peers.bridge[0];
    const kind = jobKindOf(model.Ok);
    if (bridge !== undefined && request.input[0] === undefined)
      return err({ InvalidInput: 'input: the bridge needs the input to send it to a worker' });
    if (bridge !== undefined && kind === undefined)
      return err({ InvalidInput: `the bridge cannot dispatch ${Object.keys(model.Ok.task)[0]} jobs yet` });
    const unrunnable = delivery === 'run' ? runProblem(kind!, request) : undefined;
    if (unrunnable !== undefined) return err({ InvalidInput: unrunnable });

    const reservation = request.reservation[0];
    if (reservation !== undefined) {
      const reserved = this.submitReserved(consumer, request, reservation, model.Ok);
      if (bridge === undefined || 'Err' in reserved) return taken(reserved);
      return this.handOver(bridge, reserved.Ok, model.Ok.sha256, kind!, delivery);
    }

    // Matched after the await, on the offers as they are now.
    const outcome = match(this.deps.book, request, this.deps.context());
    if ('NoMatch' in outcome) return err({ NoMatch: outcome.NoMatch });
    const { chosen, spares } = outcome.Matched;
    // Lock: the replicas that run take their slots and the job is recorded before the escrow is awaited.
    for (const candidate of chosen) this.deps.book.acquire(candidate.offer);
    const id = this.deps.nextId();
    const created = this.deps.jobs.create(id, consumer, request, model.Ok, time());
    if ('Err' in created) return created;
    const price = chosen.reduce((sum, candidate) => sum + candidate.quote, 0n);

    const escrowed = await escrow(payment[0], id, consumer, price);
    if ('Err' in escrowed) {
      for (const candidate of chosen) this.deps.book.release(candidate.offer);
      this.deps.jobs.apply(id, [{ Rejected: `escrow: ${escrowed.Err}` }], time());
      return err({ PaymentFailed: escrowed.Err });
    }
    const offers = [...chosen, ...spares];
    const matched = this.deps.jobs.apply(
      id,
      [{ Matched: { offers: offers.map((c) => c.offer), quotes: offers.map((c) => c.quote) } }],
      time(),
    );
    if (bridge === undefined || 'Err' in matched) return taken(matched);
    return this.handOver(bridge, matched.Ok, model.Ok.sha256, kind!, delivery);
  }

  // The bridge takes the job (it starts it and replies, or runs it to the end) and the job is dispatched; if it cannot,
  // the job fails and is refunded at once rather than waiting for the timeout.
  private async handOver(
    bridge: Principal,
    job: Job,
    modelSha256: Uint8Array,
    kind: JobKind,
    delivery: Delivery,
  ): Promise<JobResult<Taken>> {
    const nodes = job.offers.map((offer) => this.deps.book.get(offer)!.terms.nodes[0]).filter((node) => node !== undefined);
    const request = {
      job_id: job.id,
      consumer: job.consumer,
      kind,
      model_sha256: modelSha256,
      input: job.request.input[0]!,
      max_tokens: job.request.max_tokens,
      redundancy: job.request.redundancy,
      nodes,
      generation: job.request.generation,
    };
    this.handingOver.add(job.id);
    if (delivery === 'run') {
      // Dispatched now: the run starts with this call, and the result's lateness is judged from here.
      this.deps.jobs.apply(job.id, [{ Dispatched: null }], time());
      const ran = await run(bridge, request);
      this.handingOver.delete(job.id);
      return this.afterRun(bridge, job.id, ran);
    }
    const handed = await dispatch(bridge, request);
    this.handingOver.delete(job.id);
    if ('Err' in handed) return taken(await this.failAndRefund(job.id, `dispatch: ${handed.Err}`, { failed: null }));
    const current = this.deps.jobs.get(job.id)!;
    // The bridge may already have reported (its timer can run before this reply arrives).
    if (!('matched' in current.state)) return { Ok: { job: current } };
    return taken(this.deps.jobs.apply(job.id, [{ Dispatched: null }], time()));
  }

  // See afterRun: the job is final when this returns, with its output when it completed.
  private async afterRun(bridge: Principal, id: JobId, ran: RunOutcome): Promise<JobResult<Taken>> {
    const next = afterRun(ran, stateName(this.deps.jobs.get(id)!.state));
    if ('answer' in next) return { Ok: { job: this.deps.jobs.get(id)!, output: next.answer } };
    if ('readOutput' in next) {
      const output = await outputOf(bridge, id);
      if ('Ok' in output) return { Ok: { job: this.deps.jobs.get(id)!, output: output.Ok } };
    }
    if ('refund' in next) await this.failAndRefund(id, next.refund, { failed: null });
    return { Ok: { job: this.deps.jobs.get(id)! } };
  }

  /** A job in the caller's reservation: it runs on the reserved offer, already paid, so nothing is escrowed. */
  private submitReserved(consumer: Principal, request: JobRequest, id: bigint, model: ModelTerms): JobResult<Job> {
    const reservation = this.deps.reservations.get(id);
    if (reservation === undefined) return err({ InvalidInput: `reservation: no reservation ${id}` });
    const refused = this.deps.reservations.checkUse(reservation, consumer, time());
    if (refused !== undefined) return err({ InvalidInput: refused });
    const offer = this.deps.book.get(reservation.offer)!;
    if (!offer.terms.models.includes(request.model)) return err({ InvalidInput: 'reservation: its offer does not serve this model' });
    if ('Err' in this.deps.book.acquire(offer.id)) return err({ InvalidInput: 'reservation: its offer is not active' });
    this.deps.reservations.use(id, 1);
    const created = this.deps.jobs.create(this.deps.nextId(), consumer, request, model, time());
    if ('Err' in created) return created;
    return this.deps.jobs.apply(created.Ok.id, [{ Matched: { offers: [offer.id], quotes: [0n] } }], time());
  }

  /** Reserves slots of an offer and pays for them up front: escrow from the caller, then settle to the provider. */
  async reserve(consumer: Principal, request: ReservationRequest): Promise<ReservationResult<Reservation>> {
    const payment = this.deps.settings().peers.payment[0];
    if (payment === undefined) return { Err: { NotConfigured: 'no payment canister is named' } };
    const offer = this.deps.book.get(request.offer);
    if (offer === undefined) return { Err: { OfferUnavailable: `no offer ${request.offer}` } };
    // Lock: the slots are held before the escrow is awaited, and let go if it fails.
    const held = this.deps.reservations.reserve(this.deps.nextId(), consumer, time(), offer, request, this.deps.settings().config);
    if ('Err' in held) return held;
    this.deps.storeReservation(held.Ok);
    const escrowed = await escrow(payment, held.Ok.id, consumer, held.Ok.price);
    if ('Err' in escrowed) {
      this.deps.reservations.remove(held.Ok.id);
      this.deps.storeReservation(held.Ok, true);
      const failed: ReservationError = { PaymentFailed: escrowed.Err };
      return { Err: failed };
    }
    return { Ok: await this.payReservation(held.Ok, offer) };
  }

  // The provider is paid the whole price at once (no model, so no royalty). A failed settlement leaves the price
  // in escrow and the reservation unpaid; the sweep retries it.
  private async payReservation(reservation: Reservation, offer: Offer): Promise<Reservation> {
    const payment = this.deps.settings().peers.payment[0]!;
    const settled = await settle(payment, reservation.id, [offer.provider], creatorOf(offer.provider, 0));
    if ('Err' in settled && !alreadyIn(settled, 'settled')) return reservation;
    const paid = this.deps.reservations.markPaid(reservation.id) ?? { ...reservation, paid: true };
    this.deps.storeReservation(paid);
    return paid;
  }

  /** The job's result is in: it completes, its slots free up and payment settles it. Retries a settlement that failed. */
  async complete(caller: Principal, id: JobId, resultHash: Uint8Array, paidNodes: Principal[]): Promise<JobResult<Job>> {
    const denied = mayReportOutcome(this.deps.settings(), caller);
    if (denied !== undefined) return err({ Unauthorized: denied });
    if (resultHash.length !== 32) return err({ InvalidInput: `result_hash: must be 32 bytes, got ${resultHash.length}` });
    const job = this.deps.jobs.get(id);
    if (job === undefined) return err({ NotFound: null });
    if (this.busy.has(id)) return err({ Busy: null });
    const state = stateName(job.state);
    if (state === 'completed') return this.settleJob(job);
    // The SLA of the offer that delivered (the first paid node's, else the first runner's) judges the latency of a
    // dispatched job; any other state either has no latency to judge or refuses the completion below.
    const late =
      state === 'dispatched'
        ? lateRefundBps(job.updated_at, time(), this.deps.book.get(this.deliveringOffer(job, paidNodes))!.terms.sla)
        : 0;
    // Checked before anything is committed: a completed job can only be settled, so it must have someone to pay.
    if (job.offers.length > 0 && this.paidProviders({ ...job, paid_nodes: paidNodes }).length === 0) {
      return err({ InvalidInput: 'paid_nodes: none of them runs on this job’s offers' });
    }
    const done = { Completed: { result_hash: resultHash, paid_nodes: paidNodes, late_refund_bps: late } };
    const events = state === 'matched' ? [{ Dispatched: null }, done] : [done];
    const completed = this.deps.jobs.apply(id, events, time());
    if ('Err' in completed) return completed;
    this.releaseSlots(completed.Ok);
    return this.settleJob(completed.Ok);
  }

  /** The job could not be delivered: it fails, its slots free up and payment refunds it. Retries a refund that failed. */
  async fail(caller: Principal, id: JobId, reason: string): Promise<JobResult<Job>> {
    const denied = mayReportOutcome(this.deps.settings(), caller);
    if (denied !== undefined) return err({ Unauthorized: denied });
    return this.failAndRefund(id, reason, { failed: null });
  }

  /** The consumer withdraws a job no worker has started: it fails and is refunded in full (less the ledger fee). */
  async cancel(caller: Principal, id: JobId): Promise<JobResult<Job>> {
    const job = this.deps.jobs.get(id);
    if (job === undefined) return err({ NotFound: null });
    if (job.consumer.compareTo(caller) !== 'eq') return err({ Unauthorized: 'only the consumer may cancel a job' });
    if (this.handingOver.has(id)) return err({ Busy: null });
    if (!('matched' in job.state)) return err({ InvalidTransition: { from: job.state, event: 'Cancelled' } });
    return this.failAndRefund(id, 'cancelled by the consumer', { failed: null });
  }

  /**
   * Fails jobs past the timeout, retries settlements and refunds that did not land, pays unpaid reservations and
   * drops ended ones; returns how many jobs it moved.
   */
  async sweep(): Promise<number> {
    for (const ended of this.deps.reservations.expire(time())) this.deps.storeReservation(ended, true);
    for (const reservation of this.deps.reservations.unpaid())
      await this.payReservation(reservation, this.deps.book.get(reservation.offer)!);
    let moved = 0;
    for (const job of this.deps.jobs.stuck(time(), this.deps.settings().config.job_timeout_ns)) {
      // A job being handed over is the hand-over's to finish: run_job awaits it and refunds it itself if it fails.
      if (this.busy.has(job.id) || this.handingOver.has(job.id)) continue;
      const state = stateName(job.state);
      const done =
        state === 'completed'
          ? await this.settleJob(job)
          : state === 'failed'
            ? await this.refundJob(job, { failed: null })
            : await this.failAndRefund(job.id, 'timed out', { timed_out: null });
      if ('Ok' in done) moved++;
    }
    return moved;
  }

  private async failAndRefund(id: JobId, reason: string, why: { failed: null } | { timed_out: null }): Promise<JobResult<Job>> {
    const job = this.deps.jobs.get(id);
    if (job === undefined) return err({ NotFound: null });
    if (this.busy.has(id)) return err({ Busy: null });
    if ('failed' in job.state) return this.refundJob(job, why);
    const failed = this.deps.jobs.apply(id, [{ Failed: reason }], time());
    if ('Err' in failed) return failed;
    this.releaseSlots(failed.Ok);
    return this.refundJob(failed.Ok, why);
  }

  // Pays the providers, the creator and the treasury; a late result first refunds the share its SLA declares.
  private async settleJob(job: Job): Promise<JobResult<Job>> {
    // A job in a reservation was paid with the reservation: there is nothing to settle.
    if (job.price === 0n) return this.deps.jobs.apply(job.id, [{ Settled: null }], time());
    const payment = this.deps.settings().peers.payment[0]!;
    const providers = this.paidProviders(job);
    if (providers.length === 0) return err({ InvalidInput: 'paid_nodes: none of them ran this job' });
    const creator = creatorOf(job.creator, job.royalty_bps);
    this.busy.add(job.id);
    const settled =
      job.late_refund_bps > 0
        ? await refund(payment, job.id, { sla_missed: { refund_bps: job.late_refund_bps } }, providers, creator)
        : await settle(payment, job.id, providers, creator);
    this.busy.delete(job.id);
    if ('Err' in settled && !alreadyIn(settled, job.late_refund_bps > 0 ? 'refunded' : 'settled'))
      return err({ PaymentFailed: settled.Err });
    const done = this.deps.jobs.apply(job.id, [{ Settled: null }], time());
    // Only a job settled in full and on time earns credit, and only once: a retry finding it settled does not.
    if ('Ok' in done && 'Ok' in settled && job.late_refund_bps === 0) await this.deps.credit(providers, job.id);
    return done;
  }

  private async refundJob(job: Job, why: { failed: null } | { timed_out: null }): Promise<JobResult<Job>> {
    if (job.price === 0n) return this.deps.jobs.apply(job.id, [{ Refunded: null }], time());
    const payment = this.deps.settings().peers.payment[0]!;
    this.busy.add(job.id);
    const refunded = await refund(payment, job.id, why);
    this.busy.delete(job.id);
    if ('Err' in refunded && !alreadyIn(refunded, 'refunded')) return err({ PaymentFailed: refunded.Err });
    return this.deps.jobs.apply(job.id, [{ Refunded: null }], time());
  }

  // The offer that delivered: the one running the first paid node, else the first that ran.
  private deliveringOffer(job: Job, paidNodes: Principal[]): bigint {
    const first = paidNodes[0];
    const offer = first && job.offers.find((id) => this.deps.book.get(id)!.terms.nodes.some((n) => n.compareTo(first) === 'eq'));
    return offer ?? job.offers[0];
  }

  // The providers paid: those of the accepted nodes when named (a node is on one of the job's offers), else those
  // of the offers that ran.
  private paidProviders(job: Job): Principal[] {
    const offers = job.offers.map((offer) => this.deps.book.get(offer)!);
    if (job.paid_nodes.length === 0) return offers.slice(0, job.request.redundancy).map((offer) => offer.provider);
    const runs = (node: Principal) => offers.find((offer) => offer.terms.nodes.some((n) => n.compareTo(node) === 'eq'));
    return job.paid_nodes
      .map(runs)
      .filter((offer) => offer !== undefined)
      .map((offer) => offer.provider);
  }

  // The replicas that ran (the first `redundancy` offers) give their slots back; spares never took one.
  private releaseSlots(job: Job): void {
    for (const offer of job.offers.slice(0, job.request.redundancy)) this.deps.book.release(offer);
    const reservation = job.request.reservation[0];
    if (reservation !== undefined) this.deps.reservations.use(reservation, -1);
  }
}

/** The kind of job the bridge dispatches for a model's task, or undefined when it cannot dispatch it. */
function jobKindOf(model: Model): JobKind | undefined {
  if ('text_generation' in model.task) return { text_generation: null };
  if ('embedding' in model.task) return { embedding: null };
  return undefined;
}
