/**
 * The identity root: an OpenZeppelin StandardMerkleTree with leaf types `["uint32", "uint256"]` over
 * `(issuerId, currentRoot)` for every issuer on the L2 identity registry that has a root. This format is fixed: L1
 * accepts issuer roots proven against a finalized commitment's identityRoot with exactly this leaf. No issuer with a
 * root: `bytes32(0)`.
 */
import { StandardMerkleTree } from "@openzeppelin/merkle-tree";
import { ZeroHash } from "ethers";

import type { Engine } from "../engine/engine.ts";
import { readIssuerRoots } from "./l2state.ts";

/** The identity tree's leaf types. */
export const IDENTITY_LEAF_TYPES = ["uint32", "uint256"] as const;

/** The identity tree at an engine's head. */
export interface IdentityTreeView {
  /** 0x-hex; `bytes32(0)` when no issuer has a root. */
  readonly root: string;
  /** `[issuerId, root]` leaves, in registration order. */
  readonly leaves: readonly (readonly [number, bigint])[];
  readonly tree: StandardMerkleTree<[number, bigint]> | null;
}

/** Builds the identity tree from the L2 identity registry at `engine`'s head. */
export async function identityTree(engine: Engine): Promise<IdentityTreeView> {
  const leaves = (await readIssuerRoots(engine)).filter((r) => r.root !== 0n).map((r) => [r.issuerId, r.root] as [number, bigint]);
  const tree = leaves.length === 0 ? null : StandardMerkleTree.of(leaves, [...IDENTITY_LEAF_TYPES]);
  return { root: tree === null ? ZeroHash : tree.root, leaves, tree };
}

/** The identity root at `engine`'s head. */
export async function identityRoot(engine: Engine): Promise<string> {
  return (await identityTree(engine)).root;
}
