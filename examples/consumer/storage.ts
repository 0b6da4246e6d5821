// The example consumer's state in stable memory: its settings, and its newest answers by job id (job ids grow, so
// the first key is the oldest, dropped once more than KEPT_ANSWERS are kept). Glue: imports azle.
import { StableBTreeMap } from 'azle';

import { stableCell } from '../../canisters/shared/stable_cell';
import { asciiText, candidValue, u64Key } from '../../canisters/shared/stable_codecs';
import { MEMORY } from './memory';
import { KEPT_ANSWERS } from './request';
import { Answer, Ended, InitArg } from './types';

const settingsMap = new StableBTreeMap<string, InitArg>(MEMORY.settings, asciiText, candidValue<InitArg>(InitArg));
const answersMap = new StableBTreeMap<bigint, Answer>(MEMORY.answers, u64Key, candidValue<Answer>(Answer));
// By arrival, not job id: a second call for one job would show as a second entry.
const endsMap = new StableBTreeMap<bigint, Ended>(MEMORY.ends, u64Key, candidValue<Ended>(Ended));

export const settings = stableCell(settingsMap, 'settings', 'consumer');

export function keepAnswer(answer: Answer): void {
  answersMap.insert(answer.job_id, answer);
  while (answersMap.len() > KEPT_ANSWERS) answersMap.remove(answersMap.keys(0, 1)[0]);
}

/** The kept answers, oldest first. */
export function answers(): Answer[] {
  return answersMap.values();
}

export function keepEnd(ended: Ended): void {
  const last = endsMap.len() === 0 ? -1n : endsMap.keys(endsMap.len() - 1, 1)[0];
  endsMap.insert(last + 1n, ended);
  while (endsMap.len() > KEPT_ANSWERS) endsMap.remove(endsMap.keys(0, 1)[0]);
}

/** The kept ends of long jobs, in the order they were told. */
export function ends(): Ended[] {
  return endsMap.values();
}
