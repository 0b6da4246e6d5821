import { IDL, init, inspectMessage, msgArgData, msgCaller, StableBTreeMap, stableJson, time } from 'azle';

import { acceptIngress } from '../shared/inspect';
import { query, update } from '../shared/methods';
import { decodeOptionalArg } from '../shared/init_arg';
import { versionOf } from '../shared/version';
import { validSubaccount } from './accounts';
import { allowanceOf } from './allowances';
import { approve } from './approve';
import { balanceOf, totalSupply } from './balances';
import { configFromInit, mintInitialBalances, UNCONFIGURED } from './config';
import { page } from './log';
import { lastKeyKept, storedAllowance, storedTransaction } from './codecs';
import { MemoryId } from './memory';
import { metadata, SUPPORTED_STANDARDS } from './metadata';
import { asciiText, decimal } from '../shared/stable_codecs';
import type { AllowanceEntry, LedgerConfig, LedgerState } from './state';
import { transfer } from './transfer';
import { transferFrom } from './transfer_from';
import {
  Account,
  Allowance,
  AllowanceArgs,
  ApproveArgs,
  ApproveResult,
  GetTransactionsRequest,
  GetTransactionsResponse,
  LedgerInit,
  type Opt,
  StandardRecord,
  type Transaction,
  TransferArgs,
  TransferFromArgs,
  TransferFromResult,
  TransferResult,
  Value,
} from './types';

// One codec for both maps that hold dedup keys, so the key a transfer reads and then writes is encoded once.
const dedupKeys = lastKeyKept(asciiText);

// The ICRC-1/ICRC-2 ledger: decodes, reads the time and caller, and hands over to the rules beside it.
export default class {
  config = new StableBTreeMap<'config', LedgerConfig>(MemoryId.config);
  balances = new StableBTreeMap<string, bigint>(MemoryId.balances, asciiText, decimal);
  allowances = new StableBTreeMap<string, AllowanceEntry>(MemoryId.allowances, asciiText, storedAllowance(stableJson));
  log = new StableBTreeMap<bigint, Transaction>(MemoryId.log, decimal, storedTransaction);
  dedup = new StableBTreeMap<string, bigint>(MemoryId.dedup, dedupKeys, decimal);
  dedupByIndex = new StableBTreeMap<bigint, string>(MemoryId.dedupByIndex, decimal, dedupKeys);
  counters = new StableBTreeMap<string, bigint>(MemoryId.counters, asciiText, decimal);
  // The configuration never changes after init; this heap copy is read again after an upgrade.
  private cachedConfig: LedgerConfig | undefined;

  // Decoded by hand because an install with no argument at all (npm start sends none) must read as
  // null, as candid reads a missing opt argument, where @dfinity/candid refuses fewer values than types.
  @init([IDL.Opt(LedgerInit)], { manual: true })
  init(): void {
    const bytes = msgArgData();
    const ledgerInit = decodeOptionalArg<LedgerInit>(LedgerInit, bytes);
    this.config.insert('config', ledgerInit === undefined ? UNCONFIGURED : configFromInit(ledgerInit));
    if (ledgerInit !== undefined) mintInitialBalances(this.state(), ledgerInit, time());
  }

  // Anonymous or oversized ingress would only trap or be refused after it ran; refuse it before induction instead.
  @inspectMessage({ manual: true })
  inspect(): boolean {
    return acceptIngress();
  }

  @query([], IDL.Text)
  version(): string {
    return versionOf('ledger');
  }

  @query([], IDL.Text)
  icrc1_name(): string {
    return this.state().config.name;
  }

  @query([], IDL.Text)
  icrc1_symbol(): string {
    return this.state().config.symbol;
  }

  @query([], IDL.Nat8)
  icrc1_decimals(): number {
    return this.state().config.decimals;
  }

  @query([], IDL.Nat)
  icrc1_fee(): bigint {
    return this.state().config.fee;
  }

  @query([], IDL.Vec(IDL.Tuple(IDL.Text, Value)))
  icrc1_metadata(): [string, Value][] {
    return metadata(this.state().config);
  }

  @query([], IDL.Nat)
  icrc1_total_supply(): bigint {
    return totalSupply(this.state());
  }

  @query([], IDL.Opt(Account))
  icrc1_minting_account(): Opt<Account> {
    const minting = this.state().config.mintingAccount;
    return minting === undefined ? [] : [minting];
  }

  @query([Account], IDL.Nat)
  icrc1_balance_of(account: Account): bigint {
    // A query has no error variant; a malformed account is rejected as the reference ledger's decoder does.
    if (!validSubaccount(account.subaccount)) throw new Error('a subaccount must be 32 bytes');
    return balanceOf(this.state(), account);
  }

  @query([], IDL.Vec(StandardRecord))
  icrc1_supported_standards(): StandardRecord[] {
    return SUPPORTED_STANDARDS;
  }

  @update([TransferArgs], TransferResult)
  icrc1_transfer(args: TransferArgs): TransferResult {
    return transfer(this.state(), msgCaller(), args, time());
  }

  @update([ApproveArgs], ApproveResult)
  icrc2_approve(args: ApproveArgs): ApproveResult {
    return approve(this.state(), msgCaller(), args, time());
  }

  @update([TransferFromArgs], TransferFromResult)
  icrc2_transfer_from(args: TransferFromArgs): TransferFromResult {
    return transferFrom(this.state(), msgCaller(), args, time());
  }

  @query([AllowanceArgs], Allowance)
  icrc2_allowance(args: AllowanceArgs): Allowance {
    if (!validSubaccount(args.account.subaccount) || !validSubaccount(args.spender.subaccount))
      throw new Error('a subaccount must be 32 bytes');
    return allowanceOf(this.state(), args.account, args.spender, time());
  }

  @query([GetTransactionsRequest], GetTransactionsResponse)
  get_transactions(request: GetTransactionsRequest): GetTransactionsResponse {
    return page(this.state(), request);
  }

  private state(): LedgerState {
    const { balances, allowances, log, dedup, dedupByIndex, counters } = this;
    this.cachedConfig ??= this.config.get('config') ?? UNCONFIGURED;
    return { config: this.cachedConfig, balances, allowances, log, dedup, dedupByIndex, counters };
  }
}
