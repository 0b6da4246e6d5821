// One client for a program that buys inference: quote a job, approve payment and submit it, wait for it, read its
// output and the split payment recorded. The CLI's job commands are this client; a program uses it the same way.
import { Actor, type Agent } from '@dfinity/agent';
import type { Principal } from '@dfinity/principal';

import type { Job, JobRequest } from '../../canisters/marketplace/job_types';
import type { Quote } from '../../canisters/marketplace/types';
import type { JobOutput } from '../../canisters/bridge/types';
import { idlFactory as bridgeIdl, type BridgeService } from './bridge';
import { escrowCeiling, escrowCharges, pricedRequest, type Charges } from './charges';
import { JobUnsettled, ok, Refused, WaitTimeout } from './errors';
import { jobRequest, type JobOptions } from './job_request';
import { approveArgs } from './ledger_args';
import { idlFactory as ledgerIdl, type LedgerService } from './ledger';
import { idlFactory as marketplaceIdl, type MarketplaceService } from './marketplace';
import { idlFactory as paymentIdl, type PaymentService } from './payment';
import { recordedSplit, splitTotals, type RecordedSplit } from './recorded_split';

/** The calls the client makes, so any actor (or a test's stand-in) of these canisters serves. */
export type ClientActors = {
  ledger: Pick<LedgerService, 'icrc1_fee' | 'icrc2_approve'>;
  marketplace: Pick<MarketplaceService, 'quote' | 'submit_job' | 'get_job' | 'get_offer'>;
  payment: Pick<PaymentService, 'history' | 'get_config' | 'escrow_of'>;
  bridge: Pick<BridgeService, 'get_output'>;
};

export type CanisterIds = { ledger: Principal; marketplace: Principal; payment: Principal; bridge: Principal };

/** The states after which nothing more happens to a job. */
export const FINAL_STATES = ['settled', 'refunded', 'rejected'];
export const stateOf = (job: Job): string => Object.keys(job.state)[0];

export type WaitOptions = {
  /** Called with the job each time its state (or its record) changes, the first reading included. */
  onProgress?: (job: Job) => void;
  /** How long to wait for a final state, in ms (2 minutes unless given). */
  timeoutMs?: number;
  /** Between two readings, in ms. */
  intervalMs?: number;
};

export type Submitted = { job: Job; request: JobRequest; charges: Charges };
export type PaidSplit = RecordedSplit & { escrowed: bigint; totals: ReturnType<typeof splitTotals> };

// Readings that fail in a row (the network, not the canister) before wait gives up.
const READ_ATTEMPTS = 5;

// A prepaid (reserved) job's: nothing approved, nothing escrowed.
const NOTHING_CHARGED: Charges = { amount: 0n, approveFee: 0n, transferFee: 0n, total: 0n, allowance: 0n };

export class MarketClient {
  // The submission in progress, which the next one waits for; never rejects.
  private submitting: Promise<void> = Promise.resolve();

  constructor(
    private readonly actors: ClientActors,
    private readonly payment: Principal,
  ) {}

  /** A client over `agent` for the canisters with `ids`. */
  static connect(agent: Agent, ids: CanisterIds): MarketClient {
    const actor = <T>(idl: Parameters<typeof Actor.createActor>[0], canisterId: Principal) =>
      Actor.createActor<T>(idl, { agent, canisterId });
    return new MarketClient(
      {
        ledger: actor<LedgerService>(ledgerIdl, ids.ledger),
        marketplace: actor<MarketplaceService>(marketplaceIdl, ids.marketplace),
        payment: actor<PaymentService>(paymentIdl, ids.payment),
        bridge: actor<BridgeService>(bridgeIdl, ids.bridge),
      },
      ids.payment,
    );
  }

  /** The price of `request` now and the providers it would go to; Refused with the NoMatch reasons otherwise. */
  async quote(request: JobRequest): Promise<Quote> {
    return ok('quote', await this.actors.marketplace.quote(request));
  }

  /**
   * Prices the request at the quote (no replica dearer than the dearest quoted), approves payment for the most it
   * may then escrow plus the transfer fee, and submits it. A refused submit leaves the approval in force. A job in a
   * reservation is prepaid: it is submitted without an approval, and so without an approval's fee.
   *
   * Submissions from one client take turns (only the submission: the jobs then run, and are waited for, together).
   * icrc2_approve replaces the allowance, so two jobs approving at once would each overwrite the other's and one
   * escrow would fall short after its approval's fee was paid. Raising the allowance by each job's part instead
   * (expected_allowance) would not let two submissions run side by side either: payment refuses a second escrow
   * while it pulls one from the same allowance (AllowanceBusy). In turn, each approval sets exactly its own job's
   * allowance after the previous escrow took its part, and a cheaper match's leftover is replaced, not piled up.
   * Two clients (two processes) of one principal still race: this turn-taking is per client.
   */
  async approveAndSubmit(request: JobRequest, quote: Quote): Promise<Submitted> {
    const priced = pricedRequest(request, quote);
    if (escrowCeiling(priced) === 0n) return this.submit(priced, NOTHING_CHARGED);
    const turn = this.submitting.then(() => this.payAndSubmit(priced));
    this.submitting = turn.then(
      () => undefined,
      () => undefined,
    );
    return turn;
  }

