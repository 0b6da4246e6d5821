// Every error variant of every canister's Result, as candid/*.did declares them, has a sentence in
// src/frontend/lib/errors.ts: a variant added to a canister without one fails here.
import { Principal } from '@dfinity/principal';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

import {
  callFailureSentence,
  ERROR_SENTENCES,
  errorSentence,
  EXCLUSION_SENTENCES,
  noMatchReasons,
  type CanisterName,
} from '../../../src/frontend/lib/errors';

const CANDID = 'candid';
const TOKEN = { token: { symbol: 'LIT', decimals: 8, fee: 10_000n } };

/** The labels of a candid variant body that starts at `start` (just after its '{'). */
function variantLabels(text: string, start: number): string[] {
  const labels: string[] = [];
  let depth = 1;
  let field = '';
  for (let i = start; depth > 0; i++) {
    const c = text[i];
    if (c === '{') depth++;
    if (c === '}') depth--;
    if (depth === 1 && c === ';') {
      labels.push(field);
      field = '';
    } else if (depth === 0) labels.push(field);
    else if (depth === 1) field += c;
  }
  return labels.map((l) => /^\s*"?([A-Za-z_][A-Za-z0-9_]*)"?/.exec(l)?.[1]).filter((l): l is string => l !== undefined);
}

