// What icrc1_metadata and icrc1_supported_standards report.
import type { LedgerConfig } from './state';
import type { StandardRecord, Value } from './types';
import { MAX_MEMO_LENGTH } from './validation';

export const SUPPORTED_STANDARDS: StandardRecord[] = [
  { name: 'ICRC-1', url: 'https://github.com/dfinity/ICRC-1/tree/main/standards/ICRC-1' },
  { name: 'ICRC-2', url: 'https://github.com/dfinity/ICRC-1/tree/main/standards/ICRC-2' },
];

export function metadata(config: LedgerConfig): [string, Value][] {
  return [
    ['icrc1:name', { Text: config.name }],
    ['icrc1:symbol', { Text: config.symbol }],
    ['icrc1:decimals', { Nat: BigInt(config.decimals) }],
    ['icrc1:fee', { Nat: config.fee }],
    ['icrc1:max_memo_length', { Nat: BigInt(MAX_MEMO_LENGTH) }],
  ];
}
