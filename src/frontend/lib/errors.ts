// Every error a canister can answer, as a sentence a person reads. Keyed by canister, then by the variant's name;
// each map is typed by the canister's own error unions, so a variant added to a canister's types without a
// sentence here fails the typecheck, and tests/unit/frontend/errors.test.ts checks the names against candid/*.did.
import type { Exclusion, NoMatch } from '../../../canisters/marketplace/match_types';
import type { JobError } from '../../../canisters/marketplace/job_types';
import type { OfferError } from '../../../canisters/marketplace/offer_types';
import type { ReservationError } from '../../../canisters/marketplace/reservation_types';
import type { AdminError, RefreshError } from '../../../canisters/marketplace/types';
import type { ApproveError, TransferError, TransferFromError } from '../../../canisters/ledger/types';
import type { IdentityError } from '../../../canisters/identity/types';
import type { RegistryError } from '../../../canisters/model_registry/types';
import type { PaymentError } from '../../../canisters/payment/types';
import type { BridgeError } from '../../../canisters/bridge/types';
import type { VerificationError } from '../../../canisters/verification/types';
import type { GovernanceError } from '../../../canisters/governance/types';
import type { AnalyticsError } from '../../../canisters/analytics/queries';
import type { FaucetError } from '../../../canisters/faucet/types';
import type { KeyError } from '../../sdk/api';
import { formatAmount, type Token } from './format/amount';
import { formatDateTime } from './format/time';

export type CanisterName =
  | 'ledger'
  | 'identity'
  | 'model_registry'
  | 'marketplace'
  | 'payment'
  | 'bridge'
  | 'verification'
  | 'governance'
  | 'analytics'
  | 'faucet'
  | 'api';

/** What a sentence may need: the token, to show amounts with its decimals. */
export type SentenceContext = { token?: Token };

type KeysOf<U> = U extends unknown ? keyof U & string : never;
type PayloadOf<U, K extends string> = U extends Record<K, infer P> ? P : never;
type Sentences<U> = { [K in KeysOf<U>]: (payload: PayloadOf<U, K>, ctx: SentenceContext) => string };

const amount = (units: bigint, ctx: SentenceContext): string =>
  ctx.token ? `${formatAmount(units, ctx.token.decimals)} ${ctx.token.symbol}` : `${units} base units`;

/** Canisters explain InvalidInput and Unauthorized in their own words (field: problem); we keep them, capitalized. */
const because = (prefix: string, why: string): string => {
  const text = why.trim();
  if (text === '') return `${prefix}.`;
  return `${prefix}: ${text}${/[.!?]$/.test(text) ? '' : '.'}`;
};

const ledger: Sentences<TransferError | ApproveError | TransferFromError> = {
  BadFee: ({ expected_fee }, ctx) => `The ledger's fee is now ${amount(expected_fee, ctx)}; reload and try again.`,
  InsufficientFunds: ({ balance }, ctx) => `Your balance (${amount(balance, ctx)}) is not enough for this amount and its fee.`,
  TooOld: () => 'The request is too old for the ledger; try again.',
  CreatedInFuture: () => 'Your device’s clock is ahead of the ledger’s; check the clock and try again.',
  Duplicate: ({ duplicate_of }) => `The ledger already made this transfer (block ${duplicate_of}); nothing was sent twice.`,
  TemporarilyUnavailable: () => 'The ledger is temporarily unavailable; try again in a moment.',
  GenericError: ({ message, error_code }) => because(`The ledger refused (code ${error_code})`, message),
  BadBurn: ({ min_burn_amount }, ctx) => `A burn must be at least ${amount(min_burn_amount, ctx)}.`,
  AllowanceChanged: ({ current_allowance }, ctx) =>
    `The allowance changed meanwhile (it is ${amount(current_allowance, ctx)} now); reload and try again.`,
  Expired: () => 'The approval’s expiry time has already passed.',
  InsufficientAllowance: ({ allowance }, ctx) => `The approved allowance (${amount(allowance, ctx)}) is too small for this payment.`,
};

