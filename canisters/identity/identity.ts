// The identity rules as one service over storage tables: accounts and certification, nodes and claims, stake and
// reputation. It never awaits: the canister glue does the ledger calls between a begin* step (check and lock) and its
// commit or abort, so a read made before an await is never trusted after it.
import { Principal } from '@dfinity/principal';

import type { Account } from '../ledger/types';
import { checkClaim, publicNode, type ClaimCode, type StoredNode } from './claims';
import { MIN_STAKE_ENTRY, StandingOutbox, type OutboxEntry } from './standing_outbox';
import type { OrderedTable, Table } from './tables';
import type { StandingPush } from '../marketplace/types';
import { isOneOf } from '../shared/guard';
import { ReputationBook } from './reputation_book';
import type { ReputationHead } from './reputation_codec';
import { applyUpdate, withDefaults } from './settings';
import { EMPTY_STAKE, bond, release, slash, totalStake, unbond } from './stake';
import type {
  Certification,
  CertificationStatus,
  ClaimTicket,
  Hardware,
  IdentityError,
  Node,
  Opt,
  PendingSlash,
  ProviderStanding,
  RegisterRequest,
  Reputation,
  Result,
  Settings,
  SettingsUpdate,
  SlashRecord,
  Stake,
  UserAccount,
} from './types';

export type { Table };

export type Tables = {
  settings: Table<Settings>;
  accounts: Table<UserAccount>;
  nodes: Table<StoredNode>;
  claimCodes: Table<ClaimCode>;
  stakes: Table<Stake>;
  slashes: Table<SlashRecord>;
  // The whole-record layout of earlier versions, read until each provider's next change (reputation_book.ts).
  reputations: Table<Reputation>;
  reputationHeads: Table<ReputationHead>;
  // Each change's Candid (reputation_codec.ts), keyed by provider and number.
  reputationChanges: Table<Uint8Array>;
  outbox: OrderedTable<bigint>;
  // The outbox as earlier versions stored it, emptied into `outbox` by an upgrade.
  earlierOutbox: OrderedTable<OutboxEntry>;
  pendingSlashes: Table<PendingSlash>;
  counters: Table<bigint>;
  // Unclaimed node ids keyed by unclaimedKey (their code's expiry first), kept in step with nodes and claimCodes.
  unclaimed: OrderedTable<string>;
};

/** A stake operation in flight: what the glue needs for its ledger call, and what abort restores. */
export type Lease = { provider: Principal; ledger: Principal; before: Stake; amount: bigint };
export type SlashLease = Lease & { treasury: Account; requested: bigint; reason: string; by: Principal; pending?: bigint };

/** Claimed nodes one provider may hold: each is a stored record and a node the bridge may probe. */
export const MAX_NODES_PER_PROVIDER = 32;
/** Unbonding entries one provider may have waiting: each is kept in the provider's one stake record. */
export const MAX_UNBONDINGS = 16;
/**
 * Unclaimed registrations kept at once: any signed caller may register a node, so without a cap strangers grow the
 * node table (and every scan of it) for free. Expired ones are pruned, so filling the cap blocks new registrations
 * for one claim code TTL unless the attacker keeps refilling it; a node already registered may always register again.
 * Far more workers than a market this size onboards within one TTL.
 */
export const MAX_UNCLAIMED_NODES = 2_000;
/** Expired registrations one register_node prunes (the timer prunes more): enough to make room, and cheap. */
export const PRUNE_PER_REGISTRATION = 10;
/** What the marketplace may add to a provider's reputation in one call: the credit for one settled job. */
export const MAX_JOB_CREDIT_BPS = 100;

const ALLOWED: Record<string, string[]> = {
  pending: ['certified', 'suspended'],
  certified: ['suspended'],
  suspended: ['certified'],
};

