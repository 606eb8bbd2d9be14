/**
 * The L2 predeploys in the genesis: the bridge and the identity registry at their fixed addresses, with the runtime
 * code of the compiled contracts. Neither has immutables; the bridge starts with empty storage, and the registry's
 * owner (L2 governance) is written into storage slot 0 (OpenZeppelin Ownable's `_owner`), which is what its
 * constructor would have done. The genesis test reads `owner()` back through the engine.
 */
import { readFileSync } from "node:fs";
import path from "node:path";

import { getAddress, isAddress, isHexString } from "ethers";

import type { GenesisConfig } from "../engine/genesis.ts";
import { L2_BRIDGE_ADDRESS, L2_IDENTITY_REGISTRY_ADDRESS } from "./addresses.ts";

/** The runtime code of the two predeploys (0x-hex). */
export interface L2PredeployCode {
  readonly bridge: string;
  readonly identityRegistry: string;
}

/** Storage slot of Ownable's `_owner` in L2IdentityRegistry. */
const OWNER_SLOT = "0x0";

/**
 * Reads the predeploys' runtime code from Hardhat's artifacts (`npx hardhat compile`; the SDK build runs it).
 * @param artifactsDir the repository's `artifacts/` directory
 */
export function loadL2PredeployCode(artifactsDir: string): L2PredeployCode {
  const read = (rel: string): string => {
    const file = path.join(artifactsDir, "contracts", "l2", rel);
    let code: unknown;
    try {
      code = (JSON.parse(readFileSync(file, "utf8")) as { deployedBytecode?: unknown }).deployedBytecode;
    } catch (e) {
      throw new Error(`L2 predeploys: cannot read ${file} (run \`npx hardhat compile\`): ${(e as Error).message}`);
    }
    if (typeof code !== "string" || !isHexString(code) || code.length <= 2) throw new Error(`L2 predeploys: ${file} has no deployedBytecode`);
    return code;
  };
  return { bridge: read("L2Bridge.sol/L2Bridge.json"), identityRegistry: read("L2IdentityRegistry.sol/L2IdentityRegistry.json") };
}

/**
 * The genesis allocation of the predeploys.
 * @param code the runtime code (see {@link loadL2PredeployCode})
 * @param governance the L2 identity registry's owner: who registers issuers on L2
 */
export function l2Predeploys(code: L2PredeployCode, governance: string): GenesisConfig["alloc"] {
  if (!isAddress(governance) || BigInt(governance) === 0n) throw new Error(`L2 predeploys: governance must be a non-zero address, got ${String(governance)}`);
  return {
    [L2_BRIDGE_ADDRESS]: { code: code.bridge, nonce: 1n },
    [L2_IDENTITY_REGISTRY_ADDRESS]: { code: code.identityRegistry, nonce: 1n, storage: { [OWNER_SLOT]: BigInt(getAddress(governance)) } },
  };
}
