/**
 * Helpers of the bridge tests: an L2 genesis with the predeploys, signed L2 transactions, and L1 delayed messages
 * built like `DelayedInbox` records them.
 */
import { AbiCoder, Interface, Transaction, ZeroHash, getBytes, type Wallet } from "ethers";

import { DelayedMessageKind, l2Predeploys, loadL2PredeployCode, type DelayedMessage, type GenesisConfig } from "@sovereign-stack/node";

import { hre } from "../../scripts/lib/network.ts";
import { CHAIN_ID, makeGenesis } from "./workload.ts";

export const bridgeAbi = new Interface([
  "function finalizeDeposit(uint256,address,address,address,uint256)",
  "function withdraw(address token, uint256 amount, address l1Recipient) returns (bytes32)",
  "function setEscapeBeneficiary(address)",
  "function l2TokenOf(address) view returns (address)",
  "function nextMessageIndex() view returns (uint256)",
  "function SYSTEM_SENDER() view returns (address)",
]);
export const erc20Abi = new Interface(["function transfer(address,uint256) returns (bool)", "function balanceOf(address) view returns (uint256)", "function totalSupply() view returns (uint256)"]);
export const registryAbi = new Interface(["function registerIssuer(uint32,address)", "function publishRoot(uint32,uint256)", "function owner() view returns (address)"]);

/** An L2 genesis: `keys` funded with L2 gas, the bridge and identity registry predeployed (owner `governance`). */
export function l2Genesis(keys: readonly Wallet[], governance: string): GenesisConfig {
  return makeGenesis(keys, l2Predeploys(loadL2PredeployCode(hre.config.paths.artifacts), governance));
}

/** A signed type-2 L2 transaction, raw bytes. */
export function signL2(w: Wallet, f: { nonce: number; to?: string | null; data?: string; value?: bigint; gasLimit?: bigint }): Uint8Array {
  const tx = Transaction.from({ type: 2, chainId: CHAIN_ID, maxFeePerGas: 10_000_000_000n, maxPriorityFeePerGas: 1n, value: 0n, data: "0x", to: null, gasLimit: 3_000_000n, ...f });
  tx.signature = w.signingKey.sign(tx.unsignedHash);
  return getBytes(tx.serialized);
}

/** `RollupVault`'s deposit payload. */
export function depositData(token: string, from: string, l2Recipient: string, amount: bigint): Uint8Array {
  return getBytes(AbiCoder.defaultAbiCoder().encode(["address", "address", "address", "uint256"], [token, from, l2Recipient, amount]));
}

/** A delayed message as `DelayedInbox` would record it (accumulator and L1 position are not used by the engine). */
export function message(index: bigint, kind: DelayedMessage["kind"], data: Uint8Array, sender = "0x" + "00".repeat(20)): DelayedMessage {
  return { index, sender, kind, data, timestamp: 0n, blockNumber: 0n, accumulator: ZeroHash };
}

export const depositMessage = (index: bigint, token: string, from: string, to: string, amount: bigint): DelayedMessage =>
  message(index, DelayedMessageKind.Deposit, depositData(token, from, to, amount), from);
