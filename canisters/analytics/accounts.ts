// Token flows per account, all time: what each consumer paid into escrows and got back, what each payee was
// credited by role, and what each provider was slashed. Bounded by the number of accounts, not of jobs.
// Pure: storage comes in as an interface; no 'azle' import.
import { IDL } from '@dfinity/candid';
import type { Principal } from '@dfinity/principal';

export const AccountFlows = IDL.Record({
  owner: IDL.Principal,
  /** Paid into job escrows, as a consumer. */
  spent: IDL.Nat,
  /** Refunded to it out of escrows, as a consumer (what reached it, net of the refund leg's ledger fee). */
  refunded: IDL.Nat,
  provider_earnings: IDL.Nat,
  creator_earnings: IDL.Nat,
  treasury_income: IDL.Nat,
  slashed: IDL.Nat,
});
export type AccountFlows = {
  owner: Principal;
  spent: bigint;
  refunded: bigint;
  provider_earnings: bigint;
  creator_earnings: bigint;
  treasury_income: bigint;
  slashed: bigint;
};
export type FlowField = Exclude<keyof AccountFlows, 'owner'>;

export const AccountRole = IDL.Variant({ consumer: IDL.Null, provider: IDL.Null, creator: IDL.Null, treasury: IDL.Null });
export type AccountRole = { consumer: null } | { provider: null } | { creator: null } | { treasury: null };

/** The amount accounts of a role are ranked by. */
export function rankedBy(role: AccountRole): FlowField {
  if ('consumer' in role) return 'spent';
  if ('provider' in role) return 'provider_earnings';
  if ('creator' in role) return 'creator_earnings';
  return 'treasury_income';
}

export interface AccountStorage {
  put(key: string, flows: AccountFlows): void;
}

export class Accounts {
  private readonly byOwner = new Map<string, AccountFlows>();

  constructor(
    private readonly storage: AccountStorage,
    loaded: Iterable<AccountFlows>,
  ) {
    for (const flows of loaded) this.byOwner.set(flows.owner.toText(), flows);
  }

  get(owner: Principal): AccountFlows | undefined {
    return this.byOwner.get(owner.toText());
  }

  add(owner: Principal, field: FlowField, amount: bigint): void {
    if (amount === 0n) return;
    const key = owner.toText();
    const flows = this.byOwner.get(key) ?? {
      owner,
      spent: 0n,
      refunded: 0n,
      provider_earnings: 0n,
      creator_earnings: 0n,
      treasury_income: 0n,
      slashed: 0n,
    };
    flows[field] += amount;
    this.byOwner.set(key, flows);
    this.storage.put(key, flows);
  }

  /** Accounts with something in `field`, largest first (ties by principal), a page of them and how many there are. */
  top(field: FlowField, offset: number, limit: number): { accounts: AccountFlows[]; total: bigint } {
    const ranked = [...this.byOwner.values()]
      .filter((flows) => flows[field] > 0n)
      .sort((a, b) => (a[field] === b[field] ? a.owner.toText().localeCompare(b.owner.toText()) : a[field] > b[field] ? -1 : 1));
    return { accounts: ranked.slice(offset, offset + limit), total: BigInt(ranked.length) };
  }
}
