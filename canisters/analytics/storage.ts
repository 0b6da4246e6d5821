// The analytics canister's state in stable memory, behind the interfaces the pure modules use. The maps hold raw
// bytes and the encoding happens here: azle's insert and remove decode the value they replace, which for a bucket
// written on every event cost more than the write itself.
import { StableBTreeMap } from 'azle';

import { stableCell } from '../shared/stable_cell';
import { asciiText, candidValue, u64Key } from '../shared/stable_codecs';
import { AccountFlows, type AccountStorage } from './accounts';
import type { BucketStorage, Watermarks } from './buckets';
import { JobInfo, type JobInfoStorage } from './ingest';
import { MEMORY } from './memory';
import type { Settings } from './settings';
import type { Stats } from './stats';
import { decodeStats, encodeStats } from './stats_codec';

const rawBytes = { toBytes: (bytes: Uint8Array) => bytes, fromBytes: (bytes: Uint8Array) => bytes };

const settingsMap = new StableBTreeMap<'settings', Settings>(MEMORY.settings);
export const stableSettings = stableCell<'settings', Settings>(settingsMap, 'settings', 'analytics');
export const hasSettings = (): boolean => settingsMap.containsKey('settings');

const bucketMap = new StableBTreeMap<string, Uint8Array>(MEMORY.buckets, asciiText, rawBytes);
export const stableBuckets: BucketStorage & { all(): [string, Stats][] } = {
  put: (key, stats) => void bucketMap.insert(key, encodeStats(stats)),
  remove: (key) => void bucketMap.remove(key),
  all: () => bucketMap.items().map(([key, bytes]) => [key, decodeStats(bytes)]),
};

const watermarkMap = new StableBTreeMap<'watermarks', Watermarks>(MEMORY.watermarks);
export const stableWatermarks = {
  get: (): Watermarks => watermarkMap.get('watermarks') ?? { minute: 0n, hour: 0n },
  put: (marks: Watermarks): void => void watermarkMap.insert('watermarks', marks),
};

const jobCodec = candidValue<JobInfo>(JobInfo);
const jobMap = new StableBTreeMap<bigint, Uint8Array>(MEMORY.jobs, u64Key, rawBytes);
export const stableJobs: JobInfoStorage = {
  get: (id) => {
    const bytes = jobMap.get(id);
    return bytes === undefined ? undefined : jobCodec.fromBytes(bytes);
  },
  put: (id, info) => void jobMap.insert(id, jobCodec.toBytes(info)),
  remove: (id) => void jobMap.remove(id),
};

const accountCodec = candidValue<AccountFlows>(AccountFlows);
const accountMap = new StableBTreeMap<string, Uint8Array>(MEMORY.accounts, asciiText, rawBytes);
export const stableAccounts: AccountStorage & { all(): AccountFlows[] } = {
  put: (key, flows) => void accountMap.insert(key, accountCodec.toBytes(flows)),
  all: () => accountMap.values().map(accountCodec.fromBytes),
};