const unauthorized = (why: string): Result<never> => ({ Err: { Unauthorized: why } });
const invalid = (why: string): Result<never> => ({ Err: { InvalidInput: why } });
const err = (error: IdentityError): Result<never> => ({ Err: error });
// Principal.toText (base32 with a checksum) and fromText (which also checks by encoding again) each cost close to
// a million instructions, and a standing push reads one provider's tables under its text several times: both are
// remembered, the texts by object and the principals by text (bounded).
const texts = new WeakMap<Principal, string>();
const principals = new Map<string, Principal>();
const PRINCIPALS_KEPT = 10_000;
const key = (p: Principal): string => {
  let text = texts.get(p);
  if (text === undefined) texts.set(p, (text = p.toText()));
  return text;
};
const principalOf = (text: string): Principal => {
  let principal = principals.get(text);
  if (principal === undefined) {
    if (principals.size >= PRINCIPALS_KEPT) principals.clear();
    principals.set(text, (principal = Principal.fromText(text)));
    texts.set(principal, text);
  }
  return principal;
};
const same = (a: Principal, b: Principal): boolean => a.toText() === b.toText();
const statusName = (s: CertificationStatus): string => Object.keys(s)[0];
// Keys of the slash log sort by their text, so ids are zero-padded to keep it in order.
const slashKey = (id: bigint): string => id.toString().padStart(20, '0');
// The unclaimed index sorts by expiry, so the expired entries come first and pruning reads only those.
const unclaimedKey = (expiresAt: bigint, node: string): string => `${expiresAt.toString().padStart(20, '0')}:${node}`;

export class Identity {
  // Providers with a ledger call in flight. Heap only: upgrades follow stop_canister, which waits for open calls.
  private readonly busy = new Set<string>();

  readonly outbox: StandingOutbox;
  private readonly reputations: ReputationBook;
  // Read several times a message; every write goes through saveSettings, which keeps this in step.
  private cachedSettings: Settings | undefined;

  constructor(private readonly t: Tables) {
    this.outbox = new StandingOutbox(t.outbox);
    this.reputations = new ReputationBook(t.reputationHeads, t.reputationChanges, t.reputations);
  }

  settings(): Settings {
    if (this.cachedSettings !== undefined) return this.cachedSettings;
    const value = this.t.settings.get('settings');
    // init writes the settings before any method runs, so their absence means the canister is broken.
    if (value === undefined) throw new Error('identity: settings missing from stable memory');
    return (this.cachedSettings = withDefaults(value));
  }

  saveSettings(settings: Settings): void {
    this.t.settings.insert('settings', settings);
    this.cachedSettings = settings;
  }

  updateSettings(caller: Principal, update: SettingsUpdate): Result<Settings> {
    if (!isOneOf(caller, this.settings().admin)) return unauthorized('only the admin may change the settings');
    const before = this.settings();
    const next = applyUpdate(before, update);
    if (typeof next === 'string') return invalid(next);
    this.saveSettings(next);
    if (next.min_stake !== before.min_stake) this.outbox.mark(MIN_STAKE_ENTRY);
    return { Ok: next };
  }

  // Accounts and certification.

  register(caller: Principal, now: bigint, request: RegisterRequest): Result<UserAccount> {
    const problem = checkRegistration(request);
    if (problem !== undefined) return invalid(problem);
    const existing = this.t.accounts.get(key(caller));
    const provider = request.roles.some((r) => 'provider' in r);
    // A provider starts pending; once set, certification survives role changes so dropping a role cannot reset it.
    // With auto_certify on (a local network), a pending provider is certified as it registers; a suspension stays.
    const pending: Certification = { status: { pending: null }, updated_at: now, updated_by: [], reason: 'registered' };
    let certification: Opt<Certification> = existing?.certification.length ? existing.certification : provider ? [pending] : [];
    if (certification[0] !== undefined && 'pending' in certification[0].status && this.settings().auto_certify) {
      certification = [
        { status: { certified: null }, updated_at: now, updated_by: [], reason: 'certified on registration (auto_certify)' },
      ];
    }
    const account: UserAccount = {
      owner: caller,
      roles: request.roles,
      profile: request.profile,
      certification,
      created_at: existing?.created_at ?? now,
    };
    this.t.accounts.insert(key(caller), account);
    if (provider) this.outbox.mark(key(caller));
    return { Ok: account };
  }

  account(owner: Principal): UserAccount | undefined {
    return this.t.accounts.get(key(owner));
  }

