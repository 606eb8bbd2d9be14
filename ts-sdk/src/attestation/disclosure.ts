/**
 * Selective disclosure: an attestation's data is a Merkle root over salted fields. The holder reveals chosen
 * fields with proofs; anyone (or AttestationDisclosureVerifier on-chain) checks them against the root.
 * Leaves follow @openzeppelin/merkle-tree's StandardMerkleTree over (string name, bytes32 salt, bytes value),
 * where value is the ABI encoding of the field under its type.
 */
import { StandardMerkleTree } from "@openzeppelin/merkle-tree";
import { AbiCoder, hexlify, isHexString, randomBytes } from "ethers";
import type { Hex } from "../types.js";

import { SdkInputError, check } from "../errors.js";
import { SchemaEncoder, type SchemaValue } from "./schema.js";

/** The schema definition of a disclosure attestation: the data is only the root. */
export const DISCLOSURE_SCHEMA = "bytes32 fieldsRoot";

const LEAF_TYPES = ["string", "bytes32", "bytes"];

/** One committed field with its salt (keep private; reveal with {@link discloseFields}). */
export interface SaltedField {
  readonly name: string;
  readonly type: string;
  readonly value: SchemaValue;
  readonly salt: string;
  readonly encodedValue: string;
}

/** A commitment to salted fields. */
export interface DisclosureCommitment {
  /** The fields' schema definition (e.g. "uint64 birthDate, bytes2 country, bool resident"). */
  readonly definition: string;
  readonly root: string;
  /** Attestation data under {@link DISCLOSURE_SCHEMA}: abi.encode(root). */
  readonly data: string;
  readonly fields: readonly SaltedField[];
}

/** A revealed field and its proof. */
export interface DisclosedField extends SaltedField {
  readonly proof: readonly string[];
}

function tree(fields: readonly SaltedField[]): StandardMerkleTree<string[]> {
  return StandardMerkleTree.of(
    fields.map((f) => [f.name, f.salt, f.encodedValue]),
    LEAF_TYPES,
  );
}

/**
 * Commits to every field of `definition` with fresh random salts.
 * @throws SdkInputError for values that do not fit their types
 */
export function commitFields(
  definition: string,
  values: Readonly<Record<string, SchemaValue>>,
  options: { salts?: Readonly<Record<string, string>> } = {},
): DisclosureCommitment {
  const enc = new SchemaEncoder(definition);
  enc.encode(values); // validates presence and types of every field
  const fields = enc.fields.map((f) => {
    const salt = options.salts?.[f.name] ?? hexlify(randomBytes(32));
    check(isHexString(salt, 32), `salts.${f.name}`, "must be 32 bytes of hex");
    return { name: f.name, type: f.type, value: values[f.name]!, salt, encodedValue: enc.encodeField(f.name, values[f.name]!) };
  });
  const root = tree(fields).root;
  return { definition, root, data: AbiCoder.defaultAbiCoder().encode(["bytes32"], [root]), fields };
}

/** Reveals the named fields with Merkle proofs. @throws SdkInputError for an unknown name */
export function discloseFields(commitment: DisclosureCommitment, names: readonly string[]): DisclosedField[] {
  const t = tree(commitment.fields);
  return names.map((name) => {
    const i = commitment.fields.findIndex((f) => f.name === name);
    if (i < 0) throw new SdkInputError(`disclose.${name}`, `is not a committed field (${commitment.fields.map((f) => f.name).join(", ")})`);
    return { ...commitment.fields[i]!, proof: t.getProof(i) };
  });
}

/** Whether `field` is committed under `root`, and its value matches its encoding. */
export function verifyDisclosedField(root: string, field: DisclosedField): boolean {
  check(isHexString(root, 32), "root", "must be a 32-byte Merkle root");
  try {
    const enc = new SchemaEncoder(`${field.type} ${field.name}`);
    if (enc.encodeField(field.name, field.value) !== field.encodedValue) return false;
    return StandardMerkleTree.verify(root, LEAF_TYPES, [field.name, field.salt, field.encodedValue], [...field.proof]);
  } catch {
    return false;
  }
}

/** The root a disclosure attestation's data holds. */
export function disclosureRoot(data: string): Hex {
  check(isHexString(data, 32), "data", "must be a disclosure attestation's data: one 32-byte root");
  return data as Hex;
}
