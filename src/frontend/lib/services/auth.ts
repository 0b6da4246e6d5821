// Login and logout with Internet Identity through @dfinity/auth-client: the dev Internet Identity of a local
// network, or https://identity.ic0.app on mainnet (the config picks). The login window is opened in the click's
// own call stack (browsers block pop-ups opened after an await), so the AuthClient is created beforehand.
import { AnonymousIdentity, type Identity } from '@dfinity/agent';
import { AuthClient } from '@dfinity/auth-client';

import type { AppConfig } from '../config';
import { failure, success, type Outcome } from './outcome';

/** How long a login lasts: 8 hours, in nanoseconds (Internet Identity's default). */
export const SESSION_NS = 8n * 3_600n * 1_000_000_000n;

export async function createAuthClient(): Promise<AuthClient> {
  // No idle logout: the delegation's own expiry ends the session.
  return AuthClient.create({ idleOptions: { disableIdle: true } });
}

/** The identity already logged in (a stored delegation still valid), else the anonymous one. */
export async function restoredIdentity(client: AuthClient): Promise<Identity> {
  return (await client.isAuthenticated()) ? client.getIdentity() : new AnonymousIdentity();
}

/** Opens the identity provider at once: call it straight from the click handler. */
export function login(client: AuthClient, config: AppConfig): Promise<Outcome<Identity>> {
  return new Promise((resolve) => {
    void client.login({
      identityProvider: config.identityProvider,
      maxTimeToLive: SESSION_NS,
      onSuccess: () => resolve(success(client.getIdentity())),
      onError: (reason) =>
        resolve(
          failure(
            reason === 'UserInterrupt'
              ? 'The login window was closed before you logged in.'
              : `The login failed${reason ? `: ${reason}` : ''}. Is ${config.identityProvider} reachable?`,
          ),
        ),
    });
  });
}

export async function logout(client: AuthClient): Promise<Identity> {
  await client.logout();
  return new AnonymousIdentity();
}
