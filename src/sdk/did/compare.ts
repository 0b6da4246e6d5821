// Compares an SDK's idlFactory with the candid/<name>.did the canister's build generates: the SDK writes each
// canister's interface by hand, so this is what keeps the two from drifting apart unseen.
import { IDL } from '@dfinity/candid';

import { parseService } from './parse';
import { render, shapeOf, type Shape } from './shape';

/** The differences between two shapes, each a line naming where (`at`) and what each side has. */
function differences(did: Shape, sdk: Shape, at: string): string[] {
  const differ = () => [`${at}: the .did has ${render(did)}, the SDK has ${render(sdk)}`];
  if (did.kind !== sdk.kind) return differ();
  switch (did.kind) {
    case 'prim':
      return did.name === (sdk as typeof did).name ? [] : differ();
    case 'opt':
    case 'vec':
      return differences(did.of, (sdk as typeof did).of, `${at} > ${did.kind}`);
    case 'record':
    case 'variant': {
      const other = (sdk as typeof did).fields;
      const found: string[] = [];
      for (const [label, type] of did.fields) {
        const mine = other.get(label);
        if (mine === undefined) found.push(`${at}: ${did.kind} field ${label} (${render(type)}) is in the .did, not in the SDK`);
        else found.push(...differences(type, mine, `${at}.${label}`));
      }
      for (const [label, type] of other)
        if (!did.fields.has(label)) found.push(`${at}: ${did.kind} field ${label} (${render(type)}) is in the SDK, not in the .did`);
      return found;
    }
    case 'func': {
      const mine = sdk as typeof did;
      const found: string[] = [];
      for (const [side, theirs, ours] of [
        ['argument', did.args, mine.args],
        ['result', did.rets, mine.rets],
      ] as const) {
        if (theirs.length !== ours.length) found.push(`${at}: ${theirs.length} ${side}(s) in the .did, ${ours.length} in the SDK`);
        else theirs.forEach((t, i) => found.push(...differences(t, ours[i], `${at} ${side} ${i}`)));
      }
      if (did.modes.join(' ') !== mine.modes.join(' '))
        found.push(`${at}: the .did marks it ${did.modes.join(' ') || 'update'}, the SDK ${mine.modes.join(' ') || 'update'}`);
      return found;
    }
    case 'service': {
      const mine = (sdk as typeof did).methods;
      const found: string[] = [];
      for (const [name, method] of did.methods) {
        const ours = mine.get(name);
        if (ours === undefined) found.push(`${at}.${name}: in the .did, missing from the SDK`);
        else found.push(...differences(method, ours, `${at}.${name}`));
      }
      for (const name of mine.keys()) if (!did.methods.has(name)) found.push(`${at}.${name}: in the SDK, not in the .did`);
      return found;
    }
  }
}

/** Every difference between canister `name`'s .did text and the SDK's idlFactory for it; none when they agree. */
export function interfaceDrift(name: string, didText: string, idlFactory: IDL.InterfaceFactory): string[] {
  return differences(parseService(didText), shapeOf(idlFactory({ IDL })), name);
}
