// Redundant execution: which of a job's answers the majority agrees on, and who disagreed. Text generation agrees
// on identical token ids (compared through their sha256); embeddings agree within a tolerance, because batching
// and instruction sets move their low bits. Pure: no 'azle' import.

/** One replica's answer: the node that ran it and its output. */
export type ReplicaAnswer = { node: string; output_sha256: string; vector?: number[] };

export type Verdict =
  { agreed: { output_sha256: string; agreeing: string[]; dissenting: string[] } } | { no_majority: { groups: string[][] } };

/** Two embeddings agree when every component is within `tolerance` of the other's. */
export function embeddingsAgree(a: number[], b: number[], tolerance: number): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!(Math.abs(a[i] - b[i]) <= tolerance)) return false;
  return true;
}

/**
 * Groups the answers (identical hashes, or embeddings within the tolerance of a group's first answer) and returns
 * the group holding a strict majority, the output of its first answer standing for it; with no such group (a tie,
 * or all different), nobody is trusted and the job goes to audit.
 */
export function verdictOf(answers: ReplicaAnswer[], tolerance?: number): Verdict {
  if (answers.length === 0) return { no_majority: { groups: [] } };
  const groups: ReplicaAnswer[][] = [];
  for (const answer of answers) {
    const same = groups.find(([first]) =>
      tolerance === undefined || first.vector === undefined || answer.vector === undefined
        ? first.output_sha256 === answer.output_sha256
        : embeddingsAgree(first.vector, answer.vector, tolerance),
    );
    if (same) same.push(answer);
    else groups.push([answer]);
  }
  const majority = groups.find((group) => group.length * 2 > answers.length);
  if (majority === undefined) return { no_majority: { groups: groups.map((group) => group.map((a) => a.node)) } };
  const agreeing = new Set(majority.map((a) => a.node));
  return {
    agreed: {
      output_sha256: majority[0].output_sha256,
      agreeing: [...agreeing],
      dissenting: answers.filter((a) => !agreeing.has(a.node)).map((a) => a.node),
    },
  };
}

/**
 * Whether answers from `nodes` may judge a job again whose earlier verdict trusted `trusted`: the dispute of a
 * redundant job whose replicas agreed, which colluding replicas would win against any one auditor. Every node the
 * verdict trusted answers again, beside more nodes new to the job than those, so outside auditors can outvote them.
 */
export function rejudges(trusted: string[], nodes: string[]): boolean {
  const earlier = new Set(trusted);
  const fresh = nodes.filter((node) => !earlier.has(node)).length;
  return trusted.length > 0 && trusted.every((node) => nodes.includes(node)) && fresh > trusted.length;
}

/** The stake slashed from a provider that disagreed with the majority: `slash_bps` of its stake, rounded down. */
export function slashAmount(stake: bigint, slashBps: number): bigint {
  if (!Number.isInteger(slashBps) || slashBps < 0 || slashBps > 10_000) throw new Error(`slash_bps: 0 to 10000, got ${slashBps}`);
  return (stake * BigInt(slashBps)) / 10_000n;
}

/** Whether a settled job is audited: a draw in [0, 10000) below the audit rate (10% by default, 1,000 bps). */
export const isAudited = (drawBps: number, auditRateBps: number): boolean => drawBps < auditRateBps;
