// A dispute of a job the provider's nodes ran, in words for the provider: what the audit ruled about its worker's
// answer, and what became of the consumer's deposit (payment returns it unless the dispute was rejected).
import { returnsDeposit } from '../../../../canisters/bridge/disputes';
import type { Dispute, DisputeState } from '../../../../canisters/bridge/types';
import { formatToken, type Token } from '../format/amount';
import { variantName } from '../format/misc';

const STATE_WORDS: Record<string, string> = {
  open: 'open: auditors are running the job again',
  upheld: 'upheld: the auditors’ majority disagreed with your worker’s answer',
  rejected: 'rejected: the auditors’ majority agreed with your worker’s answer',
  undecided: 'undecided: the audit reached no verdict',
};

export const disputeStateWords = (state: DisputeState): string => STATE_WORDS[variantName(state)];

/** The consumer's deposit and its fate: held while the audit runs, then returned or forfeited (once payment has). */
export function depositWords(dispute: Dispute, token: Token): string {
  const amount = formatToken(dispute.deposit, token);
  if ('open' in dispute.state) return `${amount}, held`;
  const fate = returnsDeposit(dispute.state) ? 'returned to the consumer' : 'forfeited by the consumer';
  return dispute.deposit_resolved ? `${amount}, ${fate}` : `${amount}, being ${fate}`;
}
