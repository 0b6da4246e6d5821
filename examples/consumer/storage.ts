// The example consumer's state in stable memory: its settings, and its newest answers by job id (job ids grow, so
// the first key is the oldest, dropped once more than KEPT_ANSWERS are kept). Glue: imports azle.
import { StableBTreeMap } from 'azle';

import { stableCell } from '../../canisters/shared/stable_cell';
import { asciiText, candidValue, u64Key } from '../../canisters/shared/stable_codecs';
import { MEMORY } from './memory';
import { KEPT_ANSWERS } from './request';
import { Answer, InitArg } from './types';

const settingsMap = new StableBTreeMap<string, InitArg>(MEMORY.settings, asciiText, candidValue<InitArg>(InitArg));
const answersMap = new StableBTreeMap<bigint, Answer>(MEMORY.answers, u64Key, candidValue<Answer>(Answer));

export const settings = stableCell(settingsMap, 'settings', 'consumer');

export function keepAnswer(answer: Answer): void {
  answersMap.insert(answer.job_id, answer);
  while (answersMap.len() > KEPT_ANSWERS) answersMap.remove(answersMap.keys(0, 1)[0]);
}

/** The kept answers, oldest first. */
export function answers(): Answer[] {
  return answersMap.values();
}
