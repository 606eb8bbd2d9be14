/**
 * Council governance: the EIP-712 messages the council signs to propose, cancel or veto, and the calls that
 * submit them. Proposals go to the `CouncilTimelock` (OpenZeppelin `TimelockController`), where anyone executes
 * them once ready; the operation id and state come from the timelock itself.
 */
import { getAddress, isAddress, isHexString, type Signer, type TypedDataDomain, type TypedDataField, type ContractTransactionReceipt } from "ethers";

import { check, guard } from "../errors.js";
import type { Stack } from "../clients.js";
import { sortSignatures } from "./commitment.js";
import type { Address, Hex } from "../types.js";

/** A governance operation: the arguments of `TimelockController.scheduleBatch`. */
export interface GovernanceOperation {
  readonly targets: readonly Address[];
  readonly values: readonly bigint[];
  readonly payloads: readonly Hex[];
  /** An operation that must be done first (zero for none). */
  readonly predecessor: Hex;
  /** Distinguishes otherwise identical operations. */
  readonly salt: Hex;
  /** Seconds; at least the timelock's minimum delay. */
  readonly delay: bigint;
}

/** A council signature as the contracts take it. */
export interface CouncilSignature {
  readonly signer: Address;
  readonly signature: Hex;
}

const ZERO32 = ("0x" + "00".repeat(32)) as Hex;

/** EIP-712 types (must match ExitController.SCHEDULE_TYPEHASH, CANCEL_TYPEHASH and VETO_TYPEHASH). */
export const GOVERNANCE_TYPES = {
  Schedule: [
    { name: "targets", type: "address[]" },
    { name: "values", type: "uint256[]" },
    { name: "payloads", type: "bytes[]" },
    { name: "predecessor", type: "bytes32" },
    { name: "salt", type: "bytes32" },
    { name: "delay", type: "uint256" },
    { name: "nonce", type: "uint256" },
    { name: "deadline", type: "uint256" },
  ],
  Cancel: [
    { name: "operationId", type: "bytes32" },
    { name: "nonce", type: "uint256" },
    { name: "deadline", type: "uint256" },
  ],
  Veto: [
    { name: "commitmentIndex", type: "uint256" },
    { name: "commitmentHash", type: "bytes32" },
    { name: "nonce", type: "uint256" },
    { name: "deadline", type: "uint256" },
  ],
} as const satisfies Record<string, TypedDataField[]>;

/** The ExitController's EIP-712 domain. */
export function exitControllerDomain(chainId: number | bigint, exitController: string): TypedDataDomain {
  check(isAddress(exitController), "exitController", "must be a 0x-prefixed 20-byte address");
  return { name: "SovereignExitController", version: "1", chainId: Number(chainId), verifyingContract: getAddress(exitController) };
}

/**
 * Builds a governance operation of one or more calls, validated field by field.
 * @throws SdkInputError naming the first bad field.
 */
export function buildOperation(input: {
  calls: readonly { target: string; data: string; value?: bigint }[];
  delay: bigint;
  salt?: string;
  predecessor?: string;
}): GovernanceOperation {
  check(Array.isArray(input.calls) && input.calls.length > 0, "calls", "must be a non-empty list of { target, data }");
  input.calls.forEach((c, i) => {
    check(isAddress(c.target), `calls[${i}].target`, "must be a 0x-prefixed 20-byte address");
    check(isHexString(c.data), `calls[${i}].data`, "must be 0x-prefixed hex calldata");
    check(c.value === undefined || (typeof c.value === "bigint" && c.value >= 0n), `calls[${i}].value`, "must be a non-negative bigint");
  });
  const salt = (input.salt ?? ZERO32) as Hex;
  const predecessor = (input.predecessor ?? ZERO32) as Hex;
  check(isHexString(salt, 32), "salt", "must be a 32-byte hex value");
  check(isHexString(predecessor, 32), "predecessor", "must be a 32-byte hex operation id (zero for none)");
  const delay = BigInt(input.delay);
  check(delay >= 0n, "delay", "must be a non-negative number of seconds");
  return {
    targets: input.calls.map((c) => getAddress(c.target) as Address),
    values: input.calls.map((c) => c.value ?? 0n),
    payloads: input.calls.map((c) => c.data as Hex),
    predecessor,
    salt,
    delay,
  };
}

