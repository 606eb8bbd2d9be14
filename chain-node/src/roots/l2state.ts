/**
 * Reads what the roots need from L2 state through `Engine.call` at the engine's head: every bridged token's holders
 * (with the L1 account each escapes to), every withdrawal started on L2, and every issuer root on the L2 identity
 * registry. Paged, so a large chain never needs one huge call.
 */
import { Interface, getAddress } from "ethers";

import { L2_BRIDGE_ADDRESS, L2_IDENTITY_REGISTRY_ADDRESS } from "../bridge/addresses.ts";
import type { Engine } from "../engine/engine.ts";

const PAGE = 500n;

const bridgeAbi = new Interface([
  "function bridgedTokenCount() view returns (uint256)",
  "function bridgedTokenAt(uint256) view returns (address)",
  "function l2TokenOf(address) view returns (address)",
  "function withdrawalCount() view returns (uint256)",
  "function withdrawals(uint256 start, uint256 end) view returns (tuple(bytes32 withdrawalId, address l1Recipient, address l1Token, uint256 amount)[])",
  "function escapeAccountsOf(address[] holderList) view returns (address[])",
]);
const tokenAbi = new Interface(["function holderCount() view returns (uint256)", "function holders(uint256 start, uint256 end) view returns (address[] accounts, uint256[] balances)"]);
const registryAbi = new Interface(["function issuerCount() view returns (uint256)", "function issuerRoots(uint256 start, uint256 end) view returns (uint32[] ids, uint256[] roots)"]);

/** An L2 holder's balance of a bridged token and the L1 account it escapes to. Addresses are checksummed. */
export interface BridgedHolding {
  readonly holder: string;
  readonly escapeAccount: string;
  readonly l1Token: string;
  readonly amount: bigint;
}

/** A withdrawal started on L2 (the bridge's record). */
export interface L2Withdrawal {
  readonly withdrawalId: string;
  readonly l1Recipient: string;
  readonly l1Token: string;
  readonly amount: bigint;
}

/** Thrown when a predeploy does not answer as expected (wrong genesis, or no predeploy at all). */
export class L2StateError extends Error {
  override readonly name = "L2StateError";
}

async function read(engine: Engine, to: string, abi: Interface, fn: string, args: readonly unknown[] = []): Promise<ReturnType<Interface["decodeFunctionResult"]>> {
  const res = await engine.call({ to, data: abi.encodeFunctionData(fn, args) });
  if (!res.success || res.returnData === "0x") throw new L2StateError(`${fn} on ${to} failed at block ${engine.head().number}: ${res.error ?? "no code there (is the L2 genesis missing its predeploys?)"}`);
  return abi.decodeFunctionResult(fn, res.returnData);
}

/** Every holder of every bridged token at the engine's head, tokens in creation order, holders in set order. */
export async function readHoldings(engine: Engine): Promise<BridgedHolding[]> {
  const out: BridgedHolding[] = [];
  const [count] = await read(engine, L2_BRIDGE_ADDRESS, bridgeAbi, "bridgedTokenCount");
  for (let t = 0n; t < (count as bigint); t++) {
    const [l1Token] = (await read(engine, L2_BRIDGE_ADDRESS, bridgeAbi, "bridgedTokenAt", [t])) as unknown as [string];
    const [l2Token] = (await read(engine, L2_BRIDGE_ADDRESS, bridgeAbi, "l2TokenOf", [l1Token])) as unknown as [string];
    const [n] = (await read(engine, l2Token, tokenAbi, "holderCount")) as unknown as [bigint];
    for (let start = 0n; start < n; start += PAGE) {
      const [accounts, balances] = (await read(engine, l2Token, tokenAbi, "holders", [start, start + PAGE])) as unknown as [string[], bigint[]];
      const [escape] = (await read(engine, L2_BRIDGE_ADDRESS, bridgeAbi, "escapeAccountsOf", [accounts])) as unknown as [string[]];
      accounts.forEach((holder, i) => out.push({ holder: getAddress(holder), escapeAccount: getAddress(escape[i]!), l1Token: getAddress(l1Token), amount: balances[i]! }));
    }
  }
  return out;
}

/** Every withdrawal started on L2 at the engine's head, in order. */
export async function readWithdrawals(engine: Engine): Promise<L2Withdrawal[]> {
  const out: L2Withdrawal[] = [];
  const [n] = (await read(engine, L2_BRIDGE_ADDRESS, bridgeAbi, "withdrawalCount")) as unknown as [bigint];
  for (let start = 0n; start < n; start += PAGE) {
    const [list] = (await read(engine, L2_BRIDGE_ADDRESS, bridgeAbi, "withdrawals", [start, start + PAGE])) as unknown as [[string, string, string, bigint][]];
    for (const [withdrawalId, l1Recipient, l1Token, amount] of list) out.push({ withdrawalId, l1Recipient: getAddress(l1Recipient), l1Token: getAddress(l1Token), amount });
  }
  return out;
}

/** Every `(issuerId, currentRoot)` on the L2 identity registry at the engine's head, in registration order. */
export async function readIssuerRoots(engine: Engine): Promise<{ issuerId: number; root: bigint }[]> {
  const out: { issuerId: number; root: bigint }[] = [];
  const [n] = (await read(engine, L2_IDENTITY_REGISTRY_ADDRESS, registryAbi, "issuerCount")) as unknown as [bigint];
  for (let start = 0n; start < n; start += PAGE) {
    const [ids, roots] = (await read(engine, L2_IDENTITY_REGISTRY_ADDRESS, registryAbi, "issuerRoots", [start, start + PAGE])) as unknown as [bigint[], bigint[]];
    ids.forEach((id, i) => out.push({ issuerId: Number(id), root: roots[i]! }));
  }
  return out;
}
