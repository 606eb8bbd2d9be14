/**
 * Distribution leaves and small in-memory trees. A leaf is OpenZeppelin's StandardMerkleTree leaf over
 * `(uint256 index, address account, uint256 amount)`: `keccak256(bytes.concat(keccak256(abi.encode(index, account,
 * amount))))`, exactly what `MerkleCampaigns` verifies.
 *
 * Campaign trees keep their leaves in index order (not sorted by hash, StandardMerkleTree's default): the leaf of the
 * k-th smallest index sits at the k-th leaf place, so consecutive indices are neighbours in the tree and a relayer
 * batching them by index shares almost every proof node and every claim-bitmap word. The root, proofs and `dump()`
 * equal `StandardMerkleTree.of(rowsInIndexOrder, DISTRIBUTION_LEAF_TYPES, { sortLeaves: false })`, and the
 * national-scale builder (`@sovereign-stack/sdk/node`) gives the same root.
 */
import { StandardMerkleTree } from "@openzeppelin/merkle-tree";
import { standardLeafHash } from "@openzeppelin/merkle-tree/dist/hashes.js";
import { getAddress, isAddress } from "ethers";

import { InvalidInputError, check } from "../errors.js";
import type { Address, Hex } from "../types.js";
import type { DistributionMultiProof } from "./multiproof.js";

/** The leaf encoding: `(uint256 index, address account, uint256 amount)`. */
export const DISTRIBUTION_LEAF_TYPES = ["uint256", "address", "uint256"] as const;
/** How campaign trees order their leaves: by index, as given (see the module comment). */
export const DISTRIBUTION_TREE_OPTIONS = { sortLeaves: false } as const;
/** The largest uint256. */
export const MAX_UINT256 = (1n << 256n) - 1n;

/** One recipient of a list campaign. */
export interface Recipient {
  /** The leaf index (the contract's claim bitmap is keyed by it; use 0..n-1). */
  readonly index: bigint | number;
  readonly account: string;
  /** The leaf amount, in the token's base units. */
  readonly amount: bigint;
}

/** A recipient with its proof, as a claim needs it. */
export interface RecipientProof {
  readonly index: bigint;
  readonly account: Address;
  readonly amount: bigint;
  readonly proof: readonly Hex[];
}

/** A leaf value as the tree stores it (and as `dump()` writes it): decimal strings and the checksummed account. */
export type LeafValue = [index: string, account: string, amount: string];

/** OpenZeppelin's `StandardMerkleTree.dump()` format for distribution leaves. */
export interface DistributionTreeDump {
  readonly format: "standard-v1";
  readonly leafEncoding: readonly string[];
  readonly tree: readonly string[];
  readonly values: readonly { readonly value: readonly string[]; readonly treeIndex: number }[];
}

/** -1, 0 or 1 as index `a` is below, equal to or above `b`. */
function compareIndex(a: bigint, b: bigint): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Validates and normalises a recipient.
 * @param r the recipient
 * @param field the field name errors use (e.g. `recipients[3]`)
 * @throws InvalidInputError naming `<field>.index`, `.account` or `.amount`
 */
export function normalizeRecipient(r: Recipient, field = "recipient"): { index: bigint; account: Address; amount: bigint } {
  check(r !== null && typeof r === "object", field, "must be an object { index, account, amount }");
  const idx = typeof r.index === "number" ? (Number.isSafeInteger(r.index) ? BigInt(r.index) : -1n) : r.index;
  check(typeof idx === "bigint" && idx >= 0n && idx <= MAX_UINT256, `${field}.index`, "must be an integer from 0 to 2^256-1");
  check(typeof r.account === "string" && isAddress(r.account), `${field}.account`, "must be an address (0x + 40 hex digits, valid EIP-55 checksum if mixed-case)");
  check(typeof r.amount === "bigint" && r.amount >= 0n && r.amount <= MAX_UINT256, `${field}.amount`, "must be a bigint from 0 to 2^256-1");
  return { index: idx, account: getAddress(r.account) as Address, amount: r.amount };
}

/**
 * The leaf hash `MerkleCampaigns` verifies for a recipient.
 * @throws InvalidInputError naming the bad field
 */
