// Reads a candid service description (.did) into shapes. It covers the candid the build generates into candid/:
// every type written out in place (no `type` definitions), named fields, blob and tuple records included.
import { positional, type Shape } from './shape';

const PRIMITIVES = new Set(
  'null bool nat int nat8 nat16 nat32 nat64 int8 int16 int32 int64 float32 float64 text reserved empty principal'.split(' '),
);

const TOKEN = /\s*(?:(\/\/[^\n]*)|("(?:[^"\\]|\\.)*")|(->|[(){}:;,=])|([A-Za-z_][A-Za-z0-9_]*|\d+))/y;

function tokenize(text: string): string[] {
  const tokens: string[] = [];
  TOKEN.lastIndex = 0;
  while (TOKEN.lastIndex < text.length) {
    const start = TOKEN.lastIndex;
    const match = TOKEN.exec(text);
    if (match === null) {
      if (text.slice(start).trim() === '') break;
      throw new Error(`unexpected ${JSON.stringify(text.slice(start, start + 20))} at offset ${start}`);
    }
    if (match[1] === undefined) tokens.push(match[2] ?? match[3] ?? match[4]);
  }
  return tokens;
}

/** The service of a .did: its methods' shapes, by name; the init arguments, when it has them, are not part of it. */
export function parseService(text: string): Shape & { kind: 'service' } {
  const tokens = tokenize(text);
  let at = 0;
  const peek = () => tokens[at];
  const next = () => {
    if (at >= tokens.length) throw new Error('the .did ends early');
    return tokens[at++];
  };
  const expect = (token: string) => {
    const found = next();
    if (found !== token) throw new Error(`expected ${token} at token ${at}, found ${found}`);
  };

  const label = (): string => {
    const token = next();
    return token.startsWith('"') ? (JSON.parse(token) as string) : token;
  };
  const fields = (kind: 'record' | 'variant'): Shape => {
    expect('{');
    const map = new Map<string, Shape>();
    while (peek() !== '}') {
      // A record field without a label is positional (a tuple); a variant case without a type carries null.
      const start = at;
      const first = next();
      if (peek() === ':') {
        at = start;
        const name = label();
        expect(':');
        map.set(/^\d+$/.test(name) ? positional(Number(name)) : name, type());
      } else if (kind === 'variant') {
        map.set(first.startsWith('"') ? (JSON.parse(first) as string) : first, { kind: 'prim', name: 'null' });
      } else {
        at = start;
        map.set(positional(map.size), type());
      }
      if (peek() === ';') next();
    }
    expect('}');
    return { kind, fields: map };
  };
  const tuple = (): Shape[] => {
    expect('(');
    const types: Shape[] = [];
    while (peek() !== ')') {
      types.push(type());
      if (peek() === ',') next();
    }
    expect(')');
    return types;
  };
  const func = (): Shape => {
    const args = tuple();
    expect('->');
    const rets = tuple();
    const modes: string[] = [];
    while (peek() === 'query' || peek() === 'oneway' || peek() === 'composite_query') modes.push(next());
    return { kind: 'func', args, rets, modes: modes.sort() };
  };
  const methods = (): Shape & { kind: 'service' } => {
    expect('{');
    const map = new Map<string, Shape>();
    while (peek() !== '}') {
      const name = label();
      expect(':');
      map.set(name, func());
      if (peek() === ';') next();
    }
    expect('}');
    return { kind: 'service', methods: map };
  };
  function type(): Shape {
    const token = next();
    if (token === 'opt' || token === 'vec') return { kind: token, of: type() };
    if (token === 'blob') return { kind: 'vec', of: { kind: 'prim', name: 'nat8' } };
    if (token === 'record' || token === 'variant') return fields(token);
    if (token === 'func') return func();
    if (token === 'service') return methods();
    if (PRIMITIVES.has(token)) return { kind: 'prim', name: token };
    throw new Error(`${token} where a type belongs (token ${at}): only types written in place are read, not named ones`);
  }

  expect('service');
  if (peek() === ':') next();
  if (peek() === '(') {
    tuple();
    expect('->');
  }
  const service = methods();
  if (peek() === ';') next();
  if (at !== tokens.length) throw new Error(`unexpected ${peek()} after the service`);
  return service;
}
