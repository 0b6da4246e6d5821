// The identity canister: candid glue around the rules in identity.ts, and the ledger calls between their steps.
import {
  IDL,
  init,
  inspectMessage,
  msgArgData,
  msgCaller,
  msgReply,
  postUpgrade,
  Principal,
  setTimerInterval,
  time,
  update as azleUpdate,
} from 'azle';

import { query, update } from '../shared/methods';
import { decodeCandid } from '../shared/candid_cache';
import { claimAdmin, ClaimAdminResult } from '../shared/admin_claim';
import { Account } from '../ledger/types';
import { requireSignedCaller } from '../shared/caller';
import { acceptIngress } from '../shared/inspect';
import { versionOf } from '../shared/version';
import { formatCode } from './claims';
import { Identity, type Lease, type SlashLease } from './identity';
import { MIN_STAKE_ENTRY } from './standing_outbox';
import { pushStandings } from './marketplace_peer';
import { decodeInitArg } from './init_arg';
import { ledgerFee as fee } from '../shared/icrc_ledger';
import { isBurn, payOut, pullStake, stakeAccount } from './ledger';
import { encodeReputationResult, ReputationResult } from './reputation_codec';
import { initialSettings } from './settings';
import { stableTables, stakeMap } from './storage';
import {
  BondedStakes,
  CertificationStatus,
  ClaimTicket,
  Hardware,
  InitArg,
  MAX_STAKES_PAGE,
  Node,
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
  Withdrawal,
} from './types';

/**
 * How often the timer pushes standings the marketplace has not acknowledged, applies pending slashes and prunes
 * expired node registrations.
 */
const RETRY_INTERVAL_S = 30;
/** Pending slashes the timer takes up per round, so one round stays small. */
const PENDING_PER_ROUND = 10;
/** Expired registrations pruned per round: the whole cap (MAX_UNCLAIMED_NODES) in two rounds, each a few map writes. */
const PRUNED_PER_ROUND = 1_000;
const UPDATE_REPUTATION_PARAMS = [IDL.Principal, IDL.Int32, IDL.Text];

export default class {
  identity = new Identity(stableTables);

  // Manual: an install with no argument at all must work too (see shared/init_arg.ts).
  @init([IDL.Opt(InitArg)], { manual: true })
  init(): void {
    this.identity.saveSettings(initialSettings(decodeInitArg(msgArgData()), msgCaller()));
    this.identity.indexUnclaimedOnce();
    // The marketplace keeps the min_stake of the last push (its default until one arrives); identity's upgrade sends
    // it again, so a marketplace upgraded from before pushes does not match on the default for long.
    this.identity.outbox.mark(MIN_STAKE_ENTRY);
    this.armTimer();
  }

  // Azle requires init's parameters here too. The argument is ignored: settings survive upgrades and change
  // only through update_settings.
  @postUpgrade([IDL.Opt(InitArg)], { manual: true })
  postUpgrade(): void {
    this.identity.indexUnclaimedOnce();
    this.identity.adoptEarlierOutbox();
    // The marketplace keeps the min_stake of the last push (its default until one arrives); identity's upgrade sends
    // it again, so a marketplace upgraded from before pushes does not match on the default for long.
    this.identity.outbox.mark(MIN_STAKE_ENTRY);
    this.armTimer();
  }

  // Timers do not survive an upgrade, so init and postUpgrade both arm the retry round.
  private armTimer(): void {
    setTimerInterval(RETRY_INTERVAL_S, async () => {
      this.identity.pruneExpired(time(), PRUNED_PER_ROUND);
      await this.publish();
      for (const pending of this.identity.pendingSlashes().slice(0, PENDING_PER_ROUND)) await this.applyPending(pending.id);
    });
  }

  // Ingress only: anonymous callers are refused; every argument here is small.
  @inspectMessage({ manual: true })
  inspect(): boolean {
    return acceptIngress();
  }

  @query([], IDL.Text)
  version(): string {
    return versionOf('identity');
  }

  @query([], Settings)
  settings(): Settings {
    return this.identity.settings();
  }

  @update([SettingsUpdate], Result(Settings))
  async update_settings(update: SettingsUpdate): Promise<Result<Settings>> {
    requireSignedCaller();
    return this.published(this.identity.updateSettings(msgCaller(), update));
  }

  /** A controller (governance, after the hand-over) becomes the admin. */
  @update([], ClaimAdminResult)
  claim_admin(): ClaimAdminResult {
    return claimAdmin((admin) => this.identity.saveSettings({ ...this.identity.settings(), admin }));
  }