  setCertification(caller: Principal, now: bigint, provider: Principal, status: CertificationStatus, reason: string): Result<UserAccount> {
    if (!isOneOf(caller, ...this.settings().certifiers)) return unauthorized('only a certifier may certify providers');
    if (reason.length > 256) return invalid('reason: at most 256 characters');
    const account = this.t.accounts.get(key(provider));
    const current = account?.certification[0];
    if (account === undefined || current === undefined) return err({ NotFound: 'no provider account' });
    const from = statusName(current.status);
    const to = statusName(status);
    if (!ALLOWED[from].includes(to)) return err({ InvalidTransition: `${from} cannot become ${to}` });
    const updated: UserAccount = { ...account, certification: [{ status, updated_at: now, updated_by: [caller], reason }] };
    this.t.accounts.insert(key(provider), updated);
    this.outbox.mark(key(provider));
    return { Ok: updated };
  }

  // Nodes and the claim flow.

  /**
   * Registers the calling worker (again, while unclaimed) and issues `code`, which replaces any earlier one.
   * A new node is refused with TooManyNodes while MAX_UNCLAIMED_NODES registrations wait, once expired ones are pruned.
   */
  registerNode(caller: Principal, now: bigint, hardware: Hardware, code: string): Result<ClaimTicket> {
    const problem = checkHardware(hardware);
    if (problem !== undefined) return invalid(problem);
    this.pruneExpired(now, PRUNE_PER_REGISTRATION);
    const existing = this.t.nodes.get(key(caller));
    if (existing !== undefined && 'claimed' in existing.status) return err({ AlreadyClaimed: { provider: existing.provider[0]! } });
    if (existing !== undefined && 'retired' in existing.status) return err({ InvalidTransition: 'the node is retired' });
    if (existing === undefined && this.t.unclaimed.len() >= MAX_UNCLAIMED_NODES) return err({ TooManyNodes: { max: MAX_UNCLAIMED_NODES } });
    if (existing !== undefined) this.forgetCode(existing);
    const expires_at = now + this.settings().claim_code_ttl_ns;
    const node: StoredNode = {
      id: caller,
      hardware,
      status: { unclaimed: null },
      provider: [],
      registered_at: existing?.registered_at ?? now,
      claimed_at: [],
      code,
    };
    this.t.nodes.insert(key(caller), node);
    this.t.claimCodes.insert(code, { node: caller, expires_at, used: false });
    this.t.unclaimed.insert(unclaimedKey(expires_at, key(caller)), key(caller));
    return { Ok: { code, expires_at } };
  }

  /**
   * Removes up to `max` unclaimed nodes whose code expired by `now`, with their codes; returns how many. A worker
   * that comes back later registers again. A claim takes its node out of the index and the status is checked again
   * here, so a claimed node is never pruned.
   */
  pruneExpired(now: bigint, max: number): number {
    const due = this.t.unclaimed.items(0, max).filter(([k]) => BigInt(k.slice(0, 20)) <= now);
    for (const [k, id] of due) {
      const node = this.t.nodes.get(id);
      if (node !== undefined && 'unclaimed' in node.status) {
        this.t.nodes.remove(id);
        this.t.claimCodes.remove(node.code);
      }
      this.t.unclaimed.remove(k);
    }
    return due.length;
  }

  /** After an upgrade: the outbox entries an earlier version stored are pushed like the rest. */
  adoptEarlierOutbox(): void {
    this.outbox.adopt(this.t.earlierOutbox);
  }

  /**
   * Indexes the unclaimed nodes registered before the index existed, once (an upgrade from such a version), so they
   * count toward the cap and are pruned like the rest. Walks the node table that one time only.
   */
  indexUnclaimedOnce(): void {
    if (this.t.counters.get('unclaimed_indexed') !== undefined) return;
    for (const node of this.t.nodes.values()) {
      const claim = this.t.claimCodes.get(node.code);
      if ('unclaimed' in node.status && claim !== undefined)
        this.t.unclaimed.insert(unclaimedKey(claim.expires_at, key(node.id)), key(node.id));
    }
    this.t.counters.insert('unclaimed_indexed', 1n);
  }

