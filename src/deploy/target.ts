// Where a deployment goes: the few management-canister operations deploySuite needs, implemented once over the
// in-process LocalNetwork (npm start, tests, benchmarks) and once over the IC's HTTP interface (npm run deploy).
import type { IDL } from '@dfinity/candid';
import type { Principal } from '@dfinity/principal';

import type { LocalNetwork } from '../localnet/network.js';

export type InstallMode = 'install' | 'upgrade';

/** What the network says about a canister: the installed module's sha256 (none when empty) and its controllers. */
export type CanisterState = { moduleHash: Uint8Array | null; controllers: Principal[] };

export interface DeployTarget {
  /** The network, for messages. */
  readonly name: string;
  /** Creates an empty canister controlled by the deployer. Absent where the deployer cannot (mainnet without cycles). */
  createCanister?(): Promise<Principal>;
  /** Why createCanister is absent, and what to do instead. */
  readonly cannotCreate?: string;
  /** The canister's state, or null when the network has no canister with this id. */
  canister(id: Principal): Promise<CanisterState | null>;
  setControllers(id: Principal, controllers: Principal[]): Promise<void>;
  install(id: Principal, wasm: Uint8Array, arg: Uint8Array, mode: InstallMode): Promise<void>;
  /** An actor for a deployed canister whose calls are signed by the deployer (funding the faucet). */
  actor<T>(idl: IDL.InterfaceFactory, canisterId: Principal): T;
}

/** The in-process local network, acting as `deployer` (the network takes any sender in process). */
export function localTarget(network: LocalNetwork, deployer: Principal): DeployTarget {
  return {
    name: 'the local network',
    createCanister: () => network.createCanister({ sender: deployer }),
    async canister(id) {
      const canister = network.scheduler.canister(id);
      return canister ? { moduleHash: canister.module?.hash ?? null, controllers: [...canister.controllers] } : null;
    },
    setControllers: (id, controllers) => network.updateCanisterSettings(id, controllers, deployer),
    install: (canisterId, wasm, arg, mode) =>
      mode === 'install'
        ? network.installCode({ canisterId, wasm, arg, sender: deployer })
        : network.upgradeCanister({ canisterId, wasm, arg, sender: deployer }),
    actor<T>(idl: IDL.InterfaceFactory, canisterId: Principal): T {
      const actor = network.createActor<T>(idl, canisterId);
      actor.setPrincipal(deployer);
      return actor;
    },
  };
}
