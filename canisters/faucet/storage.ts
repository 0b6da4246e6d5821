// The faucet's state in stable memory, as the tables the rules in rules.ts use. Values are Candid of their declared
// types (stable_codecs.ts), read through heap cells where every claim reads them.
import { StableBTreeMap } from 'azle';

import { stableCell } from '../shared/stable_cell';
import { asciiText, candidValue } from '../shared/stable_codecs';
import { MEMORY } from './memory';
import type { Table, Tables } from './rules';
import { Settings, Tally } from './types';

const settingsMap = new StableBTreeMap<string, Settings>(MEMORY.settings, asciiText, candidValue<Settings>(Settings));
const todayMap = new StableBTreeMap<string, Tally>(MEMORY.today, asciiText, candidValue<Tally>(Tally));
const retired = new StableBTreeMap<string, Tally>(MEMORY.claims, asciiText, candidValue<Tally>(Tally));
const claims = new StableBTreeMap<string, Tally>(MEMORY.claims_by_day, asciiText, candidValue<Tally>(Tally));

export const settingsCell = stableCell(settingsMap, 'settings', 'faucet');
export const todayCell = stableCell(todayMap, 'today', 'faucet');

const table = (map: StableBTreeMap<string, Tally>): Table<Tally> => ({
  get: (key) => map.get(key),
  insert: (key, value) => map.insert(key, value),
  remove: (key) => map.remove(key),
  keys: (start, length) => map.keys(start, length),
  len: () => Number(map.len()),
});

export const stableTables: Tables = { settings: settingsCell, today: todayCell, claims: table(claims), retired: table(retired) };
