// The provider, model creator, governance and analytics pages' logic, without a network.
import { Principal } from '@dfinity/principal';
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';

import type { Point } from '../../../canisters/analytics/queries';
import type { Summary } from '../../../canisters/analytics/stats';
import type { Proposal } from '../../../canisters/governance/types';
import { chartsOf } from '../../../src/frontend/lib/services/analytics';
import { hashFile, publishRequest, royaltiesOf, type PublishForm } from '../../../src/frontend/lib/services/creator';
import { createProposal, depositCharges, filterProposals, nextStep, proposalAction, tallyBps, type ProposalForm } from '../../../src/frontend/lib/services/governance';
import { newOfferForm, offerForm, offerTerms, stake, stakeCharges, uptimeBps } from '../../../src/frontend/lib/services/provider';
import { fakeActors, IDS, LIT, principal } from './fakes';

describe('provider', () => {
  const node = { id: principal(30), hardware: { gpu_model: ['rtx-4090'] as [string], vram_mib: 24_576, cpu_cores: 16, ram_mib: 65_536, description: '' }, status: { claimed: null }, provider: [], registered_at: 0n, claimed_at: [] };

  it('builds offer terms from the form, checked by the marketplace’s own rules', () => {
    const form = { ...newOfferForm([node as never]), models: '0, 3', price: '0.015', uptimePercent: '99.5', lateRefundPercent: '10' };
    expect(form).toMatchObject({ gpuModel: 'rtx-4090', vramGib: '24', cpuCores: '16', ramGib: '64' });
    const terms = offerTerms(form, [node.id], LIT);
    expect(terms.ok).toBe(true);
    if (!terms.ok) return;
    expect(terms.value).toMatchObject({
      models: [0n, 3n],
      price: { unit: { per_request: null }, amount: 1_500_000n },
      sla: { p95_latency_ms: 5_000, uptime_bps: 9_950, late_refund_bps: 1_000 },
      hardware: { gpu_model: 'rtx-4090', vram_gib: 24, cpu_cores: 16, ram_gib: 64 },
    });
    // Editing an offer starts from a form that gives the same terms back.
    expect(offerTerms(offerForm(terms.value, LIT), [node.id], LIT)).toEqual(terms);
  });

  it('says what is wrong with an offer form', () => {
    const form = { ...newOfferForm([node as never]), models: '0', price: '0.01' };
    expect(offerTerms({ ...form, models: 'x' }, [node.id], LIT)).toMatchObject({ ok: false, error: /List the model numbers/ });
    expect(offerTerms({ ...form, price: '1,5' }, [node.id], LIT)).toMatchObject({ ok: false, error: /^Price: Use a dot/ });
    expect(offerTerms({ ...form, uptimePercent: '101' }, [node.id], LIT)).toMatchObject({ ok: false, error: /Uptime is a percentage/ });
    expect(offerTerms({ ...form, capacity: '0' }, [node.id], LIT)).toEqual({ ok: false, error: 'The offer is not valid: capacity: 1 to 10000.' });
    expect(offerTerms(form, [], LIT)).toMatchObject({ ok: false, error: /nodes: 1 to 16/ });
    expect(offerTerms({ ...form, region: 'EU West' }, [node.id], LIT)).toMatchObject({ ok: false, error: /region/ });
  });

  it('computes uptime from probes', () => {
    expect(uptimeBps(undefined)).toBeUndefined();
    expect(uptimeBps({ node: node.id, probes: 200n, failures: 3n, last_ok: true, last_at: 0n })).toBe(9_850);
  });

  it('stakes by approving identity for amount + fee, then calling stake', async () => {
    const { actors, calls } = fakeActors({ ledger: { icrc2_approve: () => ({ Ok: 1n }) }, identity: { stake: () => ({ Ok: { bonded: 100_000_000n, unbonding: [], slashed: 0n } }) } });
    const charges = stakeCharges(100_000_000n, LIT.fee);
    expect(charges.total).toBe(100_020_000n);
    const result = await stake(actors, charges, LIT);
    expect(result).toMatchObject({ ok: true });
    expect(calls[0].args[0]).toMatchObject({ spender: { owner: IDS.identity }, amount: 100_010_000n });
    expect(calls[1]).toMatchObject({ canister: 'identity', method: 'stake', args: [100_000_000n] });
  });
});

