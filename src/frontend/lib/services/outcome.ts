// What every service returns: a value, or a sentence saying what went wrong. Services own the error policy; pages
// show `error` as it is.
import { callFailureSentence, errorSentence, type CanisterName, type SentenceContext } from '../errors';

export type Outcome<T> = { ok: true; value: T } | { ok: false; error: string };

export const success = <T>(value: T): Outcome<T> => ({ ok: true, value });
export const failure = <T = never>(error: string): Outcome<T> => ({ ok: false, error });

/** A canister's Result as an Outcome, its Err in words. */
export function fromResult<T>(canister: CanisterName, reply: { Ok: T } | { Err: object }, ctx: SentenceContext = {}): Outcome<T> {
  return 'Ok' in reply ? success(reply.Ok) : failure(errorSentence(canister, reply.Err, ctx));
}

/** Runs a flow, turning a thrown error (network, agent, trap) into a sentence. */
export async function attempt<T>(flow: () => Promise<Outcome<T>>, host?: string): Promise<Outcome<T>> {
  try {
    return await flow();
  } catch (error) {
    return failure(callFailureSentence(error, host));
  }
}