/** A signed message's single-use nonce and deadline (unix seconds). */
export type Signed = { nonce: bigint; deadline: bigint };

function checkSigned(s: Signed): void {
  check(typeof s.nonce === "bigint" && s.nonce >= 0n, "nonce", "must be a non-negative bigint");
  check(typeof s.deadline === "bigint" && s.deadline > 0n, "deadline", "must be a unix time in seconds");
}

/** One member's signature on a `Schedule` message (an EOA; works off-line). */
export async function signSchedule(signer: Signer, domain: TypedDataDomain, op: GovernanceOperation, s: Signed): Promise<CouncilSignature> {
  return guard(async () => {
    checkSigned(s);
    const signature = await signer.signTypedData(domain, { Schedule: GOVERNANCE_TYPES.Schedule }, { ...op, nonce: s.nonce, deadline: s.deadline });
    return { signer: getAddress(await signer.getAddress()) as Address, signature: signature as Hex };
  });
}

/** One member's signature on a `Cancel` message. */
export async function signCancel(signer: Signer, domain: TypedDataDomain, operationId: string, s: Signed): Promise<CouncilSignature> {
  return guard(async () => {
    checkSigned(s);
    check(isHexString(operationId, 32), "operationId", "must be a 32-byte timelock operation id");
    const signature = await signer.signTypedData(domain, { Cancel: GOVERNANCE_TYPES.Cancel }, { operationId, nonce: s.nonce, deadline: s.deadline });
    return { signer: getAddress(await signer.getAddress()) as Address, signature: signature as Hex };
  });
}

/** One member's signature on a `Veto` message. */
export async function signVeto(
  signer: Signer,
  domain: TypedDataDomain,
  commitment: { index: bigint; hash: string },
  s: Signed,
): Promise<CouncilSignature> {
  return guard(async () => {
    checkSigned(s);
    check(isHexString(commitment.hash, 32), "commitment.hash", "must be the commitment's 32-byte hash");
    const signature = await signer.signTypedData(
      domain,
      { Veto: GOVERNANCE_TYPES.Veto },
      { commitmentIndex: commitment.index, commitmentHash: commitment.hash, nonce: s.nonce, deadline: s.deadline },
    );
    return { signer: getAddress(await signer.getAddress()) as Address, signature: signature as Hex };
  });
}

/** The timelock's id of an operation (asked of the timelock: one place for the rule). */
export async function operationId(stack: Stack, op: GovernanceOperation): Promise<Hex> {
  return guard(async () => {
    return <Promise<Hex>>stack.contracts.CouncilTimelock.hashOperationBatch([...op.targets], [...op.values], [...op.payloads], op.predecessor, op.salt);
  });
}

/** Submits a council-signed proposal to the timelock; anyone may pay. Returns the operation id. */
export async function submitSchedule(
  stack: Stack,
  op: GovernanceOperation,
  s: Signed,
  sigs: readonly CouncilSignature[],
): Promise<{ id: Hex; receipt: ContractTransactionReceipt }> {
  return guard(async () => {
    checkSigned(s);
    const tx = await stack.contracts.ExitController.schedule(
      { targets: [...op.targets], values: [...op.values], payloads: [...op.payloads], predecessor: op.predecessor, salt: op.salt, delay: op.delay },
      s.nonce,
      s.deadline,
      sortSignatures(sigs),
    );
    const receipt = (await tx.wait())!;
    return { id: await operationId(stack, op), receipt };
  });
}

/** Executes a ready operation on the timelock; anyone may. */
export async function executeOperation(stack: Stack, op: GovernanceOperation): Promise<ContractTransactionReceipt> {
  return guard(async () => {
    const tx = await stack.contracts.CouncilTimelock.executeBatch([...op.targets], [...op.values], [...op.payloads], op.predecessor, op.salt);
    return (await tx.wait())!;
  });
}
