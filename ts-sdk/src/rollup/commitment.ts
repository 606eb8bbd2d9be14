import { TypedDataEncoder, getAddress, verifyTypedData, type Signer, type TypedDataDomain, type TypedDataField } from "ethers";

import { check, guard } from "../errors.js";
import type { Address, Hex } from "../types.js";

/** EIP-712 types validators sign (must match StateCommitment.COMMITMENT_TYPEHASH). */
export const COMMITMENT_TYPES: Record<string, TypedDataField[]> = {
  Commitment: [
    { name: "index", type: "uint256" },
    { name: "batchIndex", type: "uint256" },
    { name: "accumulator", type: "bytes32" },
    { name: "l2StateRoot", type: "bytes32" },
    { name: "exitRoot", type: "bytes32" },
    { name: "identityRoot", type: "bytes32" },
    { name: "prevCommitment", type: "bytes32" },
    { name: "validatorEpoch", type: "uint256" },
    { name: "deadline", type: "uint256" },
  ],
};

/** The roots validators commit to for one batch. */
export interface CommitmentData {
  readonly index: bigint;
  readonly batchIndex: bigint;
  readonly accumulator: Hex;
  readonly l2StateRoot: Hex;
  readonly exitRoot: Hex;
  readonly identityRoot: Hex;
}

/** The chain context a commitment signature is bound to. */
export interface CommitmentContext {
  readonly chainId: bigint;
  /** The StateCommitment contract. */
  readonly verifyingContract: Address;
  /** Hash of the previous commitment (zero for the first). */
  readonly prevCommitment: Hex;
  readonly validatorEpoch: bigint;
  readonly deadline: bigint;
}

function typed(data: CommitmentData, ctx: CommitmentContext): { domain: TypedDataDomain; message: Record<string, unknown> } {
  check(data.index >= 0n, "data.index", "must be non-negative");
  check(ctx.deadline > 0n, "ctx.deadline", "must be unix seconds");
  return {
    domain: { name: "SovereignStateCommitment", version: "1", chainId: ctx.chainId, verifyingContract: ctx.verifyingContract },
    message: { ...data, prevCommitment: ctx.prevCommitment, validatorEpoch: ctx.validatorEpoch, deadline: ctx.deadline },
  };
}

/** The digest validators sign. */
export function commitmentDigest(data: CommitmentData, ctx: CommitmentContext): Hex {
  const t = typed(data, ctx);
  return TypedDataEncoder.hash(t.domain, COMMITMENT_TYPES, t.message) as Hex;
}

/** One validator's signature. */
export async function signCommitment(signer: Signer, data: CommitmentData, ctx: CommitmentContext): Promise<{ signer: Address; signature: Hex }> {
  return guard(async () => {
    const t = typed(data, ctx);
    return { signer: getAddress(await signer.getAddress()) as Address, signature: (await signer.signTypedData(t.domain, COMMITMENT_TYPES, t.message)) as Hex };
  });
}

/**
 * Verifies validator signatures off-chain before relaying: each must recover to its named signer, signers
 * must be distinct committee members, and at least `threshold` must be valid.
 * @returns the valid signatures sorted for `StateCommitment.commit`, and the reasons others were dropped
 */
export function verifyCommitmentSignatures(
  data: CommitmentData,
  ctx: CommitmentContext,
  sigs: readonly { signer: string; signature: string }[],
  committee: { members: readonly string[]; threshold: bigint },
): { valid: { signer: Address; signature: Hex }[]; rejected: { signer: string; reason: string }[]; enough: boolean } {
  const t = typed(data, ctx);
  const members = new Set(committee.members.map((m) => getAddress(m)));
  const seen = new Set<string>();
  const valid: { signer: Address; signature: Hex }[] = [];
  const rejected: { signer: string; reason: string }[] = [];
  for (const s of sigs) {
    let signer: Address;
    try {
      signer = getAddress(s.signer) as Address;
    } catch {
      rejected.push({ signer: s.signer, reason: "not an address" });
      continue;
    }
    if (!members.has(signer)) rejected.push({ signer, reason: "not a validator" });
    else if (seen.has(signer)) rejected.push({ signer, reason: "duplicate signer" });
    else {
      let recovered = "";
      try {
        recovered = getAddress(verifyTypedData(t.domain, COMMITMENT_TYPES, t.message, s.signature));
      } catch {
        recovered = "";
      }
      if (recovered !== signer) rejected.push({ signer, reason: "signature does not verify for this commitment" });
      else {
        seen.add(signer);
        valid.push({ signer, signature: s.signature as Hex });
      }
    }
  }
  return { valid: sortSignatures(valid), rejected, enough: BigInt(valid.length) >= committee.threshold };
}

/** Sorts signatures by ascending signer, as the contracts require. */
export function sortSignatures<T extends { signer: string }>(sigs: readonly T[]): T[] {
  return [...sigs].sort((a, b) => (BigInt(a.signer) < BigInt(b.signer) ? -1 : BigInt(a.signer) > BigInt(b.signer) ? 1 : 0));
}
