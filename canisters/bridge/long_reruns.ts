// Audits and disputes of long jobs: an outcall would outlast its time limit re-running one, so the auditors get it
// with the long-job protocol (acknowledge, then post the answer by submit_result) and the re-run stays open in a
// LongReRun record until both answered or the deadline passed. Pure rules on that record; the dispute desk
// (dispute_desk.ts) drives them.
import type { Principal } from '@dfinity/principal';

import { answerOf, outputOf, parseAnswer } from './answers';
import type { BridgeError, Endpoint, JobOutput, LongReRun } from './types';
import type { Answered } from './work';

/** The auditors a re-run needs: with the runner's answer, three answers can make a majority. */
export const AUDITORS = 2;

/**
 * How long auditors have to post a long job's answer: as long as a job has to complete (the marketplace's default
 * timeout). Past it, the re-run is decided with the answers that came.
 */
export const LONG_RERUN_NS = 15n * 60n * 1_000_000_000n;

const same = (a: Principal, b: Principal): boolean => a.compareTo(b) === 'eq';

/** The re-run with `endpoint` among its auditors: named before it is asked, as its answer may come before its acknowledgement. */
export const naming = (reRun: LongReRun, endpoint: Endpoint): LongReRun => ({ ...reRun, auditors: [...reRun.auditors, endpoint] });

/** The re-run without `node`, which did not acknowledge the job, nor any answer it posted meanwhile. */
export const dropping = (reRun: LongReRun, node: Principal): LongReRun => ({
  ...reRun,
  auditors: reRun.auditors.filter((endpoint) => !same(endpoint.node, node)),
  answers: reRun.answers.filter((answer) => !same(answer.node, node)),
});

/**
 * The re-run with the answer `caller` posted, and that answer as its node's output; or why it is refused: only an
 * auditor given the job may post, once, an answer checked as a job's result is.
 */
export function posting(
  reRun: LongReRun,
  caller: Principal,
  body: Uint8Array,
  now: bigint,
): { Ok: { reRun: LongReRun; answer: JobOutput } } | { Err: BridgeError } {
  if (!reRun.auditors.some((endpoint) => same(endpoint.node, caller)))
    return { Err: { Unauthorized: 'only a worker the job was given to may call this' } };
  if (reRun.answers.some((answer) => same(answer.node, caller))) return { Err: { NotFound: null } };
  const parsed = parseAnswer(reRun.request, 200n, body);
  if ('Err' in parsed) return { Err: { InvalidInput: parsed.Err } };
  const answer = outputOf(reRun.request, caller, parsed.Ok, now);
  return { Ok: { reRun: { ...reRun, answers: [...reRun.answers, answer] }, answer } };
}

/** Whether every auditor the re-run needs has answered. */
export const complete = (reRun: LongReRun): boolean => reRun.answers.length >= AUDITORS;

/** Whether the auditors' time is up. */
export const overdue = (reRun: LongReRun, now: bigint): boolean => now > reRun.started_at + LONG_RERUN_NS;

/** The auditors' answers as the comparison takes them, each with its node's endpoint. */
export const answersOf = (reRun: LongReRun): Answered[] =>
  reRun.answers.map((output) => ({
    endpoint: reRun.auditors.find((endpoint) => same(endpoint.node, output.node))!,
    answer: answerOf(output),
  }));
