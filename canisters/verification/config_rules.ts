// What a verification configuration must satisfy before the admin (governance) may set it. Pure: no 'azle' import.
import type { VerificationConfig } from './types';

const BPS = 10_000;

/** The first problem with a configuration, or undefined when it is valid. */
export function checkConfig(config: VerificationConfig): string | undefined {
  if (config.slash_bps > BPS) return `slash_bps: at most ${BPS}`;
  if (config.reputation_penalty_bps > BPS) return `reputation_penalty_bps: at most ${BPS}`;
  if (!Number.isFinite(config.embedding_tolerance) || config.embedding_tolerance < 0) return 'embedding_tolerance: a finite number >= 0';
}
