// GET /v1/models: the registry's models the API can run, as OpenAI's model objects plus what a buyer compares:
// the cheapest live price, the token budget a request may use, the task and how many providers serve it now. A
// model's id is the registry's numeric id as decimal text ("3"), the name clients send as `model`. Pure.
import type { Offer } from '../marketplace/offer_types';
import { MAX_TOKENS } from '../shared/job_limits';
import type { Model } from '../shared/models';
import type { Endpoint } from './openai_request';

/** The task a model must have to serve an endpoint; models of other tasks are not listed. */
export const TASK_OF: Record<Endpoint, 'text_generation' | 'embedding'> = {
  chat: 'text_generation',
  completion: 'text_generation',
  embedding: 'embedding',
};
const SERVED = new Set(Object.values(TASK_OF));

export const servable = (model: Model): boolean => SERVED.has(Object.keys(model.task)[0] as 'embedding');

/** A client's `model` as a registry id, or undefined when it is not one (decimal digits, no sign or leading zero). */
export function modelIdOf(text: string): bigint | undefined {
  return /^(0|[1-9]\d{0,19})$/.test(text) && BigInt(text) < 2n ** 64n ? BigInt(text) : undefined;
}

export type ModelObject = {
  id: string;
  object: 'model';
  created: number;
  owned_by: string;
  name: string;
  version: string;
  task: string;
  /** The cheapest live offer's price, in base units as a decimal string; null when no live offer prices that way. */
  price_per_1k_tokens: string | null;
  price_per_request: string | null;
  /** The most tokens one request may ask (input and output: the market's job budget). */
  context_length: number;
  live_providers: number;
};

/** `offers`: the model's live offers (the marketplace's list_offers for the model, active ones counted). */
export function modelObject(model: Model, offers: Offer[]): ModelObject {
  const active = offers.filter((offer) => 'active' in offer.status && offer.terms.models.includes(model.id));
  const cheapest = (unit: 'per_1k_tokens' | 'per_request'): string | null => {
    const prices = active.filter((o) => unit in o.terms.price.unit).map((o) => o.terms.price.amount);
    return prices.length === 0 ? null : prices.reduce((a, b) => (b < a ? b : a)).toString();
  };
  return {
    id: model.id.toString(),
    object: 'model',
    created: Number(model.published_at / 1_000_000_000n),
    owned_by: model.creator.toText(),
    name: model.name,
    version: model.version,
    task: Object.keys(model.task)[0],
    price_per_1k_tokens: cheapest('per_1k_tokens'),
    price_per_request: cheapest('per_request'),
    context_length: MAX_TOKENS,
    live_providers: new Set(active.map((offer) => offer.provider.toText())).size,
  };
}

export const modelList = (models: ModelObject[]): object => ({ object: 'list', data: models });
