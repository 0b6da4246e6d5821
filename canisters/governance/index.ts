// The governance canister: proposals with a deposit, votes weighted by power fixed at creation (identity stake plus
// tokens locked here), a decision when the vote ends, a timelock, and execution through the suite's admin methods,
// which governance holds after the deployer's one bootstrap call. A timer decides, settles deposits and executes.
// Glue around the rules in proposals.ts and power.ts: read, check, lock, await, commit.
import { canisterSelf, IDL, init, inspectMessage, msgArgData, msgCaller, postUpgrade, Principal, setTimerInterval, time } from 'azle';

import { requireSignedCaller } from '../shared/caller';
import { isOneOf } from '../shared/guard';
import { ledgerFee, transfer, transferFrom } from '../shared/icrc_ledger';
import { decodeOptionalArg } from '../shared/init_arg';
import { acceptIngress } from '../shared/inspect';
import { query, update } from '../shared/methods';
import { versionOf } from '../shared/version';
import { depositBack, depositBurn, depositIn, depositLegDue, lockIn, reserveOut, unlockOut } from './ledger_legs';
import type { Account } from '../ledger/types';
import { DEFAULT_PARAMS } from './params';
import { allBondedStakes, mintingAccount } from './peers';
import { addToLock, minimumLock, restoreLock, snapshot, totalPower, unlockable } from './power';
import {
  castVote,
  checkRequest,
  decide,
  dueForExecution,
  keepsWasm,
  mayUploadWasm,
  openProposal,
  spendPastWindow,
  whyNotExecutable,
} from './proposals';
import { NO_PEERS, withAllPeers } from './settings';
import { ballotKey, ballots, chunkKey, counters, locks, nextCount, proposals, stableSettings, wasmChunks } from './storage';
import { claimAdminOf, dropCertifier, executeAction, type Outcome } from './targets';
import {
  ADMINISTERED,
  Ballot,
  BootstrapReport,
  InitArg,
  Lock,
  Proposal,
  ProposalRequest,
  Result,
  Settings,
  WasmUpload,
  type GovernanceError,
} from './types';
import { installUpgrade, setControllers } from './upgrade';

// Due votes are decided, deposits settled and adopted proposals executed this often.
const HOUSEKEEPING_S = 60;
// The management canister's chunk limits: 1 MiB a chunk, 100 chunks in a store.
const MAX_CHUNK_BYTES = 1024 * 1024;
const MAX_CHUNKS = 100;
// upload_wasm_chunk's argument beyond the chunk: the candid header, the proposal id and the vector's length.
const CHUNK_ARG_OVERHEAD = 64;
const MAX_PAGE = 100;

const ProposalResult = Result(Proposal);
const err = (error: GovernanceError): { Err: GovernanceError } => ({ Err: error });
const settings = (): Settings => stableSettings.get();
const uploadOf = (id: bigint): WasmUpload => ({
  chunks: Number(counters.get(`wasm_chunks:${id}`) ?? 0n),
  bytes: counters.get(`wasm_bytes:${id}`) ?? 0n,
});
// A reserve spend's payment as its first attempt fixed it (spendReserve), kept beside the proposal as its Wasm upload
// is: the stored Proposal is the interface's record, and proposals stored before these keys existed read unchanged.
const spendSentAt = (id: bigint): bigint | undefined => counters.get(`spend_at:${id}`);

export default class {
  // Heap only: a deposit transfer in flight, or a bootstrap running, is not started twice. Upgrades are done by
  // governance itself after its calls return, so nothing is in flight across one.
  private settling = new Set<bigint>();
  private bootstrapping = false;

  @init([IDL.Opt(InitArg)], { manual: true })
  init(): void {
    const arg = decodeOptionalArg<InitArg>(InitArg, msgArgData());
    const peers = arg?.peers ?? NO_PEERS;
    stableSettings.put({ admin: [arg?.admin[0] ?? msgCaller()], bootstrapped: false, peers, params: arg?.params[0] ?? DEFAULT_PARAMS });
    setTimerInterval(HOUSEKEEPING_S, () => this.housekeeping());
  }

