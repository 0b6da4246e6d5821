// A candid type as plain data, so that a type read from a .did file and one built with @dfinity/candid's IDL can be
// compared field by field. Labels are names as written (the .did files the build generates name every field).
import { IDL } from '@dfinity/candid';

export type Shape =
  | { kind: 'prim'; name: string }
  | { kind: 'opt' | 'vec'; of: Shape }
  | { kind: 'record' | 'variant'; fields: Map<string, Shape> }
  | { kind: 'func'; args: Shape[]; rets: Shape[]; modes: string[] }
  | { kind: 'service'; methods: Map<string, Shape> };

/** The label of a record's i-th unnamed field, as IDL.Tuple names it. */
export const positional = (i: number) => `_${i}_`;

/** The shape of an IDL type, reading the fields @dfinity/candid keeps public on its type classes. */
export function shapeOf(type: IDL.Type): Shape {
  if (type instanceof IDL.RecClass) return shapeOf(type.getType()!);
  if (type instanceof IDL.OptClass) return { kind: 'opt', of: shapeOf(type._type) };
  if (type instanceof IDL.VecClass) return { kind: 'vec', of: shapeOf(type._type) };
  if (type instanceof IDL.RecordClass || type instanceof IDL.VariantClass) {
    const fields = new Map(type._fields.map(([label, t]): [string, Shape] => [label, shapeOf(t)]));
    return { kind: type instanceof IDL.VariantClass ? 'variant' : 'record', fields };
  }
  if (type instanceof IDL.FuncClass)
    return { kind: 'func', args: type.argTypes.map(shapeOf), rets: type.retTypes.map(shapeOf), modes: [...type.annotations].sort() };
  if (type instanceof IDL.ServiceClass)
    return { kind: 'service', methods: new Map(type._fields.map(([name, f]): [string, Shape] => [name, shapeOf(f)])) };
  // Every other type is a primitive whose candid name is its display: nat, nat64, text, principal, float64...
  return { kind: 'prim', name: type.display() };
}

/** The shape in candid's own syntax, for messages. */
export function render(shape: Shape): string {
  switch (shape.kind) {
    case 'prim':
      return shape.name;
    case 'opt':
    case 'vec':
      return `${shape.kind} ${render(shape.of)}`;
    case 'record':
    case 'variant':
      return `${shape.kind} {${[...shape.fields].map(([label, t]) => (t.kind === 'prim' && t.name === 'null' && shape.kind === 'variant' ? label : `${label}:${render(t)}`)).join('; ')}}`;
    case 'func':
      return `(${shape.args.map(render).join(', ')}) -> (${shape.rets.map(render).join(', ')})${shape.modes.map((m) => ` ${m}`).join('')}`;
    case 'service':
      return `service {${[...shape.methods.keys()].join('; ')}}`;
  }
}
