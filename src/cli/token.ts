// The ledger's token as commands print it: its decimals, symbol and fee, and an amount in its units as words.
import { formatAmount } from './amounts';
import type { Connection } from './connect';

export type Token = { decimals: number; symbol: string; fee: bigint; amount: (units: bigint) => string };

export async function token(c: Connection): Promise<Token> {
  const [decimals, symbol, fee] = await Promise.all([c.ledger.icrc1_decimals(), c.ledger.icrc1_symbol(), c.ledger.icrc1_fee()]);
  return { decimals, symbol, fee, amount: (units) => `${formatAmount(units, decimals)} ${symbol}` };
}
