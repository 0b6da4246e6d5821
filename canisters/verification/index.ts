// The verification canister: the bridge submits the answers of a job run on several nodes; verification finds the
// majority (consensus.ts), has identity slash and lower the reputation of every provider whose node disagreed, and
// keeps the verdict. The bridge also sends it the answers of audits and disputes (the job's nodes and outside
// auditors); a redundant job whose replicas agreed may be judged once more that way, when its consumer disputes it.
import { IDL, init, inspectMessage, msgArgData, msgCaller, postUpgrade, Principal, StableBTreeMap, time } from 'azle';

import { requireSignedCaller } from '../shared/caller';
import { decodeOptionalArg } from '../shared/init_arg';
import { acceptIngress } from '../shared/inspect';
import { query, update } from '../shared/methods';
import { claimAdmin, ClaimAdminResult } from '../shared/admin_claim';
import { isOneOf } from '../shared/guard';
import { checkConfig } from './config_rules';
import { stableCell } from '../shared/stable_cell';
import { candidValue, u64Key } from '../shared/stable_codecs';
import { versionOf } from '../shared/version';
import { rejudges, slashAmount, verdictOf } from './consensus';
import { lowerReputation } from '../shared/reputation';
import { analytics, reportSlash } from './analytics_peer';
import { slash, slashableStake } from './peers';
import { DEFAULT_CONFIG, InitArg, Penalty, Result, Settings, Verdict, VerificationConfig, VerifyRequest } from './types';
import { hex } from '../shared/hex';

const settings = stableCell<string, Settings>(new StableBTreeMap<string, Settings>(0), 'settings', 'verification');
const verdicts = new StableBTreeMap<bigint, Verdict>(1, u64Key, candidValue<Verdict>(Verdict));
/** Jobs judged a second time (rejudges): once each, so no job's nodes are slashed twice over. */
const judgedAgain = new StableBTreeMap<bigint, boolean>(2, u64Key, candidValue<boolean>(IDL.Bool));
/** The most answers one comparison takes: a dispute of three replicas that agreed, and four outside auditors. */
const MAX_ANSWERS = 7;

export default class {
  @init([IDL.Opt(InitArg)], { manual: true })
  init(): void {
    const arg = decodeOptionalArg<InitArg>(InitArg, msgArgData());
    settings.put({
      admin: arg?.admin[0] ?? msgCaller(),
      identity: arg?.identity ?? [],
      bridge: arg?.bridge ?? [],
      config: arg?.config[0] ?? DEFAULT_CONFIG,
    });
    analytics.name(arg?.analytics ?? []);
  }

  @postUpgrade([IDL.Opt(InitArg)], { manual: true })
  postUpgrade(): void {
    analytics.name(decodeOptionalArg<InitArg>(InitArg, msgArgData())?.analytics ?? []);
  }

  // Anonymous or oversized ingress would only trap or be refused after it ran; refuse it before induction instead.
  @inspectMessage({ manual: true })
  inspect(): boolean {
    return acceptIngress();
  }

  @query([], IDL.Text)
  version(): string {
    return versionOf('verification');
  }

  @query([], Settings)
  settings(): Settings {
    return settings.get();
  }

  /** Sets the slash rate, the reputation penalty and the embedding tolerance. Admin only (governance after the hand-over). */
  @update([VerificationConfig], Result(Settings))
  set_config(config: VerificationConfig): Result<Settings> {
    requireSignedCaller();
    const current = settings.get();
    if (!isOneOf(msgCaller(), current.admin)) return { Err: { Unauthorized: 'only the admin sets the configuration' } };
    const problem = checkConfig(config);
    if (problem !== undefined) return { Err: { InvalidInput: problem } };
    const next = { ...current, config };
    settings.put(next);
    return { Ok: next };
  }

  /** A controller (governance, after the hand-over) becomes the admin. */
  @update([], ClaimAdminResult)
  claim_admin(): ClaimAdminResult {
    return claimAdmin((admin) => settings.put({ ...settings.get(), admin }));
  }