describe('model creator', () => {
  const form: PublishForm = {
    name: 'org/tiny-llama',
    version: '1.0',
    task: 'text_generation',
    format: 'gguf',
    sha256: 'ab'.repeat(32),
    size: '1234',
    license: 'apache-2.0',
    royaltyPercent: '2.5',
    access: 'allow_list',
    allowList: `${principal(1).toText()}\n${principal(2).toText()}`,
  };

  it('builds the publish request, checked by the registry’s own rules and the royalty cap', () => {
    const request = publishRequest(form, 500);
    expect(request).toMatchObject({ ok: true, value: { royalty_bps: 250, size_bytes: 1234n, task: { text_generation: null }, format: { gguf: null } } });
    expect(request.ok && 'allow_list' in request.value.access && request.value.access.allow_list.length).toBe(2);
    expect(publishRequest({ ...form, royaltyPercent: '6' }, 500)).toEqual({ ok: false, error: 'The royalty is above the cap of 5%.' });
    expect(publishRequest({ ...form, sha256: 'abc' }, 500)).toMatchObject({ ok: false, error: /64 hex digits/ });
    expect(publishRequest({ ...form, allowList: 'not-a-principal' }, 500)).toMatchObject({ ok: false, error: /not a principal/ });
    expect(publishRequest({ ...form, name: ' bad name' }, 500)).toMatchObject({ ok: false, error: /The model is not valid: name/ });
  });

  it('hashes a file in chunks, as sha256sum does', async () => {
    const bytes = new Uint8Array(3 * 1024 * 1024 + 17).map((_, i) => (i * 31) & 0xff);
    const progress: number[] = [];
    const hashed = await hashFile(new Blob([bytes]), (p) => progress.push(p));
    expect(hashed).toEqual({ sha256: createHash('sha256').update(bytes).digest('hex'), size: BigInt(bytes.length) });
    expect(progress.at(-1)).toBe(1);
  });

  it('lists royalty credits, newest first', () => {
    const entries = [
      { index: 0n, at: 1n, event: { credited: { job_id: 1n, amount: 5n, role: { creator: null } } } },
      { index: 1n, at: 2n, event: { credited: { job_id: 2n, amount: 9n, role: { provider: null } } } },
      { index: 2n, at: 3n, event: { credited: { job_id: 3n, amount: 7n, role: { creator: null } } } },
    ];
    expect(royaltiesOf(entries as never)).toEqual([
      { jobId: 3n, amount: 7n, at: 3n },
      { jobId: 1n, amount: 5n, at: 1n },
    ]);
  });
});

