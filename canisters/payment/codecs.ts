// The stored forms of escrows, history entries and pending ledger legs (shared/binary_codec.ts). Each was Candid
// before; those entries still read, and the next write of one stores it in this form. Pure: no 'azle' import.
import { TransferArgs } from '../ledger/types';
import { type Reader, versioned, type Writer } from '../shared/binary_codec';
import { candidValue } from '../shared/stable_codecs';
import { Escrow, type EscrowState, HistoryEntry, type HistoryEvent, type Role } from './types';

// Tags are stored: append only, never reorder.
const STATES = ['locked', 'held', 'settled', 'refunded'] as const;
const ROLES = ['provider', 'creator', 'treasury'] as const;
// Each history event's nat fields in stored order; `role` is the one field that is not a nat.
const EVENTS = {
  escrowed: ['job_id', 'amount'],
  credited: ['job_id', 'amount', 'role'],
  refunded: ['job_id', 'amount', 'fee'],
  deposited: ['job_id', 'amount'],
  deposit_returned: ['job_id', 'amount', 'fee'],
  withdrawn: ['amount', 'fee', 'block'],
  audit_reward: ['job_id', 'amount'],
  audit_paid: ['job_id', 'amount'],
} as const;
const EVENT_NAMES = Object.keys(EVENTS) as (keyof typeof EVENTS)[];

function tag<T extends string>(names: readonly T[], variant: object): number {
  const index = names.indexOf(Object.keys(variant)[0] as T);
  if (index < 0) throw new Error(`unknown variant ${Object.keys(variant)[0]}`);
  return index;
}

function variant<T extends string>(names: readonly T[], index: number): T {
  const name = names[index];
  if (name === undefined) throw new Error(`unknown variant tag ${index}`);
  return name;
}

export const escrowCodec = versioned<Escrow>(
  (w, e) => w.nat(e.job_id).account(e.consumer).nat(e.amount).u8(tag(STATES, e.state)).nat(e.created_at).nat(e.updated_at),
  (r) => ({
    job_id: r.nat(),
    consumer: r.account(),
    amount: r.nat(),
    state: { [variant(STATES, r.u8())]: null } as EscrowState,
    created_at: r.nat(),
    updated_at: r.nat(),
  }),
  candidValue<Escrow>(Escrow),
);

function writeEvent(w: Writer, event: HistoryEvent): void {
  const index = tag(EVENT_NAMES, event);
  const name = EVENT_NAMES[index];
  w.u8(index);
  const fields = (event as Record<string, Record<string, unknown>>)[name];
  for (const field of EVENTS[name]) {
    if (field === 'role') w.u8(tag(ROLES, fields.role as Role));
    else w.nat(fields[field] as bigint);
  }
}

function readEvent(r: Reader): HistoryEvent {
  const name = variant(EVENT_NAMES, r.u8());
  const fields: Record<string, unknown> = {};
  for (const field of EVENTS[name]) fields[field] = field === 'role' ? { [variant(ROLES, r.u8())]: null } : r.nat();
  return { [name]: fields } as HistoryEvent;
}

export const historyEntryCodec = versioned<HistoryEntry>(
  (w, entry) => {
    w.nat(entry.index).nat(entry.at);
    writeEvent(w, entry.event);
  },
  (r) => ({ index: r.nat(), at: r.nat(), event: readEvent(r) }),
  candidValue<HistoryEntry>(HistoryEntry),
);

export const transferArgsCodec = versioned<TransferArgs>(
  (w, args) =>
    w
      .opt(args.from_subaccount, (s) => w.blob(s))
      .account(args.to)
      .nat(args.amount)
      .opt(args.fee, (fee) => w.nat(fee))
      .opt(args.memo, (memo) => w.blob(memo))
      .opt(args.created_at_time, (at) => w.nat(at)),
  (r) => ({
    from_subaccount: r.opt(() => r.blob()),
    to: r.account(),
    amount: r.nat(),
    fee: r.opt(() => r.nat()),
    memo: r.opt(() => r.blob()),
    created_at_time: r.opt(() => r.nat()),
  }),
  candidValue<TransferArgs>(TransferArgs),
);
