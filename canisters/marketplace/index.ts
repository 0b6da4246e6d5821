// The marketplace canister: candid glue around the offer book and matching (offers.ts, matching.ts) and the
// job flows (job_desk.ts), whose timer sweeps timed-out jobs and retries payments that did not land.
import { IDL, init, inspectMessage, msgArgData, msgCaller, postUpgrade, Principal, setTimerInterval, time } from 'azle';

import { DEFAULTS as IDENTITY_DEFAULTS } from '../identity/settings';

import { query, update } from '../shared/methods';
import { analytics, reportingJobs } from './analytics_peer';
import { claimAdmin, ClaimAdminResult } from '../shared/admin_claim';
import { auditCandidates } from './auditors';
import { requireSignedCaller } from '../shared/caller';
import { guard, isOneOf } from '../shared/guard';
import { acceptIngress } from '../shared/inspect';
import { versionOf } from '../shared/version';
import { checkConfig, MarketConfig, SWEEP_INTERVAL_S, withoutRetiredFields } from './config';
import { matchable, providerKey, type MatchContext } from './eligibility';
import { claimedNodes, fetchStanding, JOB_CREDIT_BPS } from './identity_peer';
import { raiseReputation } from '../shared/reputation';
import { decodeInitArg, initialSettings } from './init_arg';
import { JobDesk } from './job_desk';
import { JobNotices, notifyingJobs } from './job_notices';
import { Job, JobId, JobPage, JobRequest, JobResult, JobRun, ModelRates } from './job_types';
import { JobBook } from './jobs';
import { ModelCache } from './model_cache';
import { ModelId } from '../shared/models';
import { match, modelMultiplier } from './matching';
import { sendNotice } from './notice_peer';
import { MatchOutcome, type ProviderStanding } from './match_types';
import { Offer, OfferId, OfferResult, OfferTerms } from './offer_types';
import { OfferBook } from './offers';
import { probeTargets } from './probe_targets';
import { utilizationBps } from './pricing';
import { Reservation, ReservationRequest, ReservationResult } from './reservation_types';
import { Reservations } from './reservations';
import {
  nextId,
  stableJobs,
  stableNotices,
  stableOffers,
  stableReservations,
  stableSettings,
  stableStandings,
  upgradeLayout,
} from './storage';
import {
  AdminResult,
  InitArg,
  MAX_PAGE,
  MAX_PUSH,
  OfferFilter,
  OfferPage,
  Page,
  Peers,
  QuoteResult,
  RefreshError,
  StandingPush,
  withApiPeer,
  withPeers,
  type Settings,
} from './types';

/** A provider's standing as the admin sets it. */
const Standing = IDL.Record({ certified: IDL.Bool, stake: IDL.Nat, reputation_bps: IDL.Nat16 });

export default class {
  // Built in init and postUpgrade from stable memory, reading only what a stranger cannot add for free (storage.ts):
  // the ladders and the standings are heap caches, the other indexes live in stable memory.
  book!: OfferBook;
  // Standings read so far; any other is read from stable memory when asked for.
  standings!: Map<string, ProviderStanding>;
  jobs!: JobBook;
  notices = new JobNotices(stableNotices);
  reservations!: Reservations;
  desk!: JobDesk;
  // Models jobs named lately; heap only, so an upgrade asks the registry again.
  models = new ModelCache();

  // Manual: an install with no argument at all must work too (see init_arg.ts).
  @init([IDL.Opt(InitArg)], { manual: true })
  init(): void {
    const arg = decodeInitArg(msgArgData());
    stableSettings.put(initialSettings(arg, msgCaller()));
    analytics.name(arg?.analytics ?? []);
    this.load();
  }

  // Azle requires init's parameters here too. Settings survive upgrades; only an analytics peer named is taken.
  @postUpgrade([IDL.Opt(InitArg)], { manual: true })
  postUpgrade(): void {
    analytics.name(decodeInitArg(msgArgData())?.analytics ?? []);
    this.load();
  }

