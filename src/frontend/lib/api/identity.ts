// The identity canister's calls, one function each.
import type { Principal } from '@dfinity/principal';

import type {
  CertificationStatus,
  Node,
  ProviderStanding,
  RegisterRequest,
  Reputation,
  Result,
  Settings,
  SettingsUpdate,
  SlashRecord,
  Stake,
  UserAccount,
  Withdrawal,
} from '../../../../canisters/identity/types';
import { opt } from '../format/misc';
import type { Actors } from './actors';

export const getAccount = async (a: Actors, owner: Principal): Promise<UserAccount | undefined> => opt(await a.identity.get_account(owner));
export const register = (a: Actors, request: RegisterRequest): Promise<Result<UserAccount>> => a.identity.register(request);
export const standing = (a: Actors, provider: Principal): Promise<ProviderStanding> => a.identity.standing(provider);
export const nodesOf = (a: Actors, provider: Principal): Promise<Node[]> => a.identity.nodes_of(provider);
export const claimNode = (a: Actors, code: string): Promise<Result<Node>> => a.identity.claim_node(code);
export const getStake = (a: Actors, provider: Principal): Promise<Stake> => a.identity.get_stake(provider);
export const stake = (a: Actors, amount: bigint): Promise<Result<Stake>> => a.identity.stake(amount);
export const unbond = (a: Actors, amount: bigint): Promise<Result<Stake>> => a.identity.unbond(amount);
export const withdrawStake = (a: Actors): Promise<Result<Withdrawal>> => a.identity.withdraw();
export const slashesOf = (a: Actors, provider: Principal): Promise<SlashRecord[]> => a.identity.slashes_of(provider);
export const reputation = (a: Actors, provider: Principal): Promise<Reputation> => a.identity.get_reputation(provider);
export const settings = (a: Actors): Promise<Settings> => a.identity.settings();
export const setCertification = (
  a: Actors,
  provider: Principal,
  status: CertificationStatus,
  reason: string,
): Promise<Result<UserAccount>> => a.identity.set_certification(provider, status, reason);
export const updateSettings = (a: Actors, update: SettingsUpdate): Promise<Result<Settings>> => a.identity.update_settings(update);
