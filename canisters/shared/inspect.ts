// canister_inspect_message for every canister. The IC runs it on one replica before an ingress update is inducted,
// and a refusal costs the canister nothing; an update that traps after induction costs it the cycles of the
// execution. So ingress that is sure to fail (anonymous, or an argument larger than the method takes) is refused
// here. Inter-canister calls never pass through inspect_message, so each method still checks its caller itself.
// Glue: imports azle.
import { msgArgData, msgCaller, msgMethodName } from 'azle';

/** The largest candid argument an ingress update takes unless its method is named in `argBytes`. */
export const DEFAULT_MAX_ARG_BYTES = 64 * 1024;

export type IngressRules = {
  /** Methods whose argument may be larger (or must be smaller) than DEFAULT_MAX_ARG_BYTES, in bytes. */
  argBytes?: Record<string, number>;
  /** Methods the anonymous principal may call by ingress (none by default). */
  anonymous?: readonly string[];
  /** Methods only peer canisters call: ingress to them is refused whoever sends it. */
  peersOnly?: readonly string[];
};

/** Why an ingress call to `method` is refused, or undefined when it may be inducted. Pure, for tests. */
export function ingressProblem(method: string, anonymous: boolean, argBytes: number, rules: IngressRules = {}): string | undefined {
  if ((rules.peersOnly ?? []).includes(method)) return `${method}: only peer canisters call it`;
  if (anonymous && !(rules.anonymous ?? []).includes(method)) return `${method}: anonymous callers cannot change state`;
  const cap = rules.argBytes?.[method] ?? DEFAULT_MAX_ARG_BYTES;
  if (argBytes > cap) return `${method}: the argument is ${argBytes} bytes, more than the ${cap} it takes`;
  return undefined;
}

/** The body of a canister's `@inspectMessage({ manual: true })` method: true accepts the message. */
export function acceptIngress(rules: IngressRules = {}): boolean {
  return ingressProblem(msgMethodName(), msgCaller().isAnonymous(), msgArgData().length, rules) === undefined;
}