  // An unclaimed node's code and its index entry go together: a new code replaces both.
  private forgetCode(node: StoredNode): void {
    const claim = this.t.claimCodes.get(node.code);
    if (claim !== undefined) this.t.unclaimed.remove(unclaimedKey(claim.expires_at, key(node.id)));
    this.t.claimCodes.remove(node.code);
  }

  claimNode(caller: Principal, now: bigint, code: string): Result<Node> {
    if (!this.isProvider(caller)) return unauthorized('only a provider account may claim nodes');
    const claim = this.t.claimCodes.get(code);
    const node = claim === undefined ? undefined : this.t.nodes.get(key(claim.node));
    const problem = checkClaim(claim, node, now);
    if (problem !== undefined) return err(problem);
    const held = this.nodesOf(caller).filter((n) => 'claimed' in n.status).length;
    if (held >= MAX_NODES_PER_PROVIDER) return err({ TooManyNodes: { max: MAX_NODES_PER_PROVIDER } });
    const claimed: StoredNode = { ...node!, status: { claimed: null }, provider: [caller], claimed_at: [now] };
    this.t.nodes.insert(key(claimed.id), claimed);
    this.t.claimCodes.insert(code, { ...claim!, used: true });
    this.t.unclaimed.remove(unclaimedKey(claim!.expires_at, key(claimed.id)));
    return { Ok: publicNode(claimed) };
  }

  retireNode(caller: Principal, id: Principal): Result<Node> {
    const node = this.t.nodes.get(key(id));
    if (node === undefined) return err({ NotFound: 'no such node' });
    if (!isOneOf(caller, node.provider)) return unauthorized('only the provider that claimed the node may retire it');
    if (!('claimed' in node.status)) return err({ InvalidTransition: 'the node is already retired' });
    const retired: StoredNode = { ...node, status: { retired: null } };
    this.t.nodes.insert(key(id), retired);
    return { Ok: publicNode(retired) };
  }

  node(id: Principal): Node | undefined {
    const node = this.t.nodes.get(key(id));
    return node === undefined ? undefined : publicNode(node);
  }

  // A scan: nodes per provider are few and this is a query; an index arrives if the marketplace needs it hot.
  nodesOf(provider: Principal): Node[] {
    return this.t.nodes
      .values()
      .filter((n) => n.provider[0] !== undefined && same(n.provider[0], provider))
      .map(publicNode);
  }

  // Stake. Each ledger operation locks its provider, so no two run at once for one provider and abort can restore.

  stakeOf(provider: Principal): Stake {
    return this.t.stakes.get(key(provider)) ?? EMPTY_STAKE;
  }

  beginStake(caller: Principal, amount: bigint): Result<Lease> {
    if (!this.isProvider(caller)) return unauthorized('only a provider account may stake');
    if (amount <= 0n) return invalid('amount: must be positive');
    return this.lock(caller, amount);
  }

  commitStake(lease: Lease): Stake {
    const stake = bond(this.stakeOf(lease.provider), lease.amount);
    this.t.stakes.insert(key(lease.provider), stake);
    this.outbox.mark(key(lease.provider));
    this.unlock(lease);
    return stake;
  }

  unbond(caller: Principal, now: bigint, amount: bigint): Result<Stake> {
    if (this.busy.has(key(caller))) return err({ Busy: null });
    const stake = this.stakeOf(caller);
    if (stake.unbonding.length >= MAX_UNBONDINGS) return err({ TooManyUnbondings: { max: MAX_UNBONDINGS } });
    const next = unbond(stake, amount, now, this.settings().unbonding_delay_ns);
    if (next === undefined)
      return amount <= 0n ? invalid('amount: must be positive') : err({ InsufficientStake: { available: stake.bonded } });
    this.t.stakes.insert(key(caller), next);
    this.outbox.mark(key(caller));
    return { Ok: next };
  }

  /** Takes every released unbonding entry out of the stake before the transfer; abort puts them back. */
  beginWithdraw(caller: Principal, now: bigint): Result<Lease> {
    const leased = this.lock(caller, 0n);
    if ('Err' in leased) return leased;
    const { amount, rest, nextReleaseAt } = release(leased.Ok.before, now);
    if (amount === 0n) {
      this.unlock(leased.Ok);
      return err({ NothingToWithdraw: { next_release_at: nextReleaseAt === undefined ? [] : [nextReleaseAt] } });
    }
    this.t.stakes.insert(key(caller), rest);
    return { Ok: { ...leased.Ok, amount } };
  }