describe('governance', () => {
  const base: ProposalForm = { kind: 'text', summary: 'why', paused: true, amount: '', to: '', percent: '' };

  it('turns the form into each action', () => {
    expect(proposalAction(base, LIT)).toEqual({ ok: true, value: { text: null } });
    expect(proposalAction({ ...base, kind: 'set_job_intake_paused', paused: false }, LIT)).toEqual({ ok: true, value: { set_job_intake_paused: false } });
    expect(proposalAction({ ...base, kind: 'audit_rate_bps', percent: '12.5' }, LIT)).toEqual({ ok: true, value: { set_parameter: { audit_rate_bps: 1_250 } } });
    expect(proposalAction({ ...base, kind: 'min_stake', amount: '2' }, LIT)).toEqual({ ok: true, value: { set_parameter: { min_stake: 200_000_000n } } });
    const to = Principal.fromText('k2t6j-2nvnp-4zjm3-25dtz-6xhaa-c7boj-5gayf-oj3xs-i43lp-teztq-6ae');
    const spend = proposalAction({ ...base, kind: 'spend_reserve', amount: '1.5', to: `${to.toText()}-6cc627i.1` }, LIT);
    expect(spend.ok && 'spend_reserve' in spend.value && spend.value.spend_reserve.amount).toBe(150_000_000n);
    expect(spend.ok && 'spend_reserve' in spend.value && spend.value.spend_reserve.to.subaccount[0]?.[31]).toBe(1);
    expect(proposalAction({ ...base, kind: 'spend_treasury', amount: '1', to: 'nope' }, LIT)).toMatchObject({ ok: false, error: /^The recipient: / });
    expect(proposalAction({ ...base, kind: 'slash_rate_bps', percent: '150' }, LIT)).toMatchObject({ ok: false, error: /percentage from 0 to 100/ });
  });

  const proposal = (state: Proposal['state'], yes: bigint, no: bigint, total: bigint): Proposal =>
    ({ id: 1n, state, tally: { yes, no, total_power: total }, voting_ends_at: 100n, executable_at: [200n] }) as unknown as Proposal;

  it('counts turnout and yes share, and says what comes next', () => {
    expect(tallyBps(proposal({ open: null }, 30n, 10n, 100n))).toEqual({ turnout: 4_000, yes: 7_500 });
    expect(tallyBps(proposal({ open: null }, 0n, 0n, 0n))).toEqual({ turnout: 0, yes: 0 });
    expect(nextStep(proposal({ open: null }, 0n, 0n, 1n))).toEqual({ what: 'voting ends', at: 100n });
    expect(nextStep(proposal({ adopted: null }, 0n, 0n, 1n))).toEqual({ what: 'executes', at: 200n });
    expect(nextStep(proposal({ rejected: null }, 0n, 0n, 1n))).toBeUndefined();
    const all = [proposal({ open: null }, 0n, 0n, 1n), proposal({ executed: { at: 1n, outcome: 'ok' } }, 0n, 0n, 1n)];
    expect(filterProposals(all, 'executed')).toHaveLength(1);
    expect(filterProposals(all, '')).toHaveLength(2);
  });

  it('approves governance for the deposit + fee before proposing, and needs a summary', async () => {
    const { actors, calls } = fakeActors({ ledger: { icrc2_approve: () => ({ Ok: 1n }) }, governance: { create_proposal: () => ({ Ok: { id: 4n } }) } });
    const charges = depositCharges(100_000_000n, LIT.fee);
    expect(await createProposal(actors, '  ', { text: null }, charges, LIT)).toEqual({ ok: false, error: 'Write a summary: it is what people vote on.' });
    expect(await createProposal(actors, 'Lower the fee', { text: null }, charges, LIT)).toMatchObject({ ok: true, value: { id: 4n } });
    expect(calls[0].args[0]).toMatchObject({ spender: { owner: IDS.governance }, amount: 100_010_000n });
    expect(calls[1].args[0]).toEqual({ summary: 'Lower the fee', action: { text: null } });
  });
});

describe('analytics charts', () => {
  it('draws the series with gaps where a bucket has no latency', () => {
    const summary = (n: bigint, p95: [] | [bigint]): Summary =>
      ({
        submitted: n,
        completed: n,
        failed: 0n,
        rejected: 0n,
        success_rate_bps: n > 0n ? [10_000] : [],
        p50_latency_ms: p95,
        p95_latency_ms: p95,
        volume: n * 1_000_000n,
        treasury_fees: 0n,
        ledger_fees: 10_000n,
        refunds: 0n,
        slashed: 0n,
      }) as unknown as Summary;
    const points: Point[] = [
      { start: 60_000_000_000n, summary: summary(2n, [150n]) },
      { start: 120_000_000_000n, summary: summary(0n, []) },
    ];
    const { labels, charts } = chartsOf(points, LIT);
    expect(labels).toEqual([60_000, 120_000]);
    expect(charts.map((c) => c.title)).toEqual(['Jobs', 'Success rate', 'Latency', 'Volume', 'Fees', 'Refunds', 'Slashes']);
    expect(charts[1].lines[0].values).toEqual([100, null]);
    expect(charts[2].lines[1].values).toEqual([150, null]);
    expect(charts[3].lines[0].values).toEqual([0.02, 0]);
  });
});
