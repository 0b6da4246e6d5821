// What the marketplace reports to analytics: every job each time it is stored, that is at each state change, with
// its model, the providers and region of its offers, its price and, once completed, its latency. Glue: imports azle.
import type { JobReport } from '../analytics/events';
import { analyticsReporter } from '../shared/analytics_reporter';
import type { Job } from './job_types';
import type { JobStore } from './jobs';
import { MEMORY } from './memory';
import type { OfferBook } from './offers';

export const analytics = analyticsReporter(MEMORY.analytics);

const NS_PER_MS = 1_000_000n;

export function jobReport(job: Job, book: OfferBook): JobReport {
  const offers = job.offers.map((id) => book.get(id)!);
  const running = offers.slice(0, job.request.redundancy);
  // Once paid nodes are named, the providers are those whose offers run them (as payment is told to pay).
  const paid = offers.filter((offer) =>
    offer.terms.nodes.some((node) => job.paid_nodes.some((paidNode) => paidNode.compareTo(node) === 'eq')),
  );
  return {
    job_id: job.id,
    stage: job.state,
    model: job.request.model,
    consumer: job.consumer,
    providers: (paid.length > 0 ? paid : running).map((offer) => offer.provider),
    region: offers.length > 0 ? [offers[0].terms.region] : [],
    price: job.price,
    latency_ms: 'completed' in job.state ? [(job.updated_at - job.created_at) / NS_PER_MS] : [],
    at: job.updated_at,
  };
}

/** The job store with a report to analytics after every write. */
export function reportingJobs(store: JobStore, book: () => OfferBook): JobStore {
  return {
    ...store,
    put(job: Job): void {
      store.put(job);
      analytics.report([{ job: jobReport(job, book()) }]);
    },
  };
}
