// The wallet: balances on the configured ICRC ledger, owed earnings and their withdrawal, the allowances in force,
// the account's texts, and the local faucet.
import type { Principal } from '@dfinity/principal';

import type { ClaimStatus } from '../../../../canisters/faucet/types';
import type { Allowance } from '../../../../canisters/ledger/types';
import type { Actors } from '../api/actors';
import * as faucetApi from '../api/faucet';
import * as ledgerApi from '../api/ledger';
import * as paymentApi from '../api/payment';
import { ICP_LEDGER_ID } from '../config';
import { encodeAccount } from '../format/account';
import { formatToken, type Token } from '../format/amount';
import { formatDateTime, msToNs } from '../format/time';
import { attempt, failure, fromResult, success, type Outcome } from './outcome';

/** The token's metadata, read once per session. */
export async function loadToken(a: Actors, host?: string): Promise<Outcome<Token>> {
  return attempt(async () => {
    const [symbol, decimals, fee] = await Promise.all([ledgerApi.symbol(a), ledgerApi.decimals(a), ledgerApi.fee(a)]);
    return success({ symbol, decimals, fee });
  }, host);
}

export const loadBalance = (a: Actors, owner: Principal, host?: string): Promise<Outcome<bigint>> =>
  attempt(async () => success(await ledgerApi.balanceOf(a, ledgerApi.own(owner))), host);

export type Spender = 'payment' | 'identity' | 'governance';
/** Who may move the user's tokens, and why: payment (jobs' escrow, disputes), identity (stake), governance (locks, deposits). */
export const SPENDERS: Spender[] = ['payment', 'identity', 'governance'];

export type WalletView = {
  balance: bigint;
  owed: bigint;
  allowances: { spender: Spender; allowance: Allowance }[];
  accountText: string;
  /** The ICP account identifier (hex), when the ledger is ICP's. */
  accountIdentifier: string | undefined;
  /** What the faucet would give now, on a network that has one. */
  faucet: ClaimStatus | undefined;
};

/**
 * Whether the ledger is ICP's, whose users also know the older account identifier: mainnet's ICP ledger, or a
 * ledger whose symbol is ICP (a local copy of it). Local canister ids can equal mainnet ones, so the id alone is
 * not enough.
 */
export const isIcpLedger = (ledger: Principal, local: boolean, token: Token): boolean =>
  token.symbol === 'ICP' || (!local && ledger.toText() === ICP_LEDGER_ID);

export async function loadWallet(a: Actors, owner: Principal, token: Token, local: boolean, host?: string): Promise<Outcome<WalletView>> {
  return attempt(async () => {
    const account = ledgerApi.own(owner);
    const [balance, owed, allowances, faucet] = await Promise.all([
      ledgerApi.balanceOf(a, account),
      paymentApi.owedOf(a, account),
      Promise.all(SPENDERS.map(async (spender) => ({ spender, allowance: await ledgerApi.allowance(a, account, a.ids[spender]) }))),
      faucetApi.claimStatus(a, owner),
    ]);
    return success({
      balance,
      owed,
      allowances,
      accountText: encodeAccount({ owner }),
      accountIdentifier: isIcpLedger(a.ids.ledger, local, token) ? await accountIdentifier(owner) : undefined,
      faucet,
    });
  }, host);
}

/** The ICP ledger's account identifier of a principal's default account, by @dfinity/ledger-icp (loaded only when needed). */
export async function accountIdentifier(owner: Principal): Promise<string> {
  const { AccountIdentifier } = await import('@dfinity/ledger-icp');
  return AccountIdentifier.fromPrincipal({ principal: owner }).toHex();
}

/** Pays the user's owed earnings to their own account; they receive amount - fee. */
export async function withdrawOwed(a: Actors, owner: Principal, amount: bigint, owed: bigint, token: Token, host?: string) {
  if (amount <= token.fee) return failure(`The amount must be more than the ledger fee of ${formatToken(token.fee, token)}.`);
  if (amount > owed) return failure(`You are owed only ${formatToken(owed, token)}.`);
  return attempt(async () => fromResult('payment', await paymentApi.withdraw(a, amount, ledgerApi.own(owner)), { token }), host);
}

/** How long before its expiry an allowance in force is worth a warning. */
export const EXPIRES_SOON_MS = 15 * 60_000;

const expiresSoon = (allowance: Allowance, nowMs: number): boolean =>
  allowance.allowance > 0n && allowance.expires_at[0] !== undefined && allowance.expires_at[0] <= msToNs(nowMs + EXPIRES_SOON_MS);

/** Warnings for allowances in force that expire soon (the Wallet's; a job's approval is given when it is confirmed). */
export function expiryWarnings(allowances: { spender: Spender; allowance: Allowance }[], nowMs: number = Date.now()): string[] {
  return allowances
    .filter(({ allowance }) => expiresSoon(allowance, nowMs))
    .map(({ spender, allowance }) => `Your approval for ${spender} expires ${formatDateTime(allowance.expires_at[0]!)}.`);
}

/** Claims test tokens from the network's faucet, signed by the user (local and test networks only). */
export async function claimFaucet(a: Actors, token: Token, host?: string): Promise<Outcome<{ amount: bigint; nextClaimAt: bigint }>> {
  return attempt(async () => {
    const pending = faucetApi.claim(a);
    if (pending === undefined) return failure('This network has no faucet.');
    const claimed = fromResult('faucet', await pending, { token });
    return claimed.ok ? success({ amount: claimed.value.amount, nextClaimAt: claimed.value.next_claim_at }) : claimed;
  }, host);
}

/** Sets a spender's allowance (0 revokes it). */
export async function setAllowance(a: Actors, spender: Spender, amount: bigint, token: Token, host?: string, nowMs = Date.now()) {
  return attempt(async () => fromResult('ledger', await ledgerApi.approve(a, a.ids[spender], amount, msToNs(nowMs)), { token }), host);
}
