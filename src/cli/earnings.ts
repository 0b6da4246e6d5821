// A provider's or creator's money after the job: what payment owes them and its withdrawal, and the stake bonded in
// identity: unbonding it and withdrawing what the unbonding delay has released.
import { ok } from '../sdk/errors';
import { own } from '../sdk/ledger_args';
import { parseAmount } from './amounts';
import type { Connection } from './connect';
import { at } from './time';
import { token } from './token';

export async function owed(c: Connection): Promise<void> {
  const t = await token(c);
  console.log(`payment owes you ${t.amount(await c.payment.owed_of(own(c.me)))}`);
}

/** Withdraws `amount` of what payment owes the caller to their ledger account; all of it when no amount is given. */
export async function withdrawOwed(c: Connection, amount?: string): Promise<void> {
  const t = await token(c);
  const units = amount === undefined ? await c.payment.owed_of(own(c.me)) : parseAmount(amount, t.decimals);
  if (units === 0n) throw new Error('payment owes you nothing to withdraw');
  const receipt = ok('withdraw', await c.payment.withdraw(units, own(c.me)));
  console.log(
    `withdrew ${t.amount(receipt.amount)} of what payment owes you: ${t.amount(receipt.amount - receipt.fee)} reached your account (ledger fee ${t.amount(receipt.fee)}, block ${receipt.block})`,
  );
}

export async function unbond(c: Connection, amount: string): Promise<void> {
  const t = await token(c);
  const stake = ok('unbond', await c.identity.unbond(parseAmount(amount, t.decimals)));
  console.log(`unbonding ${amount} ${t.symbol}; bonded now ${t.amount(stake.bonded)}`);
  for (const entry of stake.unbonding) console.log(`  ${t.amount(entry.amount)} released at ${at(entry.release_at)}`);
}

/** Pays out the stake whose unbonding delay has passed. */
export async function withdrawStake(c: Connection): Promise<void> {
  const t = await token(c);
  const paid = ok('withdraw', await c.identity.withdraw());
  console.log(`withdrew ${t.amount(paid.amount)} of released stake (ledger fee ${t.amount(paid.fee)}, block ${paid.block})`);
}
