// Why an offer cannot take a job. All reasons are listed, not only the first, so a provider sees everything to fix.
import type { Principal } from '@dfinity/principal';

import type { MarketConfig } from './config';
import type { JobRequest } from './job_types';
import type { Exclusion, ProviderStanding } from './match_types';
import type { Offer } from './offer_types';
import { laneBps, quote } from './pricing';

/** What matching knows beyond the offers: parameters, provider standings, reservations and the model's multiplier. */
export type MatchContext = {
  config: MarketConfig;
  /** Identity's min_stake, as its last push said (identity holds the one parameter). */
  minStake: bigint;
  /** By providerKey; a provider missing here is uncertified with no stake. */
  providers: { get(key: string): ProviderStanding | undefined };
  /** Slots reserved now on each offer, which jobs outside the reservation cannot use. */
  reserved?: ReadonlyMap<bigint, number>;
};

const unknownProvider = (config: MarketConfig): ProviderStanding => ({
  certified: false,
  stake: 0n,
  reputation_bps: config.default_reputation_bps,
});

/** A provider's key in lookups: hex, because Principal.toText (base32 and a checksum) costs about 10 times more. */
export const providerKey = (provider: Principal): string => provider.toHex();

/** Whether a provider's offers can be matched at all: certified, with at least the minimum stake. */
export function matchable(standing: ProviderStanding | undefined, minStake: bigint): boolean {
  return standing !== undefined && standing.certified && standing.stake >= minStake;
}

export function standingOf(offer: Offer, context: MatchContext): ProviderStanding {
  return context.providers.get(providerKey(offer.provider)) ?? unknownProvider(context.config);
}

/** Slots in use: running jobs plus reservations. */
export function inUse(offer: Offer, context: MatchContext): number {
  return offer.load + (context.reserved?.get(offer.id) ?? 0);
}

/** What one replica of the job costs on this offer at the model's multiplier. */
export function quoteFor(offer: Offer, request: JobRequest, multiplier: number, context: MatchContext): bigint {
  return quote(offer.terms.price, request.max_tokens, multiplier, laneBps(request.lane, context.config.priority_surcharge_bps));
}

export function exclusionsOf(offer: Offer, request: JobRequest, multiplier: number, context: MatchContext): Exclusion[] {
  const reasons: Exclusion[] = [];
  if (!offer.terms.models.includes(request.model)) reasons.push({ WrongModel: null });
  if ('paused' in offer.status) reasons.push({ Paused: null });
  if ('retired' in offer.status) reasons.push({ Retired: null });
  const used = inUse(offer, context);
  if (used >= offer.terms.capacity) reasons.push({ NoCapacity: { capacity: offer.terms.capacity, in_use: used } });
  const { hardware } = offer.terms;
  const needs = request.hardware;
  const fields = [
    [{ vram_gib: null }, needs.min_vram_gib, hardware.vram_gib],
    [{ compute_capability_x10: null }, needs.min_compute_capability_x10, hardware.compute_capability_x10],
    [{ cpu_cores: null }, needs.min_cpu_cores, hardware.cpu_cores],
    [{ ram_gib: null }, needs.min_ram_gib, hardware.ram_gib],
  ] as const;
  for (const [field, required, offered] of fields) {
    if (offered < required) reasons.push({ HardwareTooSmall: { field, required, offered } });
  }
  const price = quoteFor(offer, request, multiplier, context);
  if (price > request.max_price) reasons.push({ PriceAboveMax: { quote: price, max: request.max_price } });
  const standing = standingOf(offer, context);
  if (!standing.certified) reasons.push({ ProviderNotCertified: null });
  if (standing.stake < context.minStake) reasons.push({ StakeBelowMinimum: { stake: standing.stake, minimum: context.minStake } });
  return reasons;
}