  private load(): void {
    const stored = withApiPeer(stableSettings.get());
    stableSettings.put({ ...stored, config: withoutRetiredFields(stored.config) });
    upgradeLayout();
    const certified = stableStandings.certified();
    this.standings = new Map(certified.map((key) => [key, stableStandings.get(key)!]));
    this.book = new OfferBook(stableOffers, (provider) => matchable(this.standingOf(providerKey(provider)), this.minStake()), certified);
    this.jobs = new JobBook(reportingJobs(notifyingJobs(stableJobs, this.notices, sendNotice), () => this.book));
    this.reservations = new Reservations(stableReservations.values());
    for (const job of this.jobs.occupying()) if (job.request.reservation.length === 1) this.reservations.use(job.request.reservation[0], 1);
    this.desk = new JobDesk({
      book: this.book,
      jobs: this.jobs,
      reservations: this.reservations,
      storeReservation: (reservation, removed) =>
        removed ? stableReservations.remove(reservation.id) : stableReservations.put(reservation),
      settings: () => stableSettings.get(),
      models: this.models,
      context: () => this.context(),
      nextId,
      credit: (providers, job) => this.credit(providers, job),
    });
    // Timers do not survive an upgrade, so postUpgrade arms the sweep again through here.
    setTimerInterval(SWEEP_INTERVAL_S, async () => void (await this.desk.sweep()));
  }

  // Ingress only: anonymous callers are refused before induction, and anyone calling a method only canisters call
  // (identity's push_standings, the registry's models_changed, the bridge's audit_candidates, a consumer canister's notify_on_end, the api
  // canister's run_job_for); no method takes more than 64 KiB (a job's input is capped well below it).
  @inspectMessage({ manual: true })
  inspect(): boolean {
    return acceptIngress({ peersOnly: ['push_standings', 'models_changed', 'audit_candidates', 'notify_on_end', 'run_job_for'] });
  }

  @query([], IDL.Text)
  version(): string {
    return versionOf('marketplace');
  }

  // Offers: the owner changes them, anonymous callers are refused with a trap before anything is read.

  @update([OfferTerms], OfferResult(Offer))
  async create_offer(terms: OfferTerms): Promise<OfferResult<Offer>> {
    requireSignedCaller();
    const caller = msgCaller();
    const refused = await this.checkNodes(caller, terms);
    return refused ?? this.book.create(caller, time(), terms);
  }

  @update([OfferId, OfferTerms], OfferResult(Offer))
  async update_offer(id: bigint, terms: OfferTerms): Promise<OfferResult<Offer>> {
    requireSignedCaller();
    const caller = msgCaller();
    const refused = await this.checkNodes(caller, terms);
    return refused ?? this.book.update(caller, time(), id, terms);
  }

  // Jobs go to the nodes an offer names and pay the offer's provider, so a provider may only name nodes identity
  // says it has claimed. Without an identity peer (a marketplace tested alone) there is nothing to check against.
  private async checkNodes(provider: Principal, terms: OfferTerms): Promise<OfferResult<never> | undefined> {
    const identity = stableSettings.get().peers.identity[0];
    if (identity === undefined) return undefined;
    const claimed = await claimedNodes(identity, provider);
    if ('Err' in claimed) return { Err: { InvalidInput: `cannot check the nodes with identity: ${claimed.Err}` } };
    const foreign = terms.nodes.find((node) => !claimed.Ok.some((own) => own.compareTo(node) === 'eq'));
    if (foreign !== undefined) return { Err: { Unauthorized: `node ${foreign.toText()} is not one you have claimed` } };
    return undefined;
  }

  @update([OfferId], OfferResult(Offer))
  pause_offer(id: bigint): OfferResult<Offer> {
    requireSignedCaller();
    return this.book.pause(msgCaller(), time(), id);
  }

  @update([OfferId], OfferResult(Offer))
  resume_offer(id: bigint): OfferResult<Offer> {
    requireSignedCaller();
    return this.book.resume(msgCaller(), time(), id);
  }

  @update([OfferId], OfferResult(Offer))
  retire_offer(id: bigint): OfferResult<Offer> {
    requireSignedCaller();
    return this.book.retire(msgCaller(), time(), id);
  }

  @query([OfferId], OfferResult(Offer))
  get_offer(id: bigint): OfferResult<Offer> {
    const offer = this.book.get(id);
    return offer === undefined ? { Err: { NotFound: null } } : { Ok: offer };
  }

