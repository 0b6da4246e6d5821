// An example dapp canister that buys inference on the market: its owner (a controller) asks a prompt, and it quotes
// the job, approves payment from its own ledger account for the quote plus the fee, and calls marketplace.run_job
// once, which replies with the answer; it keeps the newest answers. Only its controllers may ask, since every ask
// spends its tokens. Thin glue over request.ts (what it asks) and market.ts (the calls).
import { IDL, init, inspectMessage, isController, msgArgData, msgCaller, postUpgrade, time } from 'azle';

import { acceptIngress } from '../../canisters/shared/inspect';
import { query, update } from '../../canisters/shared/methods';
import { approve, quote, runJob } from './market';
import { askProblem, jobRequest } from './request';
import { answers, keepAnswer, settings } from './storage';
import { Answer, AskReply, InitArg } from './types';

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

  // Anonymous or oversized ingress is refused before it runs; ask still checks its caller itself.
  @inspectMessage({ manual: true })
  inspect(): boolean {
    return acceptIngress();
  }

  /** Runs `prompt` on `model` as one market job paid by this canister, keeps the answer and replies with it. Controllers only. */
  @update([IDL.Text, IDL.Nat64, IDL.Nat32], AskReply)
  async ask(prompt: string, model: bigint, max_tokens: number): Promise<AskReply> {
    if (!isController(msgCaller())) return { Err: { Unauthorized: 'only a controller of this canister may spend its tokens' } };
    const problem = askProblem(prompt, max_tokens);
    if (problem !== undefined) return { Err: { InvalidInput: problem } };
    if (this.askingSince !== undefined && time() - this.askingSince < STALE_ASK_NS) return { Err: { Busy: null } };
    this.askingSince = time();
    try {
      const { marketplace, payment, ledger, max_price } = settings.get();
      const request = jobRequest(model, prompt, max_tokens, max_price);
      const total = await quote(marketplace, request);
      if ('Err' in total) return total;
      const approved = await approve(ledger, payment, total.Ok);
      if ('Err' in approved) return approved;
      const ran = await runJob(marketplace, request);
      if ('Err' in ran) return ran;
      keepAnswer({ job_id: ran.Ok.job_id, prompt, text: ran.Ok.text });
      return ran;
    } finally {
      this.askingSince = undefined;
    }
  }

  /** The newest answers (at most 20), oldest first. */
  @query([], IDL.Vec(Answer))
  answers(): Answer[] {
    return answers();
  }
}