  @update([RegisterRequest], Result(UserAccount))
  async register(request: RegisterRequest): Promise<Result<UserAccount>> {
    requireSignedCaller();
    return this.published(this.identity.register(msgCaller(), time(), request));
  }

  @query([IDL.Principal], IDL.Opt(UserAccount))
  get_account(owner: Principal): [] | [UserAccount] {
    const account = this.identity.account(owner);
    return account === undefined ? [] : [account];
  }

  @update([IDL.Principal, CertificationStatus, IDL.Text], Result(UserAccount))
  async set_certification(provider: Principal, status: CertificationStatus, reason: string): Promise<Result<UserAccount>> {
    requireSignedCaller();
    return this.published(this.identity.setCertification(msgCaller(), time(), provider, status, reason));
  }

  @query([IDL.Principal], ProviderStanding)
  standing(provider: Principal): ProviderStanding {
    return this.identity.standing(provider);
  }

  /** Called by a worker with its own key; the code it gets back is shown to its provider, who claims the node. */
  @update([Hardware], Result(ClaimTicket))
  register_node(hardware: Hardware): Result<ClaimTicket> {
    requireSignedCaller();
    // Azle seeds crypto.getRandomValues from raw_rand in its init timer.
    const code = formatCode(crypto.getRandomValues(new Uint8Array(16)));
    return this.identity.registerNode(msgCaller(), time(), hardware, code);
  }

  @update([IDL.Text], Result(Node))
  claim_node(code: string): Result<Node> {
    requireSignedCaller();
    return this.identity.claimNode(msgCaller(), time(), code);
  }

  @update([IDL.Principal], Result(Node))
  retire_node(node: Principal): Result<Node> {
    requireSignedCaller();
    return this.identity.retireNode(msgCaller(), node);
  }

  @query([IDL.Principal], IDL.Opt(Node))
  get_node(id: Principal): [] | [Node] {
    const node = this.identity.node(id);
    return node === undefined ? [] : [node];
  }

  @query([IDL.Principal], IDL.Vec(Node))
  nodes_of(provider: Principal): Node[] {
    return this.identity.nodesOf(provider);
  }

  /** Where stake is held: the provider approves this account's owner (this canister) for amount + fee first. */
  @query([], Account)
  stake_account(): Account {
    return stakeAccount();
  }

  @query([IDL.Principal], Stake)
  get_stake(provider: Principal): Stake {
    return this.identity.stakeOf(provider);
  }

  /** Providers with bonded stake, paged over the stake entries (at most 500 a page): governance's voting-power snapshot. */
  @query([IDL.Nat64, IDL.Nat32], BondedStakes)
  bonded_stakes(offset: bigint, limit: number): BondedStakes {
    const page = stakeMap.items(Number(offset), Math.min(limit, MAX_STAKES_PAGE));
    const stakes = page
      .filter(([, stake]) => stake.bonded > 0n)
      .map(([key, stake]) => ({ provider: Principal.fromText(key), bonded: stake.bonded }));
    return { stakes, total: BigInt(stakeMap.len()) };
  }

  @update([IDL.Nat], Result(Stake))
  async stake(amount: bigint): Promise<Result<Stake>> {
    requireSignedCaller();
    const leased = this.identity.beginStake(msgCaller(), amount);
    if ('Err' in leased) return leased;
    const lease = leased.Ok;
    const pulled = await pullStake(lease.ledger, lease.provider, lease.amount);
    const result = 'Err' in pulled ? this.abort(lease, pulled.Err) : { Ok: this.identity.commitStake(lease) };
    await this.afterLedgerCall(lease.provider);
    return 'Ok' in result ? { Ok: this.identity.stakeOf(lease.provider) } : result;
  }

  @update([IDL.Nat], Result(Stake))
  async unbond(amount: bigint): Promise<Result<Stake>> {
    requireSignedCaller();
    return this.published(this.identity.unbond(msgCaller(), time(), amount));
  }

  /** Pays out every released unbonding entry, less the ledger fee. */
  @update([], Result(Withdrawal))
  async withdraw(): Promise<Result<Withdrawal>> {
    requireSignedCaller();
    const leased = this.identity.beginWithdraw(msgCaller(), time());
    if ('Err' in leased) return leased;
    const lease = leased.Ok;
    const result = await this.payWithdrawal(lease);
    await this.afterLedgerCall(lease.provider);
    return result;
  }