const identity: Sentences<IdentityError> = {
  InvalidInput: (why) => because('The identity canister refused the input', why),
  Unauthorized: (why) => because('You are not allowed to do this', why),
  NotFound: (what) => because('Not found', what),
  InvalidTransition: (why) => because('That step is not possible now', why),
  ClaimCodeUnknown: () => 'No worker has this claim code: check it against what the worker printed.',
  ClaimCodeUsed: () => 'This claim code was used already.',
  ClaimCodeExpired: ({ expired_at }) => `This claim code expired on ${formatDateTime(expired_at)}: restart the worker for a new one.`,
  AlreadyClaimed: ({ provider }) => `This worker was already claimed by ${provider.toText()}.`,
  InsufficientStake: ({ available }, ctx) => `Only ${amount(available, ctx)} of stake is available for this.`,
  NothingToWithdraw: ({ next_release_at }) =>
    next_release_at.length === 1
      ? `Nothing is released yet; the next unbonding ends on ${formatDateTime(next_release_at[0])}.`
      : 'Nothing is unbonding, so there is nothing to withdraw.',
  Busy: () => 'Another request of yours is still being processed; try again in a moment.',
  LedgerNotSet: () => 'The identity canister has no ledger configured yet.',
  LedgerError: (why) => because('The ledger refused the stake transfer', why),
  TooManyNodes: ({ max }) => `A provider may hold at most ${max} nodes: retire one before claiming another.`,
  TooManyUnbondings: ({ max }) => `At most ${max} unbondings may wait at once: withdraw released ones first.`,
  SlashPending: ({ id }) => `The provider was busy; slash ${id} is kept and applied when it is free.`,
};

const model_registry: Sentences<RegistryError> = {
  InvalidInput: (why) => because('The model registry refused the input', why),
  AlreadyExists: ({ id }) => `This model name and version is already published (model ${id}); versions cannot be changed.`,
  NotFound: () => 'There is no such model.',
  Unauthorized: (why) => because('You are not allowed to do this', why),
  RoyaltyAboveCap: ({ cap }) => `The royalty is above the cap of ${cap / 100}%.`,
};

const noMatchSentence = (no: NoMatch): string =>
  no.offers.length === 0
    ? 'No provider offers this model now.'
    : `Only ${no.eligible} of the ${no.offers.length + Number(no.more_offers)} offers of this model can take the job, and it needs ${no.needed}.`;

const marketplace: Sentences<JobError | OfferError | ReservationError | AdminError | RefreshError> = {
  InvalidInput: (why) => because('The marketplace refused the request', why),
  InvalidTransition: ({ from, event }) => `The job is ${Object.keys(from)[0]}, so it cannot be ${event.toLowerCase()} now.`,
  NotFound: () => 'The marketplace has no such job or offer.',
  Unauthorized: (why) => because('You are not allowed to do this', why),
  NotConfigured: (why) => because('The marketplace is not fully set up yet', why),
  RegistryUnavailable: (why) => because('The model registry could not be reached', why),
  UnknownModel: ({ model }) => `Model ${model} is not in the registry.`,
  ModelNotAllowed: ({ model }) => `You are not on the access list of model ${model}.`,
  NoMatch: (no) => noMatchSentence(no),
  PaymentFailed: (why) => because('The payment could not be taken, so nothing was charged', why),
  Busy: () => 'This job is being settled or refunded right now; look again in a moment.',
  IntakePaused: () => 'Governance has paused new jobs for now; running jobs still finish.',
  JobFailed: ({ job_id, reason }) => because(`Job ${job_id} ran and failed, and its payment is refunded`, reason),
  Retired: () => 'This offer is retired and cannot change any more.',
  CapacityBelowLoad: ({ load }) => `The capacity cannot be lower than the ${load} job(s) running on this offer now.`,
  NoFreeSlot: () => 'This offer has no free slot right now.',
  TooManyOffers: ({ max }) => `A provider may create at most ${max} offers; update an existing one instead.`,
  OfferUnavailable: (why) => because('The offer cannot be reserved', why),
  InsufficientCapacity: ({ free }) => `Only ${free} slot(s) are free during that whole window.`,
  NoIdentityPeer: () => 'The marketplace has no identity canister configured to read your standing from.',
  CallFailed: (why) => because('A call between canisters failed', why),
};