  /**
   * Offers in id order, `limit` at most 100: all of them (a key range), one provider's (its index, at most
   * MAX_OFFERS_PER_PROVIDER), or the live (active or paused) ones of a model (its live set, in stable memory).
   */
  @query([OfferFilter, Page], OfferResult(OfferPage))
  list_offers(filter: OfferFilter, page: Page): OfferResult<OfferPage> {
    if (page.limit > MAX_PAGE) return { Err: { InvalidInput: `limit: at most ${MAX_PAGE}` } };
    const [provider, model] = [filter.provider[0], filter.model[0]];
    const start = Number(page.offset);
    if (provider === undefined && model === undefined) {
      return { Ok: { offers: stableOffers.range(page.offset, page.limit), total: stableOffers.count() } };
    }
    if (provider === undefined) {
      const ids = this.book.index.liveIds(model!, start, page.limit);
      return { Ok: { offers: ids.map((id) => this.book.get(id)!), total: BigInt(this.book.index.liveCount(model!)) } };
    }
    let offers = this.book.offersOf(provider).map((id) => this.book.get(id)!);
    if (model !== undefined) offers = offers.filter((o) => !('retired' in o.status) && o.terms.models.includes(model));
    return { Ok: { offers: offers.slice(start, start + page.limit), total: BigInt(offers.length) } };
  }

  // Matching: the same pure `match` the job flow will use, with no state change.

  @query([JobRequest], MatchOutcome)
  explain_match(request: JobRequest): MatchOutcome {
    return match(this.book, request, this.context());
  }

  /** The same as explain_match, run as an update so it is charged (benchmarks read the cycles). */
  @update([JobRequest], MatchOutcome)
  explain_match_update(request: JobRequest): MatchOutcome {
    requireSignedCaller();
    return match(this.book, request, this.context());
  }

  @query([JobRequest], QuoteResult)
  quote(request: JobRequest): QuoteResult {
    const outcome = match(this.book, request, this.context());
    if ('NoMatch' in outcome) return { Err: outcome.NoMatch };
    const { chosen, multiplier_bps } = outcome.Matched;
    return { Ok: { chosen, multiplier_bps, total: chosen.reduce((sum, c) => sum + c.quote, 0n) } };
  }

  private context(): MatchContext {
    return {
      config: stableSettings.get().config,
      minStake: this.minStake(),
      providers: { get: (key) => this.standingOf(key) },
      reserved: this.reservations.reservedNow(time()),
    };
  }

  private standingOf(key: string): ProviderStanding | undefined {
    const cached = this.standings.get(key);
    if (cached !== undefined) return cached;
    const stored = stableStandings.get(key);
    if (stored !== undefined) this.standings.set(key, stored);
    return stored;
  }

  private minStake(): bigint {
    return stableSettings.get().min_stake ?? IDENTITY_DEFAULTS.min_stake;
  }

  // Good work raises reputation: each provider paid for a settled job is credited JOB_CREDIT_BPS in identity, which
  // pushes the new standing back. A credit that fails is lost; it is a reward, not money.
  private async credit(providers: Principal[], job: bigint): Promise<void> {
    const identity = stableSettings.get().peers.identity[0];
    if (identity === undefined) return;
    for (const provider of providers) await raiseReputation(identity, provider, JOB_CREDIT_BPS, `job ${job} settled`);
  }

  private setStanding(provider: Principal, standing: ProviderStanding): void {
    stableStandings.put(providerKey(provider), standing);
    this.standings.set(providerKey(provider), standing);
    this.book.reindex(provider);
  }

  // Jobs. The consumer submits and cancels; the bridge (until one is named, the admin) reports outcomes.

  /**
   * Checks the model with the registry, matches, takes the running replicas' slots and has payment escrow their
   * quotes from the caller's ICRC-2 allowance (approve the payment canister for the quoted total plus the fee).
   */
  @update([JobRequest], JobResult(Job))
  async submit_job(request: JobRequest): Promise<JobResult<Job>> {
    requireSignedCaller();
    if (stableSettings.get().intake_paused === true) return { Err: { IntakePaused: null } };
    return this.desk.submit(msgCaller(), request);
  }

  /**
   * One awaited call for a short job (what a canister calls): submit_job's path, paid the same way from the caller's
   * allowance, but the bridge runs the job inside this call. The reply is the job, settled, with its output; or
   * JobFailed once the job failed and its escrow was refunded. A long job (see shared/job_limits.ts) is refused with
   * InvalidInput before anything is escrowed: submit it with submit_job. Needs a bridge (NotConfigured without one).
   */
  @update([JobRequest], JobResult(JobRun))
  async run_job(request: JobRequest): Promise<JobResult<JobRun>> {
    requireSignedCaller();
    if (stableSettings.get().intake_paused === true) return { Err: { IntakePaused: null } };
    return this.desk.run(msgCaller(), request);
  }