  private async payWithdrawal(lease: Lease): Promise<Result<Withdrawal>> {
    const ledgerFee = await fee(lease.ledger);
    if ('Err' in ledgerFee) return this.abort(lease, ledgerFee.Err);
    if (lease.amount <= ledgerFee.Ok) return this.refuse(lease, `the released ${lease.amount} does not cover the ledger fee`);
    const paid = await payOut(lease.ledger, { owner: lease.provider, subaccount: [] }, lease.amount - ledgerFee.Ok, 'withdraw');
    if ('Err' in paid) return this.abort(lease, paid.Err);
    this.identity.commitWithdraw(lease);
    return { Ok: { amount: lease.amount, fee: ledgerFee.Ok, block: paid.Ok } };
  }

  /**
   * The verification canister's penalty: up to `amount` of the provider's stake, bonded and unbonding, goes to the
   * treasury, less the fee. A provider busy in another ledger call gets SlashPending: the slash is applied later.
   */
  @update([IDL.Principal, IDL.Nat, IDL.Text], Result(SlashRecord))
  async slash(provider: Principal, amount: bigint, reason: string): Promise<Result<SlashRecord>> {
    requireSignedCaller();
    const leased = this.identity.beginSlash(msgCaller(), time(), provider, amount, reason);
    if ('Err' in leased) return leased;
    return this.published(await this.executeSlash(leased.Ok));
  }

  @query([IDL.Principal], IDL.Vec(PendingSlash))
  pending_slashes_of(provider: Principal): PendingSlash[] {
    return this.identity.pendingSlashes(provider);
  }

  private async executeSlash(lease: SlashLease): Promise<Result<SlashRecord>> {
    const ledgerFee = await fee(lease.ledger);
    if ('Err' in ledgerFee) return this.abort(lease, ledgerFee.Err);
    if (lease.amount <= ledgerFee.Ok) {
      this.identity.dropPending(lease);
      return this.refuse(lease, `the slashed ${lease.amount} does not cover the ledger fee`);
    }
    // Without governance the treasury may be the minting account: a burn pays no fee, so all of the slash goes.
    const burn = await isBurn(lease.ledger, lease.treasury);
    if ('Err' in burn) return this.abort(lease, burn.Err);
    const paid = await payOut(lease.ledger, lease.treasury, burn.Ok ? lease.amount : lease.amount - ledgerFee.Ok, 'slash');
    if ('Err' in paid) return this.abort(lease, paid.Err);
    return { Ok: this.identity.commitSlash(lease, time(), paid.Ok) };
  }

  private async applyPending(id: bigint): Promise<void> {
    const leased = this.identity.beginPendingSlash(id);
    if ('Ok' in leased) await this.executeSlash(leased.Ok);
  }

  // A stake operation ended: slashes that found the provider busy are applied now, then the marketplace is told.
  private async afterLedgerCall(provider: Principal): Promise<void> {
    for (const pending of this.identity.pendingSlashes(provider)) await this.applyPending(pending.id);
    await this.publish();
  }

  /** Pushes the standings that changed; a failed push stays in the outbox for the timer. */
  private async publish(): Promise<void> {
    const marketplace = this.identity.settings().marketplace[0];
    const batch = this.identity.outbox.batch();
    if (marketplace === undefined || batch.length === 0) return;
    const pushed = await pushStandings(marketplace, this.identity.standingPush(batch));
    if ('Ok' in pushed) this.identity.outbox.delivered(batch);
  }

  /** `result`, once the change it made has been pushed to the marketplace (or left to the timer). */
  private async published<T>(result: Result<T>): Promise<Result<T>> {
    if ('Ok' in result) await this.publish();
    return result;
  }

  @query([IDL.Principal], IDL.Vec(SlashRecord))
  slashes_of(provider: Principal): SlashRecord[] {
    return this.identity.slashes(provider);
  }

  // Replied to by hand: encodeReputationResult reuses each change's Candid instead of encoding the history again.
  @azleUpdate(UPDATE_REPUTATION_PARAMS, ReputationResult, { manual: true })
  async update_reputation(): Promise<void> {
    requireSignedCaller();
    const [provider, deltaBps, reason] = decodeCandid(UPDATE_REPUTATION_PARAMS, msgArgData()) as [Principal, number, string];
    const result = await this.published(this.identity.updateReputation(msgCaller(), time(), provider, deltaBps, reason));
    msgReply(encodeReputationResult(result));
  }

  @query([IDL.Principal], Reputation)
  get_reputation(provider: Principal): Reputation {
    return this.identity.reputation(provider);
  }

  private abort(lease: Lease, why: string): Result<never> {
    this.identity.abort(lease);
    return { Err: { LedgerError: why } };
  }

  private refuse(lease: Lease, why: string): Result<never> {
    this.identity.abort(lease);
    return { Err: { InvalidInput: why } };
  }
}
