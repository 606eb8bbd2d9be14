/**
 * Multiproofs of a distribution tree: one proof for a whole relayer batch (`MerkleCampaigns.claimManyMultiproof`).
 * The algorithm is OpenZeppelin merkle-tree's `getMultiProof` over the StandardMerkleTree array layout (node 0 the
 * root, children of j at 2j+1 and 2j+2, leaves in index order in the last n slots, the smallest index last), written over a node reader so that a
 * proof store on disk can answer without loading the tree. In-memory trees use OpenZeppelin's own
 * (`DistributionTree.multiProof`); tests hold the two to the same output.
 */
import { InvalidInputError, check } from "../errors.js";
import type { Hex } from "../types.js";
import { normalizeRecipient, type Recipient } from "./leaf.js";

/** A leaf of a multiproof batch, as `MerkleCampaigns.claimManyMultiproof` takes it. */
export interface MultiProofLeaf {
  readonly index: bigint;
  readonly account: `0x${string}`;
  readonly amount: bigint;
}

/**
 * A multiproof of many leaves: `leaves` in the order the contract needs, ascending leaf index (in an index-ordered
 * campaign tree that is the multiproof's own order: descending tree position).
 */
export interface DistributionMultiProof {
  readonly leaves: readonly MultiProofLeaf[];
  /** Sibling nodes, in the order they are consumed. */
  readonly proof: readonly Hex[];
  /** One per hash: true combines two nodes of the batch, false takes the next of `proof`. */
  readonly proofFlags: readonly boolean[];
}

/** What {@link multiProofOfPositions} gives: the leaf positions in proof order, the siblings and the flags. */
export interface PositionsMultiProof {
  /** The leaves' tree positions, descending (ascending leaf index in an index-ordered campaign tree). */
  readonly positions: readonly number[];
  readonly proof: readonly Hex[];
  readonly proofFlags: readonly boolean[];
}

/**
 * OpenZeppelin merkle-tree's `getMultiProof` for leaf positions of a tree array of `treeLength` nodes, reading only the
 * sibling nodes it needs through `nodeAt`.
 * @param positions tree positions of leaves (each in the last (treeLength + 1) / 2 slots, no repeats)
 * @param treeLength number of nodes in the tree array (2n - 1)
 * @param nodeAt reads the node at a position
 * @throws InvalidInputError (field `positions`) for an empty list, a position that is no leaf, or a repeat
 */
export function multiProofOfPositions(positions: readonly number[], treeLength: number, nodeAt: (position: number) => Hex): PositionsMultiProof {
  check(Array.isArray(positions) && positions.length > 0, "positions", "must name at least one leaf");
  const firstLeaf = treeLength - (treeLength + 1) / 2;
  positions.forEach((p, i) => check(Number.isSafeInteger(p) && p >= firstLeaf && p < treeLength, `positions[${i}]`, `must be a leaf position (${firstLeaf}..${treeLength - 1})`));
  const sorted = [...positions].sort((a, b) => b - a);
  for (let i = 1; i < sorted.length; i++) {
    if (sorted[i] === sorted[i - 1]) throw new InvalidInputError("positions", `names leaf position ${sorted[i]} twice: a leaf is proven once`);
  }
  const queue = [...sorted];
  let head = 0;
  const proof: Hex[] = [];
  const proofFlags: boolean[] = [];
  while (head < queue.length && queue[head]! > 0) {
    const j = queue[head++]!;
    const sibling = j % 2 === 1 ? j + 1 : j - 1;
    if (head < queue.length && queue[head] === sibling) {
      proofFlags.push(true);
      head++;
    } else {
      proofFlags.push(false);
      proof.push(nodeAt(sibling));
    }
    queue.push((j - 1) >> 1);
  }
  return { positions: sorted, proof, proofFlags };
}

/**
 * Validates a multiproof for `MerkleCampaigns.claimManyMultiproof`: leaves well formed and in strictly ascending
 * index order (the contract's rule, {LeavesNotInIndexOrder}), 32-byte siblings, boolean flags, and lengths that fit (leaves + proof = flags + 1).
 * @param field the field name errors use
 * @throws InvalidInputError naming the bad field (e.g. `multiproof.leaves[3]`)
 */
export function normalizeMultiProof(m: DistributionMultiProof, field = "multiproof"): DistributionMultiProof {
  check(m !== null && typeof m === "object", field, "must be { leaves, proof, proofFlags } (DistributionTree.multiProof or ProofStore.multiProof)");
  check(Array.isArray(m.leaves) && m.leaves.length > 0, `${field}.leaves`, "must be a non-empty array");
  check(Array.isArray(m.proof) && m.proof.every((p) => typeof p === "string" && /^0x[0-9a-fA-F]{64}$/.test(p)), `${field}.proof`, "must be an array of 32-byte hex strings");
  check(Array.isArray(m.proofFlags) && m.proofFlags.every((f) => typeof f === "boolean"), `${field}.proofFlags`, "must be an array of booleans");
  check(m.leaves.length + m.proof.length === m.proofFlags.length + 1, `${field}.proofFlags`, `has ${m.proofFlags.length} flags, but ${m.leaves.length} leaves and ${m.proof.length} siblings need ${m.leaves.length + m.proof.length - 1}`);
  let previous = -1n;
  const leaves = m.leaves.map((l: Recipient, i) => {
    const n = normalizeRecipient(l, `${field}.leaves[${i}]`);
    check(n.index > previous, `${field}.leaves[${i}]`, `has index ${n.index}, not above the index ${previous} before it: leaves must come in strictly ascending index order, each once (the order multiProof gives)`);
    previous = n.index;
    return n;
  });
  return { leaves, proof: [...m.proof], proofFlags: [...m.proofFlags] };
}