  private async payAndSubmit(priced: JobRequest): Promise<Submitted> {
    const charges = escrowCharges(escrowCeiling(priced), await this.actors.ledger.icrc1_fee());
    ok('approve', await this.actors.ledger.icrc2_approve(approveArgs(this.payment, charges.allowance)));
    return this.submit(priced, charges);
  }

  private async submit(priced: JobRequest, charges: Charges): Promise<Submitted> {
    const job = ok('submit_job', await this.actors.marketplace.submit_job(priced));
    return { job, request: priced, charges };
  }

  /** Reads the job until it is final; WaitTimeout when it is not within the timeout, Refused when it is unknown. */
  async wait(id: bigint, options: WaitOptions = {}): Promise<Job> {
    const { onProgress = () => {}, timeoutMs = 120_000, intervalMs = 500 } = options;
    const deadline = Date.now() + timeoutMs;
    let seen = '';
    let failures = 0;
    for (;;) {
      let job: Job;
      try {
        job = ok('get_job', await this.actors.marketplace.get_job(id));
        failures = 0;
      } catch (error) {
        if (error instanceof Refused || ++failures >= READ_ATTEMPTS) throw error;
        await pause(intervalMs);
        continue;
      }
      const now = `${stateOf(job)}:${job.updated_at}`;
      if (now !== seen) onProgress(job);
      seen = now;
      if (FINAL_STATES.includes(stateOf(job))) return job;
      if (Date.now() >= deadline) throw new WaitTimeout(job, timeoutMs);
      await pause(intervalMs);
    }
  }

  /** A settled job's output as the bridge keeps it. */
  async output(id: bigint): Promise<JobOutput> {
    return ok('get_output', await this.actors.bridge.get_output(id));
  }

  /** Quote, approve and submit, wait, read the output: a text generation from start to end. */
  async run(
    model: bigint | string,
    prompt: string,
    options: JobOptions & WaitOptions,
  ): Promise<{ job: Job; output: JobOutput; text: string }> {
    const { job, output } = await this.complete(jobRequest(model, prompt, options), options);
    if (output.text[0] === undefined) throw new Error(`job ${job.id} gave no text: is model ${model} a text generation model?`);
    return { job, output, text: output.text[0] };
  }

  /** The same for an embedding: the text's vector. */
  async embed(
    model: bigint | string,
    text: string,
    options: JobOptions & WaitOptions,
  ): Promise<{ job: Job; output: JobOutput; vector: number[] }> {
    const { job, output } = await this.complete(jobRequest(model, text, options), options);
    if (output.vector.length === 0) throw new Error(`job ${job.id} gave no vector: is model ${model} an embedding model?`);
    return { job, output, vector: output.vector };
  }

  /** How what was escrowed for the job was paid out, as payment recorded it in its payees' histories. */
  async paidSplit(job: Job): Promise<PaidSplit> {
    // Candid decodes vec nat64 as a BigUint64Array, which holds no promises: map a plain array.
    const ran = Array.from(job.offers.slice(0, job.request.redundancy));
    const [offers, settings, escrow] = await Promise.all([
      Promise.all(ran.map((offer) => this.actors.marketplace.get_offer(offer))),
      this.actors.payment.get_config(),
      this.actors.payment.escrow_of(job.id),
    ]);
    const providers = offers.flatMap((found) => ('Ok' in found ? [found.Ok.provider] : []));
    const split = await recordedSplit(this.actors.payment, job, providers, settings.config.treasury);
    // A job in a reservation was paid with it: payment holds no escrow of the job's own.
    const escrowed = escrow[0]?.amount ?? 0n;
    return { ...split, escrowed, totals: splitTotals(escrowed, split) };
  }

  private async complete(request: JobRequest, options: WaitOptions): Promise<{ job: Job; output: JobOutput }> {
    const { job: submitted } = await this.approveAndSubmit(request, await this.quote(request));
    const job = await this.wait(submitted.id, options);
    if (!('settled' in job.state)) throw new JobUnsettled(job);
    return { job, output: await this.output(job.id) };
  }
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