  /**
   * Only the verification canister slashes; the stake drops before the transfer to the treasury, abort restores it.
   * While the provider is busy in another ledger call the slash is kept as pending (SlashPending) and applied by the
   * next stake operation or the timer, so being busy never escapes a slash.
   */
  beginSlash(caller: Principal, now: bigint, provider: Principal, requested: bigint, reason: string): Result<SlashLease> {
    if (!isOneOf(caller, this.settings().verification)) return unauthorized('only the verification canister may slash');
    if (requested <= 0n) return invalid('amount: must be positive');
    if (reason.length === 0 || reason.length > 256) return invalid('reason: 1 to 256 characters');
    if (this.busy.has(key(provider))) {
      const id = this.nextPendingId();
      this.t.pendingSlashes.insert(slashKey(id), { id, provider, requested, reason, by: caller, at: now });
      return err({ SlashPending: { id } });
    }
    return this.leaseSlash({ provider, requested, reason, by: caller });
  }

  /** A pending slash taken up again: a lease as beginSlash gives, or Busy, or InsufficientStake (it is then dropped). */
  beginPendingSlash(id: bigint): Result<SlashLease> {
    const pending = this.t.pendingSlashes.get(slashKey(id));
    if (pending === undefined) return err({ NotFound: 'no such pending slash' });
    const leased = this.leaseSlash(pending);
    // Nothing left that a transfer could move: there is nothing to keep the slash for.
    if ('Err' in leased && 'InsufficientStake' in leased.Err) this.t.pendingSlashes.remove(slashKey(id));
    return 'Ok' in leased ? { Ok: { ...leased.Ok, pending: id } } : leased;
  }

  /** The pending slashes of `provider`, or of everyone, oldest first. */
  pendingSlashes(provider?: Principal): PendingSlash[] {
    const all = this.t.pendingSlashes.values();
    return provider === undefined ? all : all.filter((p) => same(p.provider, provider));
  }

  /** A pending slash that cannot move anything (its amount does not cover the ledger fee) ends here. */
  dropPending(lease: SlashLease): void {
    if (lease.pending !== undefined) this.t.pendingSlashes.remove(slashKey(lease.pending));
  }

  commitSlash(lease: SlashLease, now: bigint, block: bigint): SlashRecord {
    const id = BigInt(this.t.slashes.len());
    const record: SlashRecord = {
      id,
      provider: lease.provider,
      requested: lease.requested,
      amount: lease.amount,
      reason: lease.reason,
      by: lease.by,
      at: now,
      block,
    };
    this.t.slashes.insert(slashKey(id), record);
    this.dropPending(lease);
    this.outbox.mark(key(lease.provider));
    this.unlock(lease);
    return record;
  }

  private leaseSlash(p: { provider: Principal; requested: bigint; reason: string; by: Principal }): Result<SlashLease> {
    const leased = this.lock(p.provider, 0n);
    if ('Err' in leased) return leased;
    if (totalStake(leased.Ok.before) === 0n) {
      this.unlock(leased.Ok);
      return err({ InsufficientStake: { available: 0n } });
    }
    // Bonded and unbonding alike: unbonding right after a match does not escape a slash for that job.
    const { taken, rest } = slash(leased.Ok.before, p.requested);
    this.t.stakes.insert(key(p.provider), rest);
    return { Ok: { ...leased.Ok, amount: taken, treasury: this.settings().treasury, ...p } };
  }

  private nextPendingId(): bigint {
    const id = this.t.counters.get('pending_slash') ?? 0n;
    this.t.counters.insert('pending_slash', id + 1n);
    return id;
  }

  commitWithdraw(lease: Lease): void {
    this.unlock(lease);
  }

  /** The ledger refused or the call failed: the stake is as it was before the lease. */
  abort(lease: Lease): void {
    this.t.stakes.insert(key(lease.provider), lease.before);
    this.unlock(lease);
  }

  slashes(provider: Principal): SlashRecord[] {
    return this.t.slashes.values().filter((s) => same(s.provider, provider));
  }