export function distributionLeaf(r: Recipient): Hex {
  const n = normalizeRecipient(r);
  return standardLeafHash([...DISTRIBUTION_LEAF_TYPES], [n.index, n.account, n.amount]) as Hex;
}

/**
 * Whether `proof` proves the recipient's leaf under `root` (OpenZeppelin's `MerkleProof.verify`).
 * @throws InvalidInputError for a malformed recipient, root or proof
 */
export function verifyDistributionProof(root: string, r: Recipient, proof: readonly string[]): boolean {
  check(typeof root === "string" && /^0x[0-9a-fA-F]{64}$/.test(root), "root", "must be 32 bytes of hex");
  check(Array.isArray(proof) && proof.every((p) => typeof p === "string" && /^0x[0-9a-fA-F]{64}$/.test(p)), "proof", "must be an array of 32-byte hex strings");
  const n = normalizeRecipient(r);
  return StandardMerkleTree.verify(root, [...DISTRIBUTION_LEAF_TYPES], [n.index, n.account, n.amount], [...proof]);
}

/**
 * A distribution tree held in memory (up to about 100k recipients; beyond that use the streaming builder of
 * `@sovereign-stack/sdk/node`, which writes a proof store).
 */
export class DistributionTree {
  readonly tree: StandardMerkleTree<LeafValue>;
  private readonly byIndex = new Map<bigint, number>();
  private readonly byAccount = new Map<string, number>();

  private constructor(tree: StandardMerkleTree<LeafValue>) {
    this.tree = tree;
    for (const [i, v] of tree.entries()) {
      this.byIndex.set(BigInt(v[0]), i);
      this.byAccount.set(v[1].toLowerCase(), i);
    }
  }

  /**
   * Builds the tree of `recipients`, leaves in ascending index order (whatever the order of `recipients`).
   * @throws InvalidInputError (`recipients`, or `recipients[i].<field>`) for an empty list, a bad field, or a
   *   duplicate index or account
   */
  static of(recipients: readonly Recipient[]): DistributionTree {
    check(Array.isArray(recipients) && recipients.length > 0, "recipients", "must be a non-empty array");
    const seenIndex = new Map<bigint, number>();
    const seenAccount = new Map<string, number>();
    const values = recipients.map((r, i): LeafValue => {
      const n = normalizeRecipient(r, `recipients[${i}]`);
      const di = seenIndex.get(n.index);
      if (di !== undefined) throw new InvalidInputError(`recipients[${i}].index`, `${n.index} is already used by recipients[${di}]`);
      const da = seenAccount.get(n.account);
      if (da !== undefined) throw new InvalidInputError(`recipients[${i}].account`, `${n.account} is already listed as recipients[${da}]: one leaf per account`);
      seenIndex.set(n.index, i);
      seenAccount.set(n.account, i);
      return [n.index.toString(), n.account, n.amount.toString()];
    });
    values.sort((a, b) => compareIndex(BigInt(a[0]), BigInt(b[0])));
    return new DistributionTree(StandardMerkleTree.of(values, [...DISTRIBUTION_LEAF_TYPES], DISTRIBUTION_TREE_OPTIONS));
  }

