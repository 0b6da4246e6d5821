// Starting the app and switching identity: config, auth client, agent and actors, token; all into the session store.
import type { Identity } from '@dfinity/agent';
import { get } from 'svelte/store';

import { createActors, createAgent } from '../api/actors';
import { loadConfig, type AppConfig } from '../config';
import { callFailureSentence } from '../errors';
import { session } from '../stores/session';
import { toast } from '../stores/toasts';
import * as auth from './auth';
import { loadBalance, loadToken } from './wallet';

/** An error already in words. */
class Sentence extends Error {}

const inWords = (error: unknown, host: string): string => (error instanceof Sentence ? error.message : callFailureSentence(error, host));

/** Builds the agent and actors for an identity and reads the token; the session holds them. */
async function useIdentity(config: AppConfig, identity: Identity): Promise<void> {
  const agent = await createAgent(config, identity);
  const actors = createActors(agent, config);
  const principal = identity.getPrincipal();
  const anonymous = principal.isAnonymous();
  session.update((s) => ({ ...s, identity, actors, principal: anonymous ? undefined : principal, balance: undefined }));
  if (get(session).token === undefined) {
    const token = await loadToken(actors, config.host);
    if (!token.ok) throw new Sentence(token.error);
    session.update((s) => ({ ...s, token: token.value }));
  }
  if (!anonymous) await refreshBalance();
}

export async function startSession(buildEnv: Record<string, unknown>): Promise<void> {
  const loaded = await loadConfig(buildEnv);
  if (!loaded.ok) {
    session.update((s) => ({ ...s, status: 'failed', error: loaded.error }));
    return;
  }
  const config = loaded.config;
  try {
    const client = await auth.createAuthClient();
    session.update((s) => ({ ...s, config, auth: client }));
    await useIdentity(config, await auth.restoredIdentity(client));
    session.update((s) => ({ ...s, status: 'ready' }));
  } catch (error) {
    session.update((s) => ({ ...s, config, status: 'failed', error: inWords(error, config.host) }));
  }
}

/** Call from the click itself: the login window must open in the click's call stack. */
export async function signIn(): Promise<void> {
  const { auth: client, config } = get(session);
  if (!client || !config) return;
  const result = await auth.login(client, config);
  if (!result.ok) {
    toast(result.error, 'error');
    return;
  }
  try {
    await useIdentity(config, result.value);
  } catch (error) {
    toast(inWords(error, config.host), 'error');
  }
}

export async function signOut(): Promise<void> {
  const { auth: client, config } = get(session);
  if (!client || !config) return;
  await useIdentity(config, await auth.logout(client));
}

export async function refreshBalance(): Promise<void> {
  const { actors, principal, config } = get(session);
  if (!actors || !principal) return;
  const balance = await loadBalance(actors, principal, config?.host);
  if (balance.ok) session.update((s) => ({ ...s, balance: balance.value }));
}
