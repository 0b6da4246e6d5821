// The bridge canister for the integration tests: where its Wasm is, and its interface from src/sdk.
export { idlFactory, type BridgeService } from '../../../src/sdk/bridge';

export const BRIDGE_WASM = '.azle/bridge/bridge.wasm';
