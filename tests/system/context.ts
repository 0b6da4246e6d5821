// What the system tests' global setup (setup.ts) provides: one `npm start` with its demo market, started once per
// test run and shared by every test file of the `system` project (tests/system, tests/e2e). A test reads it with
// `inject('system')` from vitest. Types only, so the setup (in vitest's main process) and the tests share them.

export type StartedSystem = {
  /** The HTTP interface, e.g. http://127.0.0.1:40123: agents, icp-cli's -n, the CLI's --network, the worker's --host. */
  url: string;
  /** The folder npm start runs in, laid out as a project folder after `npm start`: .env, .dfx/local/canister_ids.json, models/. */
  dir: string;
  /** Its state folder, `<dir>/.localnet-state` (npm start's default name), 0700. */
  stateDir: string;
  /** The deployer's key (PKCS#8 Ed25519 PEM): the canisters' controller, the suite's admin and the ledger's minting account. */
  deployerPem: string;
  /** The deployer's principal. */
  deployer: string;
  /** `<dir>/.dfx/local/canister_ids.json`, as dfx writes it. */
  idsFile: string;
  /** Canister ids by name: the nine canisters and the faucet (and whatever else dfx.json deploys). */
  ids: Record<string, string>;
  /** npm start's output from its start on; it keeps growing while the tests run (workers' lines, canister logs). */
  log: string;
  /** The demo market npm start set up. */
  demo: {
    /** The demo provider's principal and key. */
    provider: string;
    providerPem: string;
    /** Model ids (decimal text) of the synthetic text model and the embedding model, and of their offers. */
    textModel: string;
    embeddingModel: string;
    textOffer: string;
    embeddingOffer: string;
  };
  /** The web app's address, from npm start's `Web app: <url>` line; null while npm start serves none. */
  webApp: string | null;
  /** The OpenAI-compatible API's base URL (http://<api id>.localhost:<port>/v1), from npm start's line; null without one. */
  apiBaseUrl: string | null;
};

declare module 'vitest' {
  export interface ProvidedContext {
    system: StartedSystem;
  }
}
