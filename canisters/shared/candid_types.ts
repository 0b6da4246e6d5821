// What candid_cache.ts, candid_writer.ts and candid_reader.ts share about @dfinity/candid's types. Pure: no 'azle'.
import type { IDL } from '@dfinity/candid';

/** A tuple's component types: TupleClass keeps them protected, while RecordClass's fields are public. */
export const componentsOf = (tuple: IDL.Type): IDL.Type[] => (tuple as unknown as { _components: IDL.Type[] })._components;

/**
 * A function built once per type and kept in `cache`. A recursive type reaches itself while its function is built,
 * so the cache first holds one that calls the finished function through it; a type that cannot be built leaves
 * nothing behind.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function builtOnce<F extends (...args: any[]) => unknown>(
  cache: WeakMap<IDL.Type, F>,
  type: IDL.Type,
  build: (type: IDL.Type) => F,
): F {
  let built = cache.get(type);
  if (built !== undefined) return built;
  cache.set(type, ((...args: Parameters<F>) => cache.get(type)!(...args)) as F);
  try {
    built = build(type);
  } catch (error) {
    cache.delete(type);
    throw error;
  }
  cache.set(type, built);
  return built;
}