  /**
   * run_job for `consumer`, called by the api canister only: it runs its keys' requests as their owners' jobs, so
   * the escrow comes from the owner's allowance to payment and the job is the owner's (get_job, get_output).
   */
  @update([IDL.Principal, JobRequest], JobResult(JobRun))
  async run_job_for(consumer: Principal, request: JobRequest): Promise<JobResult<JobRun>> {
    const settings = stableSettings.get();
    const denied = guard(msgCaller(), 'the api canister', settings.peers.api);
    if (denied !== undefined) return { Err: { Unauthorized: denied } };
    if (consumer.isAnonymous()) return { Err: { InvalidInput: 'consumer: the anonymous principal cannot pay for a job' } };
    if (settings.intake_paused === true) return { Err: { IntakePaused: null } };
    return this.desk.run(consumer, request);
  }

  /**
   * Opt-in, for a canister consumer of a long job: when the job ends (settled or refunded) the marketplace calls
   * the caller's update `method(job_id : nat64, outcome : variant { settled; refunded : text })` once, one way, so
   * whatever the method does changes nothing in the job or its payment. The job's consumer only, and only a
   * canister; a second call replaces the method named before.
   */
  @update([JobId, IDL.Text], JobResult(IDL.Null))
  notify_on_end(id: bigint, method: string): JobResult<null> {
    return this.notices.ask(msgCaller(), this.jobs.get(id), method);
  }

  /** The consumer, the providers of its offers, the admin and the bridge may read a job. */
  @query([JobId], JobResult(Job))
  get_job(id: bigint): JobResult<Job> {
    const job = this.jobs.get(id);
    if (job === undefined) return { Err: { NotFound: null } };
    const caller = msgCaller();
    const { admin, peers } = stableSettings.get();
    const readers = [job.consumer, admin, ...peers.bridge, ...job.offers.map((offer) => this.book.get(offer)!.provider)];
    if (!isOneOf(caller, ...readers)) return { Err: { Unauthorized: 'only the consumer and the job’s providers may read it' } };
    return { Ok: job };
  }

  /**
   * Up to `count` (at most 16) nodes that may audit the job: of eligible providers serving its model, none of the
   * job's own, one per provider, from a random point of the price ladders (see auditors.ts). The bridge only: it
   * draws the auditors among them at random. An update, not a query: a query's state is discarded, so the random
   * source would never advance and every job would start at the same rung.
   */
  @update([JobId, IDL.Nat32], JobResult(IDL.Vec(IDL.Principal)))
  audit_candidates(id: bigint, count: number): JobResult<Principal[]> {
    const denied = guard(msgCaller(), 'the bridge', stableSettings.get().peers.bridge);
    if (denied !== undefined) return { Err: { Unauthorized: denied } };
    const job = this.jobs.get(id);
    if (job === undefined) return { Err: { NotFound: null } };
    // Azle seeds crypto.getRandomValues from raw_rand in its init timer.
    const randomBelow = (bound: number) => crypto.getRandomValues(new Uint32Array(1))[0] % bound;
    return { Ok: auditCandidates(this.book, job, count, this.context(), randomBelow) };
  }

  /**
   * The nodes the bridge probes: those in active offers of certified, staked providers, at most 1,000 (see
   * probe_targets.ts), so nodes and offers of strangers cost a probe round nothing. The bridge only.
   */
  @query([], AdminResult(IDL.Vec(IDL.Principal)))
  probe_targets(): AdminResult<Principal[]> {
    const denied = guard(msgCaller(), 'the bridge', stableSettings.get().peers.bridge);
    if (denied !== undefined) return { Err: { Unauthorized: denied } };
    return { Ok: probeTargets(this.book) };
  }

  /** The caller's own jobs, newest first, `limit` at most 100. */
  @query([Page], JobResult(JobPage))
  list_jobs(page: Page): JobResult<JobPage> {
    if (page.limit > MAX_PAGE) return { Err: { InvalidInput: `limit: at most ${MAX_PAGE}` } };
    return { Ok: this.jobs.page(msgCaller(), Number(page.offset), page.limit) };
  }