  /** The bridge's answers of one job run on several nodes: the verdict, with every dissenter penalized. */
  @update([VerifyRequest], Result(Verdict))
  async verify(request: VerifyRequest): Promise<Result<Verdict>> {
    requireSignedCaller();
    const { bridge, identity, config } = settings.get();
    if (!isOneOf(msgCaller(), bridge)) return { Err: { Unauthorized: 'only the bridge submits answers' } };
    if (identity[0] === undefined) return { Err: { NotConfigured: 'no identity canister is named' } };
    if (request.answers.length < 2 || request.answers.length > MAX_ANSWERS)
      return { Err: { InvalidInput: `answers: 2 to ${MAX_ANSWERS}` } };
    const byNode = new Map(request.answers.map((a) => [a.node.toText(), a]));
    if (byNode.size !== request.answers.length) return { Err: { InvalidInput: 'answers: one per node' } };
    const earlier = verdicts.get(request.job_id);
    if (earlier !== undefined) {
      const trusted = earlier.output_sha256.length === 1 ? earlier.agreeing.map((node) => node.toText()) : [];
      if (judgedAgain.containsKey(request.job_id) || !rejudges(trusted, [...byNode.keys()]))
        return { Err: { InvalidInput: `job ${request.job_id} was verified before` } };
      judgedAgain.insert(request.job_id, true);
    }

    const verdict = verdictOf(
      request.answers.map((a) => ({
        node: a.node.toText(),
        output_sha256: hex(a.output_sha256),
        vector: request.embedding ? a.vector : undefined,
      })),
      request.embedding ? config.embedding_tolerance : undefined,
    );
    const agreed = 'agreed' in verdict ? verdict.agreed : undefined;
    const record: Verdict = {
      job_id: request.job_id,
      output_sha256: agreed ? [byNode.get(agreed.agreeing[0])!.output_sha256] : [],
      agreeing: (agreed?.agreeing ?? []).map((node) => Principal.fromText(node)),
      dissenting: (agreed?.dissenting ?? []).map((node) => Principal.fromText(node)),
      // A second judgement replaces the verdict; the first one's penalties stay listed with it.
      penalties: earlier?.penalties ?? [],
      at: time(),
    };
    // Committed before the awaits below, so a second submission of the job is refused while they run.
    verdicts.insert(request.job_id, record);
    for (const node of record.dissenting) {
      const { provider } = byNode.get(node.toText())!;
      record.penalties.push(await this.penalize(identity[0], provider, node, request.job_id, config));
    }
    verdicts.insert(request.job_id, record);
    return { Ok: record };
  }

  @query([IDL.Nat64], IDL.Opt(Verdict))
  verdict_of(jobId: bigint): [] | [Verdict] {
    const verdict = verdicts.get(jobId);
    return verdict === undefined ? [] : [verdict];
  }

  // Slashes slash_bps of the provider's stake, bonded and unbonding, and lowers its reputation; failures are recorded,
  // not thrown.
  private async penalize(
    identity: Principal,
    provider: Principal,
    node: Principal,
    jobId: bigint,
    config: VerificationConfig,
  ): Promise<Penalty> {
    const reason = `job ${jobId}: node ${node.toText()} disagreed with the majority`;
    const stake = await slashableStake(identity, provider);
    const amount = 'Ok' in stake ? slashAmount(stake.Ok, config.slash_bps) : 0n;
    const slashed =
      amount > 0n ? await slash(identity, provider, amount, reason) : { Err: 'Err' in stake ? stake.Err : 'no stake to slash' };
    if ('Ok' in slashed) reportSlash(jobId, provider, node, slashed.Ok);
    const lowered = await lowerReputation(identity, provider, config.reputation_penalty_bps, reason);
    const outcome = [
      'Err' in slashed ? `slash: ${slashed.Err}` : 'slashed',
      'Err' in lowered ? `reputation: ${lowered.Err}` : 'reputation lowered',
    ].join('; ');
    return { provider, node, slashed: 'Ok' in slashed ? slashed.Ok : 0n, outcome };
  }
}
