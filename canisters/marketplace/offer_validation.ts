// Field rules for the terms a provider states. Each check returns the reason it failed, or undefined.
import type { OfferTerms } from './offer_types';

export const MAX_MODELS_PER_OFFER = 32;
export const MAX_NODES_PER_OFFER = 16;
export const MAX_CAPACITY = 10_000;
// Regions are short lowercase codes such as "eu-west"; the part before the first "-" is the continent.
const REGION = /^[a-z]{2,12}(-[a-z0-9]{1,12}){0,2}$/;
const GPU_MODEL = /^[\x20-\x7e]{0,64}$/;

export function checkTerms(terms: OfferTerms): string | undefined {
  if (terms.models.length === 0 || terms.models.length > MAX_MODELS_PER_OFFER) return `models: 1 to ${MAX_MODELS_PER_OFFER}`;
  if (new Set(terms.models).size !== terms.models.length) return 'models: each model once';
  if (terms.nodes.length === 0 || terms.nodes.length > MAX_NODES_PER_OFFER) return `nodes: 1 to ${MAX_NODES_PER_OFFER}`;
  if (terms.nodes.some((node) => node.isAnonymous())) return 'nodes: the anonymous principal is not a node';
  if (new Set(terms.nodes.map((node) => node.toText())).size !== terms.nodes.length) return 'nodes: each node once';
  if (!REGION.test(terms.region)) return 'region: a lowercase code such as "eu-west"';
  if (!GPU_MODEL.test(terms.hardware.gpu_model)) return 'hardware.gpu_model: at most 64 printable ASCII characters';
  if (terms.hardware.cpu_cores === 0) return 'hardware.cpu_cores: at least 1';
  if (terms.price.amount === 0n) return 'price: must be more than zero';
  if (terms.capacity === 0 || terms.capacity > MAX_CAPACITY) return `capacity: 1 to ${MAX_CAPACITY}`;
  if (terms.sla.uptime_bps > 10_000) return 'sla.uptime_bps: at most 10000';
  if (terms.sla.p95_latency_ms === 0) return 'sla.p95_latency_ms: must be more than zero';
  if (terms.sla.late_refund_bps > 10_000) return 'sla.late_refund_bps: at most 10000';
}