  /**
   * Loads a `dump()` (also the builder's `tree.json`), checking every node and that the leaves are in index order.
   * @throws InvalidInputError (field `dump`) when it is not a valid distribution tree, or `dump.values` when its
   *   leaves are not in ascending index order (e.g. a tree sorted by leaf hash, StandardMerkleTree's default)
   */
  static load(dump: DistributionTreeDump): DistributionTree {
    check(dump !== null && typeof dump === "object" && dump.format === "standard-v1", "dump", "must be a StandardMerkleTree dump (format standard-v1)");
    check(JSON.stringify(dump.leafEncoding) === JSON.stringify(DISTRIBUTION_LEAF_TYPES), "dump.leafEncoding", `must be ${JSON.stringify(DISTRIBUTION_LEAF_TYPES)}`);
    check(Array.isArray(dump.values) && Array.isArray(dump.tree), "dump", "must have arrays `tree` and `values`");
    const last = dump.tree.length - 1;
    dump.values.forEach((v, k) => {
      const index = v !== null && typeof v === "object" && Array.isArray(v.value) && typeof v.value[0] === "string" && /^[0-9]{1,78}$/.test(v.value[0]) ? BigInt(v.value[0]) : -1n;
      check(index >= 0n, `dump.values[${k}].value[0]`, "must be a decimal leaf index");
      const ordered = v.treeIndex === last - k && (k === 0 || index > BigInt(dump.values[k - 1]!.value[0]!));
      check(ordered, `dump.values[${k}]`, "is out of index order: a campaign tree keeps its leaves in ascending index order (values[k] at tree[length - 1 - k]; built with sortLeaves: false), not sorted by hash");
    });
    try {
      return new DistributionTree(StandardMerkleTree.load({ format: "standard-v1", leafEncoding: [...dump.leafEncoding], tree: [...dump.tree], values: dump.values.map((v) => ({ value: [...v.value] as LeafValue, treeIndex: v.treeIndex })) }));
    } catch (e) {
      throw new InvalidInputError("dump", `is not a valid tree (${(e as Error).message})`, { cause: e });
    }
  }

  /** The Merkle root a campaign is created with. */
  get root(): Hex {
    return this.tree.root as Hex;
  }

  /** The number of recipients. */
  get length(): number {
    return this.tree.length;
  }

  /**
   * The recipient with leaf index `index` and its proof.
   * @throws InvalidInputError (field `index`) when no leaf has it
   */
  proof(index: bigint | number): RecipientProof {
    const key = typeof index === "number" ? BigInt(index) : index;
    const i = this.byIndex.get(key);
    if (i === undefined) throw new InvalidInputError("index", `no recipient has leaf index ${String(index)}`);
    return this.entry(i);
  }

  /**
   * The recipient `account` and its proof.
   * @throws InvalidInputError (field `account`) when it is not in the tree
   */
  proofOf(account: string): RecipientProof {
    check(typeof account === "string" && isAddress(account), "account", "must be an address");
    const i = this.byAccount.get(account.toLowerCase());
    if (i === undefined) throw new InvalidInputError("account", `${account} is not a recipient of this tree`);
    return this.entry(i);
  }

  /**
   * One multiproof for the recipients with leaf indices `indices` (OpenZeppelin's `getMultiProof`): what a relayer's
   * `MerkleCampaigns.claimManyMultiproof` batch sends, leaves in the order the contract needs.
   * @throws InvalidInputError (field `indices`) for an empty list, an unknown index or a repeat
   */
  multiProof(indices: readonly (bigint | number)[]): DistributionMultiProof {
    check(Array.isArray(indices) && indices.length > 0, "indices", "must name at least one leaf index");
    const seen = new Set<number>();
    const positions = indices.map((index, k) => {
      const i = this.byIndex.get(typeof index === "number" ? BigInt(index) : index);
      if (i === undefined) throw new InvalidInputError(`indices[${k}]`, `no recipient has leaf index ${String(index)}`);
      if (seen.has(i)) throw new InvalidInputError(`indices[${k}]`, `repeats leaf index ${String(index)}: a leaf is proven once`);
      seen.add(i);
      return i;
    });
    const m = this.tree.getMultiProof(positions);
    return {
      leaves: m.leaves.map((v) => ({ index: BigInt(v[0]), account: v[1] as Address, amount: BigInt(v[2]) })),
      proof: m.proof as Hex[],
      proofFlags: m.proofFlags,
    };
  }

  /** Every recipient with its proof, in index order. */
  *entries(): Generator<RecipientProof> {
    for (let i = 0; i < this.tree.length; i++) yield this.entry(i);
  }

  /** OpenZeppelin's dump (`JSON.stringify` it for the byte-identical file). */
  dump(): DistributionTreeDump {
    return this.tree.dump() as DistributionTreeDump;
  }

  private entry(i: number): RecipientProof {
    const v = this.tree.at(i)!;
    return { index: BigInt(v[0]), account: v[1] as Address, amount: BigInt(v[2]), proof: this.tree.getProof(i) as Hex[] };
  }
}
