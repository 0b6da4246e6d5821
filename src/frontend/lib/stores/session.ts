// Who is using the app, on which network: the config, the identity, the actors built for it, the token and the
// balance. Written by services/session.ts only; pages read it.
import type { Identity } from '@dfinity/agent';
import type { AuthClient } from '@dfinity/auth-client';
import type { Principal } from '@dfinity/principal';
import { writable } from 'svelte/store';

import type { Actors } from '../api/actors';
import type { AppConfig } from '../config';
import type { Token } from '../format/amount';

export type Session = {
  status: 'starting' | 'ready' | 'failed';
  /** Why the app could not start, in words. */
  error: string | undefined;
  config: AppConfig | undefined;
  auth: AuthClient | undefined;
  identity: Identity | undefined;
  /** The logged-in principal; undefined while anonymous. */
  principal: Principal | undefined;
  actors: Actors | undefined;
  token: Token | undefined;
  balance: bigint | undefined;
};

export const initialSession: Session = {
  status: 'starting',
  error: undefined,
  config: undefined,
  auth: undefined,
  identity: undefined,
  principal: undefined,
  actors: undefined,
  token: undefined,
  balance: undefined,
};

export const session = writable<Session>(initialSession);
