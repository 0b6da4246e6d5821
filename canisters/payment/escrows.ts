// The escrow of each job and its state machine: locked -> held -> settled | refunded, or a locked escrow
// dropped when its transfer_from fails. Entries are created before the await, so a job escrows at most once.
import type { Account } from '../ledger/types';
import type { Store } from './store';
import type { Escrow, EscrowState, JobId, Result } from './types';

// The state's variant name; EscrowState is a union, so keyof would give none of them.
type StateName = EscrowState extends infer S ? (S extends object ? keyof S & string : never) : never;
type Step = Exclude<StateName, 'locked'>;

const NEXT: Record<StateName, StateName[]> = {
  locked: ['held'],
  held: ['settled', 'refunded'],
  settled: [],
  refunded: [],
};

export function stateName(state: EscrowState): StateName {
  return Object.keys(state)[0] as StateName;
}

function stateOf(name: StateName): EscrowState {
  return { [name]: null } as EscrowState;
}

export class Escrows {
  constructor(private readonly store: Store<JobId, Escrow>) {}

  get(jobId: JobId): Escrow | undefined {
    return this.store.get(jobId);
  }

  /** Opens a job's escrow in `locked`, before the glue awaits transfer_from. */
  lock(jobId: JobId, consumer: Account, amount: bigint, now: bigint): Result<Escrow> {
    const existing = this.store.get(jobId);
    if (existing) return { Err: { AlreadyEscrowed: { state: existing.state } } };
    const escrow: Escrow = { job_id: jobId, consumer, amount, state: { locked: null }, created_at: now, updated_at: now };
    this.store.set(jobId, escrow);
    return { Ok: escrow };
  }

  /** Drops a locked escrow whose transfer_from failed, so the job may try again. */
  drop(jobId: JobId): Result<Escrow> {
    const escrow = this.store.get(jobId);
    if (!escrow) return { Err: { NotFound: null } };
    // Only a locked escrow can be dropped; the error names `locked` as the state it had to be in.
    if (!('locked' in escrow.state)) return { Err: { InvalidTransition: { from: escrow.state, to: { locked: null } } } };
    this.store.delete(jobId);
    return { Ok: escrow };
  }

  /** The escrow if it may step to `to`, so callers can plan before they change anything. */
  check(jobId: JobId, to: Step): Result<Escrow> {
    const escrow = this.store.get(jobId);
    if (!escrow) return { Err: { NotFound: null } };
    if (!NEXT[stateName(escrow.state)].includes(to)) return { Err: { InvalidTransition: { from: escrow.state, to: stateOf(to) } } };
    return { Ok: escrow };
  }

  /** Moves an escrow one step along its state machine; any other step is InvalidTransition and changes nothing. */
  advance(jobId: JobId, to: Step, now: bigint): Result<Escrow> {
    const checked = this.check(jobId, to);
    if ('Err' in checked) return checked;
    const next: Escrow = { ...checked.Ok, state: stateOf(to), updated_at: now };
    this.store.set(jobId, next);
    return { Ok: next };
  }
}
