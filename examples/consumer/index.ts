// An example dapp canister that buys inference on the market: its owner (a controller) asks a prompt, and it quotes
// the job, approves payment from its own ledger account for the quote plus the fee, and calls marketplace.run_job
// once, which replies with the answer; it keeps the newest answers. A long job (ask_long) is submitted instead,
// with a notice asked for: the marketplace calls on_job_end once when it ends, and the outcome is kept. Only its
// controllers may ask, since every ask spends its tokens. Thin glue over request.ts (what it asks) and market.ts
// (the calls).
import { IDL, init, inspectMessage, isController, msgArgData, msgCaller, postUpgrade, Principal, time, trap } from 'azle';

import { acceptIngress } from '../../canisters/shared/inspect';
import { query, update } from '../../canisters/shared/methods';
import { JobOutcome } from '../../canisters/marketplace/job_notices';
import { approve, notifyOnEnd, quote, runJob, submitJob } from './market';
import { askLongProblem, askProblem, jobRequest } from './request';
import { answers, ends, keepAnswer, keepEnd, settings } from './storage';
import { Answer, AskError, AskLongReply, AskReply, Ended, InitArg } from './types';

const STALE_ASK_NS = 30n * 60n * 1_000_000_000n;

export default class {
  // One ask at a time: a second approve would replace the allowance the first one's job is about to be paid from.
  // This is when the ask in flight began: a trap in a callback skips `finally`, so a lock older than any ask could
  // take (a job's outcalls) is stale rather than held until an upgrade.
  askingSince: bigint | undefined;

  @init([InitArg], { manual: true })
  init(): void {
    settings.put(IDL.decode([InitArg], msgArgData())[0] as unknown as InitArg);
  }

  // The settings and answers stay in stable memory; an upgrade's argument is ignored.
  @postUpgrade([InitArg], { manual: true })
  postUpgrade(): void {}

  // Anonymous or oversized ingress is refused before it runs, and on_job_end (the marketplace calls it) by ingress
  // at all; each method still checks its caller itself.
  @inspectMessage({ manual: true })
  inspect(): boolean {
    return acceptIngress({ peersOnly: ['on_job_end'] });
  }

  /** Runs `prompt` on `model` as one market job paid by this canister, keeps the answer and replies with it. Controllers only. */
  @update([IDL.Text, IDL.Nat64, IDL.Nat32], AskReply)
  async ask(prompt: string, model: bigint, max_tokens: number): Promise<AskReply> {
    return this.paying(askProblem(prompt, max_tokens), async (marketplace) => {
      const request = await this.approved(prompt, model, max_tokens);
      if ('Err' in request) return request;
      const ran = await runJob(marketplace, request.Ok);
      if ('Err' in ran) return ran;
      keepAnswer({ job_id: ran.Ok.job_id, prompt, text: ran.Ok.text });
      return ran;
    });
  }

  /**
   * A long job (max_tokens of LONG_JOB_TOKENS or more), paid the same way but submitted: the reply is its id, and
   * the marketplace calls on_job_end when it ends. Controllers only.
   */
  @update([IDL.Text, IDL.Nat64, IDL.Nat32], AskLongReply)
  async ask_long(prompt: string, model: bigint, max_tokens: number): Promise<AskLongReply> {
    return this.paying(askLongProblem(prompt, max_tokens), async (marketplace) => {
      const request = await this.approved(prompt, model, max_tokens);
      if ('Err' in request) return request;
      const submitted = await submitJob(marketplace, request.Ok);
      if ('Err' in submitted) return submitted;
      const asked = await notifyOnEnd(marketplace, submitted.Ok, 'on_job_end');
      return 'Err' in asked ? asked : submitted;
    });
  }

  /** The marketplace tells a long job's end, once: the outcome is kept. The marketplace only. */
  @update([IDL.Nat64, JobOutcome])
  on_job_end(job_id: bigint, outcome: JobOutcome): void {
    if (msgCaller().compareTo(settings.get().marketplace) !== 'eq') trap('only the marketplace tells a job’s end');
    keepEnd({ job_id, outcome });
  }

  /** The newest long jobs' outcomes (at most 20), oldest first. */
  @query([], IDL.Vec(Ended))
  job_ends(): Ended[] {
    return ends();
  }

  // Every ask spends the canister's tokens: controllers only, checked input, and one at a time.
  private async paying<T>(problem: string | undefined, ask: (marketplace: Principal) => Promise<T | { Err: AskError }>) {
    if (!isController(msgCaller())) return { Err: { Unauthorized: 'only a controller of this canister may spend its tokens' } };
    if (problem !== undefined) return { Err: { InvalidInput: problem } };
    if (this.askingSince !== undefined && time() - this.askingSince < STALE_ASK_NS) return { Err: { Busy: null } };
    this.askingSince = time();
    try {
      return await ask(settings.get().marketplace);
    } finally {
      this.askingSince = undefined;
    }
  }

  // The request for the prompt, quoted, with payment approved for the quote (plus the fee).
  private async approved(prompt: string, model: bigint, max_tokens: number) {
    const { marketplace, payment, ledger, max_price } = settings.get();
    const request = jobRequest(model, prompt, max_tokens, max_price);
    const total = await quote(marketplace, request);
    if ('Err' in total) return total;
    const approved = await approve(ledger, payment, total.Ok);
    return 'Err' in approved ? approved : { Ok: request };
  }

  /** The newest answers (at most 20), oldest first. */
  @query([], IDL.Vec(Answer))
  answers(): Answer[] {
    return answers();
  }
}
