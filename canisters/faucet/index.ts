// The faucet of a local or test network: anyone signed in claims a fixed amount of the local token, within a cap
// per principal per day and a cap for everyone per day. It holds tokens minted to it at deploy (the deployer is the
// local ledger's minting account) and is never part of a mainnet deployment (src/deploy/suite.ts deploys it only
// when asked). Thin glue over rules.ts.
import { IDL, init, inspectMessage, msgArgData, msgCaller, postUpgrade, Principal, time } from 'azle';

import { TransferArgs, TransferResult } from '../ledger/types';
import { decodeOptionalArg } from '../shared/init_arg';
import { acceptIngress } from '../shared/inspect';
import { query, update } from '../shared/methods';
import { callPeer } from '../shared/peer_call';
import { versionOf } from '../shared/version';
import { checkConfig, DEFAULT_CONFIG, FaucetRules } from './rules';
import { settingsCell, stableTables, todayCell } from './storage';
import { Claimed, ClaimStatus, FaucetConfig, InitArg, Result, Settings } from './types';

export default class {
  faucet = new FaucetRules(stableTables);

  @init([IDL.Opt(InitArg)], { manual: true })
  init(): void {
    const arg = decodeOptionalArg<InitArg>(InitArg, msgArgData());
    const config = arg?.config[0] ?? DEFAULT_CONFIG;
    const problem = checkConfig(config);
    // An install with a bad argument must fail rather than start with caps the rules forbid.
    if (problem !== undefined) throw new Error(`faucet init: ${problem}`);
    settingsCell.put({ admin: arg?.admin[0] ?? msgCaller(), ledger: arg?.ledger ?? [], config });
    todayCell.put({ day: 0n, claimed: 0n, claims: 0 });
  }

  // The argument is ignored: settings survive upgrades and change only through set_config.
  @postUpgrade([IDL.Opt(InitArg)], { manual: true })
  postUpgrade(): void {}

  // Anonymous or oversized ingress would only trap or be refused after it ran; refuse it before induction instead.
  @inspectMessage({ manual: true })
  inspect(): boolean {
    return acceptIngress();
  }

  @query([], IDL.Text)
  version(): string {
    return versionOf('faucet');
  }

  @query([], Settings)
  settings(): Settings {
    return this.faucet.settings();
  }

  /** The amount, the caps' state for `who` today, and when its next claim is possible. */
  @query([IDL.Principal], ClaimStatus)
  claim_status(who: Principal): ClaimStatus {
    return this.faucet.status(who, time());
  }

  /** Sends `amount` to the caller's default account (the faucet pays the fee), within today's caps. */
  @update([], Result(Claimed))
  async claim(): Promise<Result<Claimed>> {
    const leased = this.faucet.beginClaim(msgCaller(), time());
    if ('Err' in leased) return leased;
    const lease = leased.Ok;
    const args: TransferArgs = {
      from_subaccount: [],
      to: { owner: lease.to, subaccount: [] },
      amount: lease.amount,
      fee: [],
      memo: [new TextEncoder().encode(lease.memo)],
      created_at_time: [time()],
    };
    const sent = await callPeer<TransferResult>('ledger', lease.ledger, 'icrc1_transfer', [TransferArgs], TransferResult, [args]);
    // Aborts only when the ledger surely did not transfer; an unknown outcome stays counted (rules.ts settle).
    return this.faucet.settle(lease, sent, time());
  }

  /** Changes the amount and the caps. Admin only (the deployer). */
  @update([FaucetConfig], Result(Settings))
  set_config(config: FaucetConfig): Result<Settings> {
    return this.faucet.setConfig(msgCaller(), config);
  }
}
