/**
 * Identity that outlives the chain: the identity root the rollup validators commit is an OpenZeppelin
 * StandardMerkleTree with leaf types ["uint32","uint256"] over (issuerId, issuerRoot), one leaf per issuer's current
 * root on the L2 identity registry. Once a commitment is final, anyone imports an issuer's root from it into the L1
 * IdentityRegistry (`importRootFromCommitment`), and citizens keep proving on L1 after an exit.
 */
import { StandardMerkleTree } from "@openzeppelin/merkle-tree";
import { Interface, getAddress, isAddress, type Signer, type TransactionReceipt } from "ethers";

import { identityRegistryAbi } from "../abi/IdentityRegistry.js";
import { check } from "../errors.js";
import { send, signerOf, type SendOptions } from "../send.js";
import type { Address, Hex, PreparedCall } from "../types.js";
import { SNARK_FIELD } from "./field.js";

/** Leaf types of the committed identity root (fixed: the validators and the L1 registry agree on them). */
export const IDENTITY_ROOT_LEAF_TYPES = ["uint32", "uint256"] as const;

/** One issuer's current root on the L2 identity registry. */
export interface IssuerRootEntry {
  readonly issuerId: bigint | number;
  readonly root: bigint;
}

const registryIface = new Interface(identityRegistryAbi);

/**
 * The identity root tree over every issuer's current root.
 * @throws InvalidInputError naming the entry: an issuer id outside uint32 or listed twice, a root 0 or outside the field
 */
export function identityRootTree(entries: readonly IssuerRootEntry[]): StandardMerkleTree<[bigint, bigint]> {
  check(entries.length > 0, "entries", "must list at least one issuer root");
  const seen = new Set<bigint>();
  const values = entries.map((e, i): [bigint, bigint] => {
    const id = BigInt(e.issuerId);
    check(id > 0n && id < 1n << 32n, `entries[${i}].issuerId`, "must be an issuer id in 1..2^32-1");
    check(!seen.has(id), `entries[${i}].issuerId`, `issuer ${id} is listed twice (one current root per issuer)`);
    seen.add(id);
    check(e.root > 0n && e.root < SNARK_FIELD, `entries[${i}].root`, "must be a non-zero BN254 field element");
    return [id, e.root];
  });
  return StandardMerkleTree.of(values, [...IDENTITY_ROOT_LEAF_TYPES]);
}

/** An import of one issuer's root from a finalized commitment. */
export interface ImportIdentityRootParameters {
  /** The L1 IdentityRegistry. */
  readonly registry: string;
  /** The latest finalized commitment, whose identityRoot is `tree.root`. */
  readonly commitmentIndex: bigint | number;
  /** The committed identity root tree. */
  readonly tree: StandardMerkleTree<[bigint, bigint]>;
  readonly issuerId: bigint | number;
}

/**
 * Calldata of `IdentityRegistry.importRootFromCommitment` for the issuer's leaf of `tree`.
 * @throws InvalidInputError naming the field: a bad address or index, an issuer with no leaf in the tree
 */
export function prepareImportIdentityRoot(p: ImportIdentityRootParameters): PreparedCall {
  check(isAddress(p.registry), "registry", "must be a 0x-prefixed 20-byte address");
  const index = BigInt(p.commitmentIndex);
  check(index >= 0n, "commitmentIndex", "must be a non-negative integer");
  const id = BigInt(p.issuerId);
  let leaf: [bigint, bigint] | undefined;
  for (const [, v] of p.tree.entries()) if (BigInt(v[0]) === id) leaf = [BigInt(v[0]), BigInt(v[1])];
  check(leaf !== undefined, "issuerId", `issuer ${id} has no leaf in the identity root tree`);
  const proof = p.tree.getProof(leaf);
  const data = registryIface.encodeFunctionData("importRootFromCommitment", [index, id, leaf[1], proof]) as Hex;
  return { to: getAddress(p.registry) as Address, data, value: 0n };
}

/**
 * Sends the import from `signer` (anyone may).
 * @throws InvalidInputError as {@link prepareImportIdentityRoot}; ContractRevertedError (e.g.
 *         `CommitmentNotFinalized`, `NotLatestFinalizedCommitment`, `NotInIdentityRoot`) or TransactionFailedError
 */
export async function importIdentityRoot(signer: Signer, p: ImportIdentityRootParameters, options: SendOptions = {}): Promise<TransactionReceipt> {
  return send(signerOf(signer), prepareImportIdentityRoot(p), options);
}
