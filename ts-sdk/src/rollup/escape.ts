import { SimpleMerkleTree } from "@openzeppelin/merkle-tree";
import { standardLeafHash } from "@openzeppelin/merkle-tree/dist/hashes.js";
import { getAddress, isAddress, isHexString } from "ethers";

import { check, SdkInputError } from "../errors.js";
import type { Address, Hex } from "../types.js";

/** An account's L2 balance of a bridged token, claimable through the escape hatch. */
export interface EscapeBalance {
  readonly account: Address;
  readonly token: Address;
  readonly amount: bigint;
}

/** A withdrawal initiated on L2, claimable on L1 once its commitment is final. */
export interface Withdrawal {
  readonly withdrawalId: Hex;
  readonly account: Address;
  readonly token: Address;
  readonly amount: bigint;
}

export const ESCAPE_LEAF_TYPES = ["address", "address", "uint256"] as const;
export const WITHDRAWAL_LEAF_TYPES = ["bytes32", "address", "address", "uint256"] as const;

/** StandardMerkleTree leaf hash of an escape balance. */
export function escapeLeaf(b: EscapeBalance): Hex {
  return <Hex>standardLeafHash([...ESCAPE_LEAF_TYPES], [b.account, b.token, b.amount]);
}

/** StandardMerkleTree leaf hash of a withdrawal. */
export function withdrawalLeaf(w: Withdrawal): Hex {
  return <Hex>standardLeafHash([...WITHDRAWAL_LEAF_TYPES], [w.withdrawalId, w.account, w.token, w.amount]);
}

/**
 * The exit tree a commitment's `exitRoot` commits to: every account's bridged balance and every withdrawal,
 * each leaf in OpenZeppelin StandardMerkleTree format. Proofs verify with OpenZeppelin's MerkleProof.
 */
export class ExitTree {
  readonly tree: SimpleMerkleTree;
  private readonly index = new Map<string, number>();

  constructor(readonly balances: readonly EscapeBalance[], readonly withdrawals: readonly Withdrawal[] = []) {
    const leaves: string[] = [];
    const seen = new Set<string>();
    balances.forEach((b, i) => {
      check(isAddress(b.account), `balances[${i}].account`, "must be an address");
      check(isAddress(b.token), `balances[${i}].token`, "must be an address");
      check(typeof b.amount === "bigint" && b.amount > 0n, `balances[${i}].amount`, "must be a positive bigint");
      const key = `b:${getAddress(b.account)}:${getAddress(b.token)}`;
      if (seen.has(key)) throw new SdkInputError(`balances[${i}]`, "duplicates an (account, token) pair: one leaf per pair");
      seen.add(key);
      this.index.set(key, leaves.length);
      leaves.push(escapeLeaf(b));
    });
    withdrawals.forEach((w, i) => {
      check(isHexString(w.withdrawalId, 32), `withdrawals[${i}].withdrawalId`, "must be 32 bytes of hex");
      check(isAddress(w.account) && isAddress(w.token), `withdrawals[${i}]`, "account and token must be addresses");
      check(typeof w.amount === "bigint" && w.amount > 0n, `withdrawals[${i}].amount`, "must be a positive bigint");
      const key = `w:${w.withdrawalId.toLowerCase()}`;
      if (seen.has(key)) throw new SdkInputError(`withdrawals[${i}].withdrawalId`, "is used twice");
      seen.add(key);
      this.index.set(key, leaves.length);
      leaves.push(withdrawalLeaf(w));
    });
    check(leaves.length > 0, "balances", "the exit tree needs at least one leaf");
    this.tree = SimpleMerkleTree.of(leaves);
  }

  get root(): Hex {
    return this.tree.root as Hex;
  }

  /** Proof for an escape claim. */
  escapeProof(account: string, token: string): Hex[] {
    const i = this.index.get(`b:${getAddress(account)}:${getAddress(token)}`);
    if (i === undefined) throw new SdkInputError("account", `${account} has no balance of ${token} in this exit tree`);
    return this.tree.getProof(i) as Hex[];
  }

  /** Proof for a withdrawal. */
  withdrawalProof(withdrawalId: string): Hex[] {
    const i = this.index.get(`w:${withdrawalId.toLowerCase()}`);
    if (i === undefined) throw new SdkInputError("withdrawalId", `${withdrawalId} is not in this exit tree`);
    return this.tree.getProof(i) as Hex[];
  }
}