  // Timers do not survive an upgrade. The argument is ignored: settings change only by proposal, and peers added
  // since the settings were stored read as none.
  @postUpgrade([IDL.Opt(InitArg)], { manual: true })
  postUpgrade(): void {
    stableSettings.put(withAllPeers(stableSettings.get()));
    setTimerInterval(HOUSEKEEPING_S, () => this.housekeeping());
  }

  // Anonymous or oversized ingress would only trap or be refused after it ran; refuse it before induction instead.
  @inspectMessage({ manual: true })
  inspect(): boolean {
    return acceptIngress({ argBytes: { upload_wasm_chunk: MAX_CHUNK_BYTES + CHUNK_ARG_OVERHEAD } });
  }

  @query([], IDL.Text)
  version(): string {
    return versionOf('governance');
  }

  @query([], Settings)
  settings(): Settings {
    return settings();
  }

  /**
   * The hand-over, once, by governance's admin (the deployer): every suite canister makes governance its admin,
   * governance, a controller of each, removes every other controller from them and from itself, and takes the
   * deployer off identity's certifiers. Safe to call again
   * after a partial failure; afterwards nobody holds governance's admin role.
   */
  @update([], Result(BootstrapReport))
  async bootstrap(): Promise<Result<BootstrapReport>> {
    requireSignedCaller();
    const current = settings();
    const admin = current.admin[0];
    if (current.bootstrapped || admin === undefined) return err({ InvalidState: 'governance was bootstrapped already' });
    if (!isOneOf(msgCaller(), admin)) return err({ Unauthorized: 'only governance’s admin (the deployer) bootstraps' });
    if (this.bootstrapping) return err({ Busy: null });
    this.bootstrapping = true;
    try {
      const self = canisterSelf();
      const handed: Principal[] = [];
      for (const name of ADMINISTERED) {
        const canister = current.peers[name][0];
        if (canister === undefined) continue;
        const claimed = await claimAdminOf(name, canister);
        if ('Err' in claimed) return err({ PeerError: claimed.Err });
        const controlled = await setControllers(canister, [self]);
        if ('Err' in controlled) return err({ PeerError: `${name}: ${controlled.Err}` });
        handed.push(canister);
      }
      if (current.peers.identity[0] !== undefined) {
        const dropped = await dropCertifier(current.peers, admin);
        if ('Err' in dropped) return err({ PeerError: dropped.Err });
      }
      const own = await setControllers(self, [self]);
      if ('Err' in own) return err({ PeerError: `governance: ${own.Err}` });
      stableSettings.put({ ...settings(), admin: [], bootstrapped: true });
      return { Ok: { canisters: handed } };
    } finally {
      this.bootstrapping = false;
    }
  }

  // Proposals and votes.

  /**
   * Takes the deposit (approve governance for the deposit plus the fee first), fixes every voter's power as it is
   * now, and opens the vote.
   */
  @update([ProposalRequest], ProposalResult)
  async create_proposal(request: ProposalRequest): Promise<Result<Proposal>> {
    requireSignedCaller();
    const proposer = msgCaller();
    const { peers, params } = settings();
    const problem = checkRequest(request, peers);
    if (problem !== undefined) return err({ InvalidInput: problem });
    const ledger = peers.ledger[0];
    if (ledger === undefined) return err({ NotConfigured: 'no ledger is named' });
    const id = nextCount('proposals');
    const stakes = peers.identity[0] === undefined ? { Ok: [] } : await allBondedStakes(peers.identity[0]);
    if ('Err' in stakes) return err({ PeerError: stakes.Err });
    const fee = await ledgerFee(ledger);
    if ('Err' in fee) return err({ LedgerError: fee.Err });
    if (params.proposal_deposit <= fee.Ok) return err({ InvalidInput: 'the deposit must exceed the ledger fee, to be returned less it' });
    const pulled = await transferFrom(ledger, depositIn(canisterSelf(), proposer, id, params.proposal_deposit, time()));
    if ('Err' in pulled) return err({ LedgerError: pulled.Err });

    // Committed in this one message: the locks read here and the stakes read above are the snapshot.
    const now = time();
    const power = snapshot(stakes.Ok, locks.items(), now + params.voting_period_ns);
    for (const [voter, amount] of power) ballots.insert(ballotKey(id, voter), { power: amount, vote: [] });
    const proposal = openProposal(id, proposer, request, params, now, totalPower(power));
    proposals.insert(id, proposal);
    return { Ok: proposal };
  }