const payment: Sentences<PaymentError> = {
  InvalidInput: (why) => because('The payment canister refused the request', why),
  NotFound: () => 'The payment canister has no escrow for this job.',
  AlreadyEscrowed: ({ state }) => `This job’s payment was already taken (${Object.keys(state)[0]}).`,
  InvalidTransition: ({ from, to }) => `The escrow is ${Object.keys(from)[0]}, so it cannot become ${Object.keys(to)[0]}.`,
  AllowanceBusy: ({ job_id }) => `Your allowance is being used for job ${job_id} right now; try again in a moment.`,
  BelowMinimum: ({ minimum }, ctx) => `The amount is below the minimum of ${amount(minimum, ctx)}.`,
  FeeTooHigh: ({ fee, amount: what }, ctx) =>
    `The amount (${amount(what, ctx)}) does not even cover the ledger fee of ${amount(fee, ctx)}.`,
  InsufficientOwed: ({ owed }, ctx) => `You are owed only ${amount(owed, ctx)}.`,
  Unauthorized: (why) => because('You are not allowed to do this', why),
  LedgerNotSet: () => 'The payment canister has no ledger configured yet.',
  LedgerError: (why) => because('The ledger refused the transfer', why),
};

const bridge: Sentences<BridgeError> = {
  Unauthorized: (why) => because('You are not allowed to do this', why),
  InvalidInput: (why) => because('The bridge refused the request', why),
  NotConfigured: (why) => because('The bridge is not fully set up yet', why),
  NotFound: () => 'The bridge has no result for this job (yet).',
  CallFailed: (why) => because('A call from the bridge failed', why),
  NotDisputable: (why) => because('This job cannot be disputed', why),
  RunFailed: (why) => because('The job ran and failed', why),
};

const verification: Sentences<VerificationError> = {
  Unauthorized: (why) => because('You are not allowed to do this', why),
  InvalidInput: (why) => because('The verification canister refused the request', why),
  NotConfigured: (why) => because('Verification is not fully set up yet', why),
};

const governance: Sentences<GovernanceError> = {
  Unauthorized: (why) => because('You are not allowed to do this', why),
  InvalidInput: (why) => because('Governance refused the request', why),
  NotFound: () => 'There is no such proposal.',
  NotConfigured: (why) => because('Governance is not fully set up yet', why),
  InvalidState: (why) => because('The proposal does not allow this now', why),
  NoVotingPower: () => 'You had no voting power when this proposal was created, so you cannot vote on it.',
  AlreadyVoted: () => 'You have already voted on this proposal.',
  VotingClosed: () => 'Voting on this proposal has closed.',
  StillLocked: ({ unlock_at }) => `Your tokens stay locked until ${formatDateTime(unlock_at)}.`,
  LedgerError: (why) => because('The ledger refused the transfer', why),
  PeerError: (why) => because('A call to another canister failed', why),
  Busy: () => 'Another request is being processed; try again in a moment.',
};

const analytics: Sentences<AnalyticsError> = {
  Unauthorized: (why) => because('You are not allowed to do this', why),
  InvalidInput: (why) => because('Analytics refused the query', why),
};

const faucet: Sentences<FaucetError> = {
  Unauthorized: (why) => because('The faucet refused', why),
  InvalidInput: (why) => because('The faucet refused the request', why),
  PrincipalLimitReached: ({ next_claim_at }) => `You have had today’s test tokens; claim again after ${formatDateTime(next_claim_at)}.`,
  DailyLimitReached: ({ next_claim_at }) => `The faucet gave out today’s tokens; it refills after ${formatDateTime(next_claim_at)}.`,
  Empty: () => 'The faucet is empty: restart npm start to top it up.',
  Busy: () => 'A claim of yours is still in flight; try again in a moment.',
  NotConfigured: (why) => because('The faucet is not set up', why),
  LedgerError: (why) => because('The ledger refused the faucet’s transfer', why),
};

// Unauthorized is claim_admin's refusal, which only governance's bootstrap meets.
const api: Sentences<KeyError | { Unauthorized: string }> = {
  InvalidInput: (why) => because('The key’s terms are not valid', why),
  Unauthorized: (why) => because('You are not allowed to do this', why),
  LimitReached: (why) => because('You have reached a limit on keys', why),
  NotFound: () => 'You have no key with that id.',
  NotAllowed: (why) => because('The API canister does not allow this', why),
};

