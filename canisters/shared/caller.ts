import { msgCaller, trap } from 'azle';

/** Anonymous callers cannot change state (DESIGN.md): updates call this first. */
export function requireSignedCaller(): void {
  if (msgCaller().isAnonymous()) trap('anonymous callers cannot change state: sign the call with an identity');
}