  // Reputation.

  /**
   * The verification and bridge canisters judge work and may move reputation either way; the marketplace credits
   * settled jobs and may only raise it, by at most MAX_JOB_CREDIT_BPS a call. A provider can never change its own.
   */
  updateReputation(caller: Principal, now: bigint, provider: Principal, delta: number, reason: string): Result<Reputation> {
    const { verification, bridge, marketplace } = this.settings();
    const judge = isOneOf(caller, verification, bridge);
    if (!judge && !isOneOf(caller, marketplace)) {
      return unauthorized('only the verification, bridge and marketplace canisters may change reputation');
    }
    if (!judge && (delta <= 0 || delta > MAX_JOB_CREDIT_BPS)) {
      return invalid(`delta_bps: the marketplace may only credit 1 to ${MAX_JOB_CREDIT_BPS} bps`);
    }
    if (!Number.isInteger(delta) || delta < -10_000 || delta > 10_000) return invalid('delta_bps: between -10000 and 10000');
    if (reason.length > 256) return invalid('reason: at most 256 characters');
    if (this.t.accounts.get(key(provider)) === undefined) return err({ NotFound: 'no such account' });
    const next = this.reputations.change(key(provider), delta, caller, now, reason);
    this.outbox.mark(key(provider));
    return { Ok: next };
  }

  reputation(provider: Principal): Reputation {
    return this.reputations.get(key(provider));
  }

  /** Only a certified provider with at least the minimum stake bonded is matched. */
  standing(provider: Principal): ProviderStanding {
    const account = this.t.accounts.get(key(provider));
    const certified =
      this.isProvider(provider) && account?.certification[0] !== undefined && 'certified' in account.certification[0].status;
    const { bonded } = this.stakeOf(provider);
    const { min_stake } = this.settings();
    return { certified, bonded, min_stake, reputation_bps: this.reputation(provider).bps, matchable: certified && bonded >= min_stake };
  }

  /** What one push tells the marketplace: min_stake and the standings of the providers in `batch`. */
  standingPush(batch: OutboxEntry[]): StandingPush {
    const standings = batch
      .filter((entry) => entry.key !== MIN_STAKE_ENTRY)
      .map((entry) => {
        const provider = principalOf(entry.key);
        const { certified, bonded, reputation_bps } = this.standing(provider);
        return { provider, certified, stake: bonded, reputation_bps };
      });
    return { min_stake: this.settings().min_stake, standings };
  }

  private isProvider(p: Principal): boolean {
    return this.t.accounts.get(key(p))?.roles.some((r) => 'provider' in r) ?? false;
  }

  private lock(provider: Principal, amount: bigint): Result<Lease> {
    const ledger = this.settings().ledger[0];
    if (ledger === undefined) return err({ LedgerNotSet: null });
    if (this.busy.has(key(provider))) return err({ Busy: null });
    this.busy.add(key(provider));
    return { Ok: { provider, ledger, before: this.stakeOf(provider), amount } };
  }

  private unlock(lease: Lease): void {
    this.busy.delete(key(lease.provider));
  }
}

function checkRegistration({ roles, profile }: RegisterRequest): string | undefined {
  if (roles.length === 0) return 'roles: at least one';
  const names = roles.map((r) => Object.keys(r)[0]);
  if (new Set(names).size !== names.length) return 'roles: each at most once';
  const p = profile[0];
  if (names.includes('provider') && p === undefined) return 'profile: a provider needs a name, region and contact';
  if (p !== undefined) {
    if (p.name.trim().length === 0 || p.name.length > 64) return 'profile.name: 1 to 64 characters';
    if (p.region.trim().length === 0 || p.region.length > 32) return 'profile.region: 1 to 32 characters';
    if (p.contact.length > 128) return 'profile.contact: at most 128 characters';
  }
  return undefined;
}

function checkHardware(h: Hardware): string | undefined {
  if (h.cpu_cores === 0) return 'hardware.cpu_cores: at least 1';
  if (h.description.length > 256) return 'hardware.description: at most 256 characters';
  if ((h.gpu_model[0]?.length ?? 0) > 64) return 'hardware.gpu_model: at most 64 characters';
  return undefined;
}
