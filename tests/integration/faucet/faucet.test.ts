// The faucet's real Wasm with the real ledger on the local network, deployed by deploySuite as npm start deploys it
// (funded by minting from the deployer): a claim sends the amount, the cap per principal and the cap for everyone
// say when the next claim is possible, the next UTC day (the network's time) starts afresh, anonymous callers and
// strangers are refused, a failed transfer is not counted, and an upgrade keeps the day's tallies.
import { Principal } from '@dfinity/principal';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { FAUCET_FUNDING } from '../../../src/deploy/faucet';
import { deploySuite } from '../../../src/deploy/suite';
import { localTarget } from '../../../src/deploy/target';
import type { Actor } from '../../../src/localnet/actor.js';
import { LocalNetwork } from '../../../src/localnet/index.js';
import { FAUCET_WASM, idlFactory, type FaucetService } from '../../../src/sdk/faucet';
import { account, FEE, LEDGER_WASM, idlFactory as ledgerIdl, type LedgerService } from '../ledger/client';
import { randomUser, rejection } from '../localnet/probe';

const AMOUNT = 1_000_000_000n;
// 3 June 2026, 10:00 UTC; the next day starts 14 hours later.
const START = Date.UTC(2026, 5, 3, 10);
const NEXT_DAY_NS = BigInt(Date.UTC(2026, 5, 4)) * 1_000_000n;

describe('the faucet canister', () => {
  let network: LocalNetwork;
  let faucet: Actor<FaucetService>;
  let ledger: Actor<LedgerService>;
  let faucetId: Principal;
  const deployer = randomUser();

  beforeAll(async () => {
    network = await LocalNetwork.create();
    await network.setTime(START);
    const { ids, faucetFunded } = await deploySuite(localTarget(network, deployer), {
      names: ['ledger', 'faucet'],
      deployer,
      wasm: { ledger: LEDGER_WASM, faucet: FAUCET_WASM },
      faucet: true,
    });
    expect(faucetFunded).toBe(FAUCET_FUNDING);
    await network.tick();
    faucetId = ids.faucet;
    faucet = network.createActor<FaucetService>(idlFactory, ids.faucet);
    ledger = network.createActor<LedgerService>(ledgerIdl, ids.ledger);
  });
  afterAll(() => network?.stop());

  const claimAs = (who: Principal) => {
    faucet.setPrincipal(who);
    return faucet.claim();
  };

  it('is funded at deploy and sends the amount to the caller, once a day per principal', async () => {
    expect(await faucet.version()).toBe('faucet 0.1.0');
    expect(await ledger.icrc1_balance_of(account(faucetId))).toBe(FAUCET_FUNDING);
    expect((await faucet.settings()).admin).toEqual(deployer);
    const alice = randomUser();
    const claimed = await claimAs(alice);
    expect(claimed).toMatchObject({ Ok: { amount: AMOUNT, remaining_today: 0n, next_claim_at: NEXT_DAY_NS } });
    expect(await ledger.icrc1_balance_of(account(alice))).toBe(AMOUNT);
    // The faucet paid the fee.
    expect(await ledger.icrc1_balance_of(account(faucetId))).toBe(FAUCET_FUNDING - AMOUNT - FEE);

    const again = await claimAs(alice);
    expect(again).toEqual({
      Err: {
        PrincipalLimitReached: {
          claimed_today: AMOUNT,
          next_claim_at: NEXT_DAY_NS,
          message: `this principal claimed ${AMOUNT} of its ${AMOUNT} for today; the next claim is possible at 2026-06-04T00:00:00.000Z`,
        },
      },
    });
    expect(await faucet.claim_status(alice)).toMatchObject({ available_now: false, claimed_today: AMOUNT, next_claim_at: NEXT_DAY_NS });
    expect(await ledger.icrc1_balance_of(account(alice))).toBe(AMOUNT);
  });

  it('refuses anonymous callers before induction, and lets only the admin change the caps', async () => {
    faucet.setPrincipal(Principal.anonymous());
    const config = { amount: AMOUNT, per_principal_daily: AMOUNT, daily: 3n * AMOUNT };
    expect(await rejection(faucet.claim())).toMatchObject({ code: 4, errorCode: 'IC0406' });
    expect(await rejection(faucet.set_config(config))).toMatchObject({ code: 4, errorCode: 'IC0406' });
    faucet.setPrincipal(randomUser());
    expect(await faucet.set_config(config)).toEqual({ Err: { Unauthorized: 'only the admin sets the configuration' } });
    faucet.setPrincipal(deployer);
    expect(await faucet.set_config({ ...config, amount: 0n })).toEqual({ Err: { InvalidInput: 'amount: must be positive' } });
  });

  it('stops everyone at the daily cap, and starts afresh the next UTC day', async () => {
    faucet.setPrincipal(deployer);
    // Today alice took one amount; two more fit.
    expect('Ok' in (await faucet.set_config({ amount: AMOUNT, per_principal_daily: AMOUNT, daily: 3n * AMOUNT }))).toBe(true);
    const [bob, carol, dave] = [randomUser(), randomUser(), randomUser()];
    expect('Ok' in (await claimAs(bob))).toBe(true);
    expect('Ok' in (await claimAs(carol))).toBe(true);
    expect(await claimAs(dave)).toEqual({
      Err: {
        DailyLimitReached: {
          next_claim_at: NEXT_DAY_NS,
          message: `the faucet gave out its ${3n * AMOUNT} for today; the next claim is possible at 2026-06-04T00:00:00.000Z`,
        },
      },
    });

    // An upgrade keeps the day's tallies.
    await network.upgradeCanister({ canisterId: faucetId, wasm: FAUCET_WASM, sender: deployer });
    expect('PrincipalLimitReached' in ((await claimAs(bob)) as { Err: object }).Err).toBe(true);

    // 13 h 59 min later it is still the same UTC day; a minute more and everyone may claim again.
    await network.advanceTime(14 * 3_600_000 - 60_000);
    expect('Err' in (await claimAs(dave))).toBe(true);
    await network.advanceTime(60_000);
    expect(await faucet.claim_status(bob)).toMatchObject({ claimed_today: 0n, available_now: true });
    expect('Ok' in (await claimAs(dave))).toBe(true);
    expect('Ok' in (await claimAs(bob))).toBe(true);
    expect(await ledger.icrc1_balance_of(account(bob))).toBe(2n * AMOUNT);
  });

  it('does not count a claim the ledger refused: an empty faucet says so', async () => {
    faucet.setPrincipal(deployer);
    // More than it holds now (claims have been paid out of its funding).
    const huge = FAUCET_FUNDING;
    expect('Ok' in (await faucet.set_config({ amount: huge, per_principal_daily: huge, daily: 4n * huge }))).toBe(true);
    const erin = randomUser();
    const refused = await claimAs(erin);
    expect(refused).toMatchObject({ Err: { Empty: { balance: expect.any(BigInt) } } });
    expect(await faucet.claim_status(erin)).toMatchObject({ claimed_today: 0n, available_now: true });
    expect(await ledger.icrc1_balance_of(account(erin))).toBe(0n);
  });
});