  /** Votes yes (true) or no with the power the caller had when the proposal was created. */
  @update([IDL.Nat64, IDL.Bool], ProposalResult)
  vote(id: bigint, yes: boolean): Result<Proposal> {
    requireSignedCaller();
    const proposal = proposals.get(id);
    if (proposal === undefined) return err({ NotFound: null });
    const key = ballotKey(id, msgCaller().toText());
    const cast = castVote(proposal, ballots.get(key), yes, time());
    if ('Err' in cast) return cast;
    ballots.insert(key, cast.Ok.ballot);
    proposals.insert(id, cast.Ok.proposal);
    return { Ok: cast.Ok.proposal };
  }

  @query([IDL.Nat64], IDL.Opt(Proposal))
  get_proposal(id: bigint): [] | [Proposal] {
    const proposal = proposals.get(id);
    return proposal === undefined ? [] : [proposal];
  }

  /** Proposals in the order they were made, `limit` at most 100. */
  @query([IDL.Nat64, IDL.Nat32], IDL.Vec(Proposal))
  list_proposals(offset: bigint, limit: number): Proposal[] {
    return proposals.values(Number(offset), Math.min(limit, MAX_PAGE));
  }

  @query([IDL.Nat64, IDL.Principal], IDL.Opt(Ballot))
  ballot_of(id: bigint, voter: Principal): [] | [Ballot] {
    const ballot = ballots.get(ballotKey(id, voter.toText()));
    return ballot === undefined ? [] : [ballot];
  }

  /**
   * Executes an adopted proposal whose timelock has passed, or retries one whose execution failed. Any signed caller
   * may ask; the timer does it too, and retries a failed spend hourly (proposals.ts dueForExecution).
   */
  @update([IDL.Nat64], ProposalResult)
  async execute_proposal(id: bigint): Promise<Result<Proposal>> {
    requireSignedCaller();
    const proposal = proposals.get(id);
    if (proposal === undefined) return err({ NotFound: null });
    const why = whyNotExecutable(proposal, time(), spendSentAt(id));
    if (why !== undefined) return err({ InvalidState: why });
    return { Ok: await this.execute(proposal) };
  }

  // Wasm for upgrade proposals.

  /**
   * Appends a chunk (at most 1 MiB, at most 100 a proposal) of the Wasm an upgrade proposal names. Its proposer only,
   * until it executes; the timer frees the chunks once they can no longer be installed.
   */
  @update([IDL.Nat64, IDL.Vec(IDL.Nat8)], Result(WasmUpload))
  upload_wasm_chunk(id: bigint, chunk: Uint8Array): Result<WasmUpload> {
    requireSignedCaller();
    const proposal = proposals.get(id);
    if (proposal === undefined) return err({ NotFound: null });
    if (!isOneOf(msgCaller(), proposal.proposer)) return err({ Unauthorized: 'only the proposer uploads its Wasm' });
    if (!('upgrade_canister' in proposal.action)) return err({ InvalidInput: 'not an upgrade proposal' });
    if (!mayUploadWasm(proposal, time())) return err({ InvalidState: `the proposal is ${Object.keys(proposal.state)[0]}` });
    if (chunk.length === 0 || chunk.length > MAX_CHUNK_BYTES) return err({ InvalidInput: `chunk: 1 to ${MAX_CHUNK_BYTES} bytes` });
    const upload = uploadOf(id);
    if (upload.chunks >= MAX_CHUNKS) return err({ InvalidInput: `at most ${MAX_CHUNKS} chunks` });
    wasmChunks.insert(chunkKey(id, upload.chunks), chunk);
    const next = { chunks: upload.chunks + 1, bytes: upload.bytes + BigInt(chunk.length) };
    counters.insert(`wasm_chunks:${id}`, BigInt(next.chunks));
    counters.insert(`wasm_bytes:${id}`, next.bytes);
    return { Ok: next };
  }

  @query([IDL.Nat64], WasmUpload)
  wasm_upload(id: bigint): WasmUpload {
    return uploadOf(id);
  }

  // Tokens locked for voting power.

