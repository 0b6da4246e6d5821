// What a bucket is about: everything, one model, one provider or one region. Each has an ASCII key for the bucket
// keys (a region is URI-encoded, so any text fits). Pure: no 'azle' import.
import { IDL } from '@dfinity/candid';
import { Principal } from '@dfinity/principal';

export const Dimension = IDL.Variant({ all: IDL.Null, model: IDL.Nat64, provider: IDL.Principal, region: IDL.Text });
export type Dimension = { all: null } | { model: bigint } | { provider: Principal } | { region: string };

export const DimensionKind = IDL.Variant({ model: IDL.Null, provider: IDL.Null, region: IDL.Null });
export type DimensionKind = { model: null } | { provider: null } | { region: null };

export const ALL = 'all';
export const modelKey = (model: bigint): string => `model:${model}`;
export const providerKey = (provider: Principal): string => `provider:${provider.toText()}`;
export const regionKey = (region: string): string => `region:${encodeURIComponent(region)}`;

export function dimensionKey(dimension: Dimension): string {
  if ('model' in dimension) return modelKey(dimension.model);
  if ('provider' in dimension) return providerKey(dimension.provider);
  if ('region' in dimension) return regionKey(dimension.region);
  return ALL;
}

/** The prefix every key of a kind starts with. */
export const kindPrefix = (kind: DimensionKind): string => `${Object.keys(kind)[0]}:`;

export function dimensionOf(key: string): Dimension {
  const colon = key.indexOf(':');
  if (colon < 0) return { all: null };
  const [kind, value] = [key.slice(0, colon), key.slice(colon + 1)];
  if (kind === 'model') return { model: BigInt(value) };
  if (kind === 'provider') return { provider: Principal.fromText(value) };
  return { region: decodeURIComponent(value) };
}
