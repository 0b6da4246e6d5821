// Sends a job's end notice to its consumer canister one way: the marketplace neither waits for nor reads a reply,
// so a consumer that traps, is stopped or lacks the method changes nothing in the job or its payment. A send the
// system refuses at once (a full queue) is dropped: the consumer can still read the job with get_job.
// Glue: imports azle.
import { call } from 'azle';

import { encodeCandid } from '../shared/candid_cache';
import { NoticeArgs, type Notice } from './job_notices';

export function sendNotice(notice: Notice): void {
  const args = encodeCandid(NoticeArgs, [notice.job_id, notice.outcome]);
  // call is async, so a refusal arrives as a rejected promise: dropped, as said above.
  call(notice.consumer, notice.method, { raw: true, args, oneway: true }).catch(() => undefined);
}