  /** Locks `amount` more of the caller's tokens (approve governance for amount + fee first) for a lock period from now. */
  @update([IDL.Nat], Result(Lock))
  async lock_tokens(amount: bigint): Promise<Result<Lock>> {
    requireSignedCaller();
    const holder = msgCaller();
    const minimum = minimumLock(settings().params.proposal_deposit);
    if (amount < minimum || amount === 0n) return err({ InvalidInput: `amount: at least ${minimum}` });
    const ledger = settings().peers.ledger[0];
    if (ledger === undefined) return err({ NotConfigured: 'no ledger is named' });
    const pulled = await transferFrom(ledger, lockIn(canisterSelf(), holder, amount, nextCount('locks'), time()));
    if ('Err' in pulled) return err({ LedgerError: pulled.Err });
    const lock = addToLock(locks.get(holder.toText()), amount, time(), settings().params.lock_period_ns);
    locks.insert(holder.toText(), lock);
    return { Ok: lock };
  }

  /** Pays the caller's lock back, less the ledger fee, once its lock period is over. */
  @update([], Result(IDL.Nat))
  async unlock_tokens(): Promise<Result<bigint>> {
    requireSignedCaller();
    const holder = msgCaller();
    const ledger = settings().peers.ledger[0];
    if (ledger === undefined) return err({ NotConfigured: 'no ledger is named' });
    const fee = await ledgerFee(ledger);
    if ('Err' in fee) return err({ LedgerError: fee.Err });
    // Read and check after the await; the lock is removed before the transfer and restored if it fails.
    const lock = locks.get(holder.toText());
    const amount = unlockable(lock, time());
    if ('Err' in amount) return amount;
    if (amount.Ok <= fee.Ok) return err({ InvalidInput: 'the lock does not cover the ledger fee' });
    locks.remove(holder.toText());
    const paid = await transfer(ledger, unlockOut(holder, amount.Ok, fee.Ok, nextCount('unlocks'), time()));
    if ('Err' in paid) {
      locks.insert(holder.toText(), restoreLock(locks.get(holder.toText()), lock!));
      return err({ LedgerError: paid.Err });
    }
    return { Ok: amount.Ok - fee.Ok };
  }

  @query([IDL.Principal], IDL.Opt(Lock))
  lock_of(holder: Principal): [] | [Lock] {
    const lock = locks.get(holder.toText());
    return lock === undefined ? [] : [lock];
  }

  // The timer's work.

  private async housekeeping(): Promise<void> {
    for (const id of proposals.keys()) {
      // Read again after every await: a vote, an execute_proposal or another round may have changed it.
      const decided = decide(proposals.get(id)!, time());
      if (decided !== undefined) proposals.insert(id, decided);
      const { deposit_state: state, decided_at } = proposals.get(id)!;
      const due = decided_at[0] !== undefined && depositLegDue(decided_at[0], time());
      if (('returning' in state || 'burning' in state) && due) await this.settleDeposit(id);
      const sentAt = spendSentAt(id);
      const expired = spendPastWindow(proposals.get(id)!, time(), sentAt);
      if (expired !== undefined) proposals.insert(id, expired);
      const current = proposals.get(id)!;
      if (dueForExecution(current, time(), sentAt)) await this.execute(current);
      const after = proposals.get(id)!;
      if (!keepsWasm(after, time()) && uploadOf(id).chunks > 0) this.dropWasm(id);
    }
  }

  /**
   * Returns or burns a decided proposal's deposit; a failed transfer stays due and is tried on the next round, for as
   * long as the ledger deduplicates it (ledger_legs.ts depositLegDue).
   */
  private async settleDeposit(id: bigint): Promise<void> {
    const ledger = settings().peers.ledger[0];
    if (ledger === undefined || this.settling.has(id)) return;
    this.settling.add(id);
    try {
      const proposal = proposals.get(id)!;
      const at = proposal.decided_at[0]!;
      let sent: Outcome | { Ok: bigint };
      if ('returning' in proposal.deposit_state) {
        const fee = await ledgerFee(ledger);
        sent = 'Err' in fee ? fee : await transfer(ledger, depositBack(proposal.proposer, id, proposal.deposit, fee.Ok, at));
      } else {
        const minting = await mintingAccount(ledger);
        sent = 'Err' in minting ? minting : await transfer(ledger, depositBurn(minting.Ok, id, proposal.deposit, at));
      }
      if ('Err' in sent) return;
      const block = sent.Ok as bigint;
      const latest = proposals.get(id)!;
      const deposit_state = 'returning' in latest.deposit_state ? { returned: { block } } : { burned: { block } };
      proposals.insert(id, { ...latest, deposit_state });
    } finally {
      this.settling.delete(id);
    }
  }