  @update([JobId], JobResult(Job))
  async cancel_job(id: bigint): Promise<JobResult<Job>> {
    requireSignedCaller();
    return this.desk.cancel(msgCaller(), id);
  }

  /**
   * The job's result hash is in: the job completes and payment settles it among the providers of `paid_nodes` (the
   * majority, when the answers were verified; empty: every replica that ran). Bridge only (admin until one is named).
   */
  @update([JobId, IDL.Vec(IDL.Nat8), IDL.Vec(IDL.Principal)], JobResult(Job))
  async complete_job(id: bigint, resultHash: Uint8Array, paidNodes: Principal[]): Promise<JobResult<Job>> {
    requireSignedCaller();
    return this.desk.complete(msgCaller(), id, resultHash, paidNodes);
  }

  /** The job could not be delivered: it fails and payment refunds it. Bridge only (admin until one is named). */
  @update([JobId, IDL.Text], JobResult(Job))
  async fail_job(id: bigint, reason: string): Promise<JobResult<Job>> {
    requireSignedCaller();
    return this.desk.fail(msgCaller(), id, reason);
  }

  /**
   * Reserves slots of an offer for a window and pays up front: payment escrows the price from the caller's
   * allowance and settles it to the provider. Jobs naming the reservation then run in those slots at no charge.
   */
  @update([ReservationRequest], ReservationResult(Reservation))
  async reserve(request: ReservationRequest): Promise<ReservationResult<Reservation>> {
    requireSignedCaller();
    if (stableSettings.get().intake_paused === true) return { Err: { IntakePaused: null } };
    return this.desk.reserve(msgCaller(), request);
  }

  /** The caller's reservations that have not ended, or ended and not yet paid. */
  @query([], IDL.Vec(Reservation))
  list_reservations(): Reservation[] {
    return this.reservations.of(msgCaller());
  }

  /** The published dynamic price of a model: utilization of its active offers, the multiplier it sets, the lane surcharge. */
  @query([IDL.Nat64], ModelRates)
  model_rates(model: bigint): ModelRates {
    const { config } = stableSettings.get();
    const entry = this.book.index.model(model);
    const [capacity, load] = [entry?.capacity ?? 0, entry?.load ?? 0];
    return {
      model,
      capacity,
      load,
      utilization_bps: utilizationBps(load, capacity),
      multiplier_bps: modelMultiplier(entry, config),
      priority_surcharge_bps: config.priority_surcharge_bps,
    };
  }

  // Provider standing. Matching reads only the standings kept here (a provider missing is uncertified with no stake).
  // Identity pushes every change (push_standings); refresh_standing copies one on request, for a network whose
  // identity does not name this marketplace yet; set_provider_standing is the admin's stand-in for tests,
  // benchmarks and networks without identity.

  @update([IDL.Principal, Standing], AdminResult(IDL.Null))
  set_provider_standing(provider: Principal, standing: ProviderStanding): AdminResult<null> {
    requireSignedCaller();
    const denied = this.denyNonAdmin();
    if (denied !== undefined) return denied;
    if (standing.reputation_bps > 10_000) return { Err: { InvalidInput: 'reputation_bps: at most 10000' } };
    this.setStanding(provider, standing);
    return { Ok: null };
  }

  /**
   * Identity pushes each change of a provider's standing (certification, stake, slash, reputation) and its
   * min_stake, so matching never waits for refresh_standing. The identity peer only.
   */
  @update([StandingPush], AdminResult(IDL.Null))
  push_standings(push: StandingPush): AdminResult<null> {
    const denied = guard(msgCaller(), 'the identity canister', stableSettings.get().peers.identity);
    if (denied !== undefined) return { Err: { Unauthorized: denied } };
    if (push.standings.length > MAX_PUSH) return { Err: { InvalidInput: `standings: at most ${MAX_PUSH} a push` } };
    if (push.standings.some((s) => s.reputation_bps > 10_000)) return { Err: { InvalidInput: 'reputation_bps: at most 10000' } };
    const minimumChanged = push.min_stake !== this.minStake();
    if (minimumChanged) stableSettings.put({ ...stableSettings.get(), min_stake: push.min_stake });
    for (const { provider, ...standing } of push.standings) this.setStanding(provider, standing);
    // Only certified providers can be matched, whatever the minimum.
    if (minimumChanged) this.book.reindexAll(stableStandings.certified());
    return { Ok: null };
  }

