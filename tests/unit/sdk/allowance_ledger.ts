// A ledger stand-in that keeps ICRC-2's allowance rules (an approve replaces the allowance and costs the approver one
// fee; transfer_from takes the amount and its fee out of the allowance), with payment's escrow over it (one pull at a
// time from an allowance, AllowanceBusy meanwhile), so the client's tests can race two jobs of one consumer. Every
// call yields before it acts, as a canister call does, so calls made together interleave.
import { LIT } from '../frontend/fakes';

const yieldTurn = () => new Promise((resolve) => setImmediate(resolve));

export class AllowanceLedger {
  allowance = 0n;
  /** The amounts approved, in order. */
  readonly approvals: bigint[] = [];
  private pulling = false;

  constructor(
    public balance: bigint,
    readonly fee = LIT.fee,
  ) {}

  async approve(amount: bigint): Promise<{ Ok: bigint } | { Err: unknown }> {
    await yieldTurn();
    if (this.balance < this.fee) return { Err: { InsufficientFunds: { balance: this.balance } } };
    this.balance -= this.fee;
    this.allowance = amount;
    this.approvals.push(amount);
    return { Ok: BigInt(this.approvals.length) };
  }

  /** Payment's escrow of `amount`: the allowance is locked while transfer_from is awaited. */
  async escrow(amount: bigint): Promise<{ Ok: null } | { Err: string }> {
    if (this.pulling) return { Err: 'AllowanceBusy' };
    this.pulling = true;
    await yieldTurn();
    this.pulling = false;
    const taken = amount + this.fee;
    if (this.allowance < taken) return { Err: `InsufficientAllowance: ${this.allowance}` };
    this.allowance -= taken;
    this.balance -= taken;
    return { Ok: null };
  }
}