/** Every label of every `Err: variant { ... }` in a .did file, and of the variants nested in an Err record. */
function errorVariants(did: string): Set<string> {
  const found = new Set<string>();
  const pattern = /Err\s*:\s*variant\s*\{/g;
  for (let match = pattern.exec(did); match; match = pattern.exec(did)) for (const label of variantLabels(did, match.index + match[0].length)) found.add(label);
  return found;
}

// The asset canister speaks DFINITY's asset interface, which traps instead of returning Err values; the app only
// reads pages from it, through the gateway.
const dids = readdirSync(CANDID).filter((f) => f.endsWith('.did') && errorVariants(readFileSync(join(CANDID, f), 'utf8')).size > 0);

describe('error sentences', () => {
  it('reads every canister’s .did that declares errors', () => {
    expect(dids.map((f) => f.replace('.did', '')).sort()).toEqual(Object.keys(ERROR_SENTENCES).sort());
  });

  for (const file of dids) {
    const canister = file.replace('.did', '') as CanisterName;
    it(`has a sentence for each error variant of ${canister}`, () => {
      const variants = errorVariants(readFileSync(join(CANDID, file), 'utf8'));
      expect(variants.size).toBeGreaterThan(0);
      const sentences = ERROR_SENTENCES[canister] as Record<string, unknown>;
      const missing = [...variants].filter((v) => typeof sentences[v] !== 'function');
      expect(missing, `${canister}: no sentence for ${missing.join(', ')}`).toEqual([]);
    });
  }

  it('has a reason for each way matching excludes an offer', () => {
    const did = readFileSync(join(CANDID, 'marketplace.did'), 'utf8');
    const at = did.indexOf('reasons:vec variant {');
    expect(at).toBeGreaterThan(0);
    const reasons = variantLabels(did, at + 'reasons:vec variant {'.length);
    expect(reasons.length).toBeGreaterThan(5);
    expect(reasons.filter((r) => !(r in EXCLUSION_SENTENCES))).toEqual([]);
  });

  it('writes whole sentences with the payload in words', () => {
    const someone = Principal.fromText('aaaaa-aa');
    const samples: [CanisterName, object, string][] = [
      ['ledger', { InsufficientFunds: { balance: 150_000_000n } }, 'Your balance (1.5 LIT) is not enough for this amount and its fee.'],
      ['ledger', { InsufficientAllowance: { allowance: 10_000n } }, 'The approved allowance (0.0001 LIT) is too small for this payment.'],
      ['ledger', { GenericError: { error_code: 3n, message: 'no' } }, 'The ledger refused (code 3): no.'],
      ['payment', { InsufficientOwed: { owed: 1n } }, 'You are owed only 0.00000001 LIT.'],
      ['payment', { LedgerNotSet: null }, 'The payment canister has no ledger configured yet.'],
      ['marketplace', { InvalidInput: 'max_tokens: must be more than zero' }, 'The marketplace refused the request: max_tokens: must be more than zero.'],
      ['marketplace', { IntakePaused: null }, 'Governance has paused new jobs for now; running jobs still finish.'],
      ['identity', { AlreadyClaimed: { provider: someone } }, 'This worker was already claimed by aaaaa-aa.'],
      ['identity', { NothingToWithdraw: { next_release_at: [] } }, 'Nothing is unbonding, so there is nothing to withdraw.'],
      ['model_registry', { RoyaltyAboveCap: { cap: 500 } }, 'The royalty is above the cap of 5%.'],
      ['bridge', { NotDisputable: 'the dispute window has closed.' }, 'This job cannot be disputed: the dispute window has closed.'],
      ['governance', { AlreadyVoted: null }, 'You have already voted on this proposal.'],
    ];
    for (const [canister, error, sentence] of samples) expect(errorSentence(canister, error, TOKEN)).toBe(sentence);
    // Every sentence of every canister, with a generic payload, reads as a sentence.
    for (const [canister, sentences] of Object.entries(ERROR_SENTENCES))
      for (const name of Object.keys(sentences)) {
        const text = errorSentence(canister as CanisterName, { [name]: samplePayload(canister, name) }, TOKEN);
        expect(text, `${canister}.${name}`).toMatch(/^[A-Z].*[.!?]$/s);
        expect(text).not.toMatch(/undefined|\[object/);
      }
  });

  it('names an unknown variant instead of failing', () => {
    expect(errorSentence('payment', { Surprise: null })).toMatch(/does not know: Surprise/);
  });

  it('explains a NoMatch offer by offer', () => {
    const reasons = noMatchReasons(
      {
        needed: 2,
        eligible: 1,
        more_offers: 0n,
        other_model_offers: 0n,
        offers: [
          { offer: 1n, reasons: [] },
          { offer: 2n, reasons: [{ PriceAboveMax: { quote: 200_000_000n, max: 100_000_000n } }, { Paused: null }] },
        ],
      },
      TOKEN,
    );
    expect(reasons).toEqual(['Offer 2 costs 2 LIT, above your maximum of 1 LIT, is paused.']);
    expect(errorSentence('marketplace', { NoMatch: { needed: 2, eligible: 1, offers: [{}, {}], more_offers: 0n, other_model_offers: 0n } })).toBe(
      'Only 1 of the 2 offers of this model can take the job, and it needs 2.',
    );
  });

  it('turns failed calls into sentences a person can act on', () => {
    expect(callFailureSentence(new TypeError('Failed to fetch'), 'http://127.0.0.1:4943')).toMatch(/cannot be reached.*npm start/);
    expect(callFailureSentence(new Error('Call failed:\n  Reject code: 5\n  Error code: IC0503\n  Canister trapped: boom'))).toMatch(/failed while answering/);
    expect(callFailureSentence(new Error('IC0207: out of cycles'))).toMatch(/out of cycles/);
    expect(callFailureSentence(new Error('weird'))).toBe('The call failed: weird.');
  });
});

/** A payload of the right shape for each variant's sentence (the fields the sentences read). */
function samplePayload(canister: string, name: string): unknown {
  // identity's InvalidTransition is a text; payment's and the marketplace's are records.
  if (canister === 'identity' && name === 'InvalidTransition') return 'a reason';
  const p = Principal.fromText('aaaaa-aa');
  const shapes: Record<string, unknown> = {
    BadFee: { expected_fee: 1n },
    InsufficientFunds: { balance: 1n },
    CreatedInFuture: { ledger_time: 1n },
    Duplicate: { duplicate_of: 1n },
    GenericError: { error_code: 1n, message: 'why' },
    BadBurn: { min_burn_amount: 1n },
    AllowanceChanged: { current_allowance: 1n },
    Expired: { ledger_time: 1n },
    InsufficientAllowance: { allowance: 1n },
    JobFailed: { job_id: 1n, reason: 'why' },
    ClaimCodeExpired: { expired_at: 1n },
    AlreadyClaimed: { provider: p },
    InsufficientStake: { available: 1n },
    NothingToWithdraw: { next_release_at: [1n] },
    AlreadyExists: { id: 1n },
    RoyaltyAboveCap: { cap: 500 },
    InvalidTransition: { from: { held: null }, to: { settled: null }, event: 'Settled' },
    UnknownModel: { model: 1n },
    ModelNotAllowed: { model: 1n },
    NoMatch: { needed: 1, eligible: 0, offers: [], more_offers: 0n, other_model_offers: 0n },
    TooManyNodes: { max: 32 },
    TooManyUnbondings: { max: 16 },
    SlashPending: { id: 1n },
    TooManyOffers: { max: 64 },
    CapacityBelowLoad: { load: 2 },
    InsufficientCapacity: { free: 1 },
    AlreadyEscrowed: { state: { held: null } },
    AllowanceBusy: { job_id: 1n },
    BelowMinimum: { minimum: 1n },
    FeeTooHigh: { fee: 1n, amount: 1n },
    InsufficientOwed: { owed: 1n },
    StillLocked: { unlock_at: 1n },
    PrincipalLimitReached: { claimed_today: 1n, next_claim_at: 1n, message: 'why' },
    DailyLimitReached: { next_claim_at: 1n, message: 'why' },
    Empty: { balance: 1n },
  };
  return name in shapes ? shapes[name] : 'a reason';
}
