// The analytics canister's state in stable memory, behind the interfaces the pure modules use.
import { StableBTreeMap } from 'azle';

import { stableCell } from '../shared/stable_cell';
import { asciiText, candidValue, u64Key } from '../shared/stable_codecs';
import { AccountFlows } from './accounts';
import type { Watermarks } from './buckets';
import { JobInfo, type JobInfoStorage } from './ingest';
import { MEMORY } from './memory';
import type { Settings } from './settings';
import type { Stats } from './stats';
import { decodeStats, encodeStats } from './stats_codec';

const settingsMap = new StableBTreeMap<'settings', Settings>(MEMORY.settings);
export const stableSettings = stableCell<'settings', Settings>(settingsMap, 'settings', 'analytics');
export const hasSettings = (): boolean => settingsMap.containsKey('settings');

export const bucketMap = new StableBTreeMap<string, Stats>(MEMORY.buckets, asciiText, { toBytes: encodeStats, fromBytes: decodeStats });

const watermarkMap = new StableBTreeMap<'watermarks', Watermarks>(MEMORY.watermarks);
export const stableWatermarks = {
  get: (): Watermarks => watermarkMap.get('watermarks') ?? { minute: 0n, hour: 0n },
  put: (marks: Watermarks): void => void watermarkMap.insert('watermarks', marks),
};

const jobMap = new StableBTreeMap<bigint, JobInfo>(MEMORY.jobs, u64Key, candidValue<JobInfo>(JobInfo));
export const stableJobs: JobInfoStorage = {
  get: (id) => jobMap.get(id),
  put: (id, info) => void jobMap.insert(id, info),
  remove: (id) => void jobMap.remove(id),
};

export const accountMap = new StableBTreeMap<string, AccountFlows>(MEMORY.accounts, asciiText, candidValue<AccountFlows>(AccountFlows));
