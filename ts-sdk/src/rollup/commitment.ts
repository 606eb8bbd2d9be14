import { TypedDataEncoder, type Signer, type TypedDataDomain, type TypedDataField } from "ethers";

import { check } from "../errors.js";

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
  readonly accumulator: string;
  readonly l2StateRoot: string;
  readonly exitRoot: string;
  readonly identityRoot: string;
}

/** The chain context a commitment signature is bound to. */
export interface CommitmentContext {
  readonly chainId: bigint | number;
  /** The StateCommitment contract. */
  readonly verifyingContract: string;
  /** Hash of the previous commitment (zero for the first). */
  readonly prevCommitment: string;
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
export function commitmentDigest(data: CommitmentData, ctx: CommitmentContext): string {
  const t = typed(data, ctx);
  return TypedDataEncoder.hash(t.domain, COMMITMENT_TYPES, t.message);
}

/** One validator's signature. */
export async function signCommitment(signer: Signer, data: CommitmentData, ctx: CommitmentContext): Promise<{ signer: string; signature: string }> {
  const t = typed(data, ctx);
  return { signer: await signer.getAddress(), signature: await signer.signTypedData(t.domain, COMMITMENT_TYPES, t.message) };
}

/** Sorts signatures by ascending signer, as the contracts require. */
export function sortSignatures<T extends { signer: string }>(sigs: readonly T[]): T[] {
  return [...sigs].sort((a, b) => (BigInt(a.signer) < BigInt(b.signer) ? -1 : BigInt(a.signer) > BigInt(b.signer) ? 1 : 0));
}