  /**
   * The registry names models whose access changed since it last told this marketplace: their records kept for
   * submissions (model_cache.ts) are dropped and asked again. The model registry peer only.
   */
  @update([IDL.Vec(ModelId)], AdminResult(IDL.Null))
  models_changed(ids: bigint[]): AdminResult<null> {
    const denied = guard(msgCaller(), 'the model registry', stableSettings.get().peers.model_registry);
    if (denied !== undefined) return { Err: { Unauthorized: denied } };
    if (ids.length > MAX_PUSH) return { Err: { InvalidInput: `ids: at most ${MAX_PUSH} a push` } };
    this.models.changed(ids);
    return { Ok: null };
  }

  /**
   * Reads the provider's standing from the identity canister named at init and keeps it for matching. Any signed
   * caller may ask: it only copies what identity says. Read, await, commit: nothing read before the await is used
   * after it, and the reply overwrites the entry whole.
   */
  @update([IDL.Principal], IDL.Variant({ Ok: Standing, Err: RefreshError }))
  async refresh_standing(provider: Principal): Promise<{ Ok: ProviderStanding } | { Err: RefreshError }> {
    requireSignedCaller();
    const identity = stableSettings.get().peers.identity[0];
    if (identity === undefined) return { Err: { NoIdentityPeer: null } };
    const fetched = await fetchStanding(identity, provider);
    if ('Err' in fetched) return { Err: { CallFailed: fetched.Err } };
    this.setStanding(provider, fetched.Ok);
    return fetched;
  }

  @query([IDL.Principal], IDL.Opt(Standing))
  provider_standing(provider: Principal): [] | [ProviderStanding] {
    const standing = this.standingOf(providerKey(provider));
    return standing === undefined ? [] : [standing];
  }

  // Configuration, admin only.

  @query([], MarketConfig)
  get_config(): MarketConfig {
    return stableSettings.get().config;
  }

  @update([MarketConfig], AdminResult(MarketConfig))
  set_config(config: MarketConfig): AdminResult<MarketConfig> {
    requireSignedCaller();
    const denied = this.denyNonAdmin();
    if (denied !== undefined) return denied;
    const problem = checkConfig(config);
    if (problem !== undefined) return { Err: { InvalidInput: problem } };
    stableSettings.put({ ...stableSettings.get(), config });
    return { Ok: config };
  }

  /** Pauses (true) or resumes (false) job intake: submit_job is refused while paused; running jobs finish. Admin only. */
  @update([IDL.Bool], AdminResult(IDL.Bool))
  set_job_intake_paused(paused: boolean): AdminResult<boolean> {
    requireSignedCaller();
    const denied = this.denyNonAdmin();
    if (denied !== undefined) return denied;
    stableSettings.put({ ...stableSettings.get(), intake_paused: paused });
    return { Ok: paused };
  }

  @query([], IDL.Bool)
  job_intake_paused(): boolean {
    return stableSettings.get().intake_paused === true;
  }

  /** Names peers (an empty opt keeps the current one); naming the bridge closes the admin's outcome path. Admin only. */
  @update([Peers], AdminResult(Peers))
  set_peers(update: Peers): AdminResult<Peers> {
    requireSignedCaller();
    const denied = this.denyNonAdmin();
    if (denied !== undefined) return denied;
    const current = stableSettings.get();
    const peers = withPeers(current.peers, update);
    stableSettings.put({ ...current, peers });
    return { Ok: peers };
  }

  /** A controller (governance, after the hand-over) becomes the admin. */
  @update([], ClaimAdminResult)
  claim_admin(): ClaimAdminResult {
    return claimAdmin((admin) => stableSettings.put({ ...stableSettings.get(), admin }));
  }

  @query([], IDL.Record({ admin: IDL.Principal, peers: Peers }))
  settings(): Omit<Settings, 'config'> {
    const { admin, peers } = stableSettings.get();
    return { admin, peers };
  }

  private denyNonAdmin(): AdminResult<never> | undefined {
    if (!isOneOf(msgCaller(), stableSettings.get().admin)) return { Err: { Unauthorized: 'only the admin may do this' } };
    return undefined;
  }
}