  /** Locks the proposal in `executing`, runs its action, and records what came of it; a failure may be retried. */
  private async execute(proposal: Proposal): Promise<Proposal> {
    proposals.insert(proposal.id, { ...proposal, state: { executing: null } });
    const outcome = await this.run(proposal);
    const latest = proposals.get(proposal.id)!;
    const done: Proposal = {
      ...latest,
      state: 'Ok' in outcome ? { executed: { at: time(), outcome: outcome.Ok } } : { failed: { at: time(), reason: outcome.Err } },
    };
    proposals.insert(proposal.id, done);
    if ('Ok' in outcome && 'upgrade_canister' in proposal.action) this.dropWasm(proposal.id);
    return done;
  }

  private async run(proposal: Proposal): Promise<Outcome> {
    const { action } = proposal;
    if ('set_parameter' in action && 'governance' in action.set_parameter) {
      stableSettings.put({ ...settings(), params: action.set_parameter.governance });
      return { Ok: 'governance parameters set' };
    }
    if ('upgrade_canister' in action) {
      const { chunks } = uploadOf(proposal.id);
      if (chunks === 0) return { Err: 'no Wasm was uploaded for this proposal' };
      const parts = Array.from({ length: chunks }, (_, i) => wasmChunks.get(chunkKey(proposal.id, i))!);
      return installUpgrade(action.upgrade_canister, parts);
    }
    if ('spend_reserve' in action) return this.spendReserve(proposal.id, action.spend_reserve.amount, action.spend_reserve.to);
    return executeAction(settings().peers, action);
  }

  /**
   * Pays out of governance's own reserve; the ledger refuses an overdraw, which the proposal records as failed. The
   * first attempt fixes the payment's created_at_time, and the fee once the ledger names it, each committed at the
   * next await; every retry sends the same, so one whose outcome was unknown but landed is answered Duplicate, naming
   * the block that paid (icrc_ledger.ts), and the timer stops once the ledger would no longer recognise it.
   */
  private async spendReserve(id: bigint, amount: bigint, to: Account): Promise<Outcome> {
    const ledger = settings().peers.ledger[0];
    if (ledger === undefined) return { Err: 'no ledger is named' };
    let at = spendSentAt(id);
    if (at === undefined) counters.insert(`spend_at:${id}`, (at = time()));
    let fee = counters.get(`spend_fee:${id}`);
    if (fee === undefined) {
      const asked = await ledgerFee(ledger);
      if ('Err' in asked) return asked;
      if (amount <= asked.Ok) return { Err: `the amount must exceed the ledger fee of ${asked.Ok}` };
      counters.insert(`spend_fee:${id}`, (fee = asked.Ok));
    }
    const paid = await transfer(ledger, reserveOut(to, amount, fee, id, at));
    // Paid, or refused for want of funds: ICRC ledgers look for a duplicate before they look at the balance, so that
    // refusal of this very payment proves no attempt landed, and the next may take a new time and fee (a reserve
    // short of funds is retried for the whole 7 days). Other refusals prove nothing: BadFee is checked first.
    if ('Ok' in paid || paid.refused === 'InsufficientFunds') this.forgetSpend(id);
    return 'Err' in paid ? paid : { Ok: `paid ${amount - fee} from the reserve at block ${paid.Ok}` };
  }

  private forgetSpend(id: bigint): void {
    counters.remove(`spend_at:${id}`);
    counters.remove(`spend_fee:${id}`);
  }

  private dropWasm(id: bigint): void {
    const { chunks } = uploadOf(id);
    for (let i = 0; i < chunks; i++) wasmChunks.remove(chunkKey(id, i));
    counters.remove(`wasm_chunks:${id}`);
    counters.remove(`wasm_bytes:${id}`);
  }
}
