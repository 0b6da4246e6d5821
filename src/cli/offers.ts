// Offers on the command line: list them (all, a model's, or your own) and pause, resume or retire one of yours.
import type { Offer } from '../../canisters/marketplace/offer_types';
import { ok } from '../sdk/errors';
import type { Connection } from './connect';
import { token } from './token';

export async function listOffers(c: Connection, options: { model?: string; mine: boolean }): Promise<void> {
  const t = await token(c);
  const filter = {
    model: options.model === undefined ? ([] as []) : ([BigInt(options.model)] as [bigint]),
    provider: options.mine ? ([c.me] as [typeof c.me]) : ([] as []),
  };
  const page = ok('list_offers', await c.marketplace.list_offers(filter, { offset: 0n, limit: 100 }));
  if (page.offers.length === 0) return console.log('no offers');
  for (const offer of page.offers) {
    const { terms } = offer;
    const unit = 'per_request' in terms.price.unit ? 'request' : '1k tokens';
    console.log(
      `offer ${offer.id} (${Object.keys(offer.status)[0]}): models ${terms.models.join(', ')}, ${t.amount(terms.price.amount)} per ${unit}, ` +
        `${offer.load}/${terms.capacity} in use, ${terms.region}, provider ${offer.provider.toText()}`,
    );
  }
  if (page.total > BigInt(page.offers.length)) console.log(`(the first ${page.offers.length} of ${page.total})`);
}

const CHANGES = { pause: 'pause_offer', resume: 'resume_offer', retire: 'retire_offer' } as const;
export type OfferChange = keyof typeof CHANGES;

/** Pauses (no new jobs), resumes or retires (for good) one of the caller's offers. */
export async function changeOffer(c: Connection, change: OfferChange, id: string): Promise<void> {
  const method = CHANGES[change];
  const offer: Offer = ok(method, await c.marketplace[method](BigInt(id)));
  console.log(`offer ${offer.id} is ${Object.keys(offer.status)[0]}`);
}