/** Every canister's sentences; the test walks candid/*.did and checks each error variant has one here. */
export const ERROR_SENTENCES = {
  ledger,
  identity,
  model_registry,
  marketplace,
  payment,
  bridge,
  verification,
  governance,
  analytics,
  faucet,
  api,
} as const satisfies Record<CanisterName, Record<string, (payload: never, ctx: SentenceContext) => string>>;

/** The sentence for a canister's error value ({ InsufficientFunds: { balance } } and the like). */
export function errorSentence(canister: CanisterName, error: object, ctx: SentenceContext = {}): string {
  const name = Object.keys(error)[0];
  const sentences = ERROR_SENTENCES[canister] as Record<string, (payload: unknown, ctx: SentenceContext) => string>;
  const sentence = name === undefined ? undefined : sentences[name];
  if (sentence === undefined)
    return `The ${canister.replace('_', ' ')} canister answered an error this app does not know: ${name ?? 'none'}.`;
  return sentence((error as Record<string, unknown>)[name], ctx);
}

/** Why matching left an offer out, in words. */
export const EXCLUSION_SENTENCES: Sentences<Exclusion> = {
  WrongModel: () => 'does not serve this model',
  Paused: () => 'is paused',
  Retired: () => 'is retired',
  NoCapacity: ({ capacity, in_use }) => `is full (${in_use} of ${capacity} slots in use)`,
  HardwareTooSmall: ({ field, required, offered }) =>
    `has too little ${Object.keys(field)[0].replace(/_/g, ' ')} (${offered}, needs ${required})`,
  PriceAboveMax: ({ quote, max }, ctx) => `costs ${amount(quote, ctx)}, above your maximum of ${amount(max, ctx)}`,
  ProviderNotCertified: () => 'belongs to a provider who is not certified',
  StakeBelowMinimum: ({ stake, minimum }, ctx) =>
    `belongs to a provider whose stake (${amount(stake, ctx)}) is below ${amount(minimum, ctx)}`,
  SameProvider: ({ chosen }) => `has the same provider as offer ${chosen}, and replicas run on distinct providers`,
};

/** One line per offer matching left out, for a NoMatch. */
export function noMatchReasons(no: NoMatch, ctx: SentenceContext = {}): string[] {
  return no.offers
    .filter((o) => o.reasons.length > 0)
    .map((o) => {
      const reasons = o.reasons.map((r) => {
        const name = Object.keys(r)[0] as keyof typeof EXCLUSION_SENTENCES;
        const sentence = EXCLUSION_SENTENCES[name] as (payload: unknown, ctx: SentenceContext) => string;
        return sentence((r as Record<string, unknown>)[name], ctx);
      });
      return `Offer ${o.offer} ${reasons.join(', ')}.`;
    });
}

/**
 * A failed call (the network, the agent, a trap) as a sentence: the cases a person can act on first, then the
 * agent's first line.
 */
export function callFailureSentence(error: unknown, host?: string): string {
  const message = error instanceof Error ? error.message : String(error);
  const where = host ? ` at ${host}` : '';
  if (/Failed to fetch|NetworkError|fetch failed|ECONNREFUSED|Load failed/i.test(message))
    return `The network${where} cannot be reached. Is it running (npm start) and is the address right?`;
  if (/IC0503|trapped|Canister called `ic0.trap`/i.test(message))
    return `The canister failed while answering: ${firstLine(message, 'trapped')}`;
  if (/IC0207|out of cycles/i.test(message)) return 'The canister is out of cycles and cannot answer until it is topped up.';
  if (/IC0301|IC0302|not found|has no wasm module|no such canister/i.test(message))
    return 'The canister was not found on this network: the app’s canister ids may be out of date (restart npm start, then reload).';
  if (/certificate|signature|root key|delegation/i.test(message) && /expir|time/i.test(message))
    return 'Your device’s clock differs too much from the network’s: check the clock, then reload.';
  if (/delegation|Invalid signature|expired/i.test(message)) return 'Your login has expired: log out and log in again.';
  return `The call failed: ${firstLine(message)}`;
}

function firstLine(message: string, after?: string): string {
  const lines = message
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '');
  const picked = (after ? lines.find((l) => l.toLowerCase().includes(after)) : undefined) ?? lines[0] ?? 'no reason given';
  const text = picked.length > 240 ? `${picked.slice(0, 240)}…` : picked;
  return /[.!?]$/.test(text) ? text : `${text}.`;
}
