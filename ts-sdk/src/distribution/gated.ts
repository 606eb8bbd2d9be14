/**
 * Gated claims and clawback for `MerkleCampaigns` (same shape as ./claims.ts: `action(signer, parameters)`, each with
 * a `prepare…` form returning `{ to, data, value }`): a claim carrying the account's attestation, an anonymous claim
 * carrying a ZK identity proof bound to the recipient, and the clawback of a campaign's unclaimed rest. Inputs the
 * contract would certainly refuse (an attestation about someone else, a proof bound to another recipient) are
 * refused here first, naming the field; everything else is the contract's word.
 */
import { getAddress, keccak256, type Signer, type TransactionReceipt } from "ethers";

import { decodeSubject } from "../attestation/subject.js";
import type { Attestation } from "../attestation/types.js";
import { TransactionFailedError, check } from "../errors.js";
import type { Address, Hex, PreparedCall } from "../types.js";
import type { ClaimReturnType } from "./claims.js";
import { TOKEN_TABLE_IFACES, addr, tokenTableError, uint } from "./inputs.js";
import { normalizeRecipient, type RecipientProof } from "./leaf.js";


function proofOf(v: unknown, field: string): Hex[] {
  check(Array.isArray(v) && v.every((p) => typeof p === "string" && /^0x[0-9a-fA-F]{64}$/.test(p)), field, "must be an array of 32-byte hex strings");
  return v as Hex[];
}

async function send(signer: Signer, call: PreparedCall): Promise<ClaimReturnType> {
  check(signer !== null && typeof (signer as Partial<Signer>).sendTransaction === "function", "signer", "must be a Signer to send; use the prepare… form for calldata to send from elsewhere");
  try {
    const tx = await signer.sendTransaction({ to: call.to, data: call.data, value: call.value });
    const receipt: TransactionReceipt | null = await tx.wait();
    if (receipt === null) throw new TransactionFailedError({ hash: tx.hash as Hex, reason: "was dropped" });
    if (receipt.status !== 1) throw new TransactionFailedError({ hash: tx.hash as Hex, receipt });
    return { hash: tx.hash as Hex, receipt };
  } catch (e) {
    throw tokenTableError(e, "MerkleCampaigns");
  }
}

// ---------------------------------------------------------------- attestation-gated claims

/** The `AttestationProof` struct `MerkleCampaigns.claimAttested` takes. */
export interface CampaignAttestationProof {
  readonly attester: Address;
  readonly time: bigint;
  readonly expirationTime: bigint;
  readonly refUID: Hex;
  readonly dataHash: Hex;
}

/**
 * The struct a gated claim presents for `attestation`: the contract recomputes the uid from it, the campaign's
 * schema and the leaf account as subject, and asks the registry whether it is valid.
 * @param account the leaf account: the attestation's subject must be this address
 * @throws InvalidInputError (field `attestation.subject`) when the subject is not `account`
 */
export function campaignAttestationProof(attestation: Attestation, account: string): CampaignAttestationProof {
  check(attestation !== null && typeof attestation === "object", "attestation", "must be an Attestation (e.g. from AttestationClient.attest or AttestationIndex)");
  const who = addr(account, "account");
  const subject = decodeSubject(attestation.subject);
  check(subject.kind === "address" && getAddress(subject.address) === who, "attestation.subject", `must be the leaf account ${who}, is ${subject.kind === "address" ? subject.address : `a non-address subject (${subject.kind})`}: the campaign pays only the attestation's subject`);
  check(typeof attestation.data === "string" && /^0x([0-9a-fA-F]{2})*$/.test(attestation.data), "attestation.data", "must be hex bytes");
  check(typeof attestation.refUID === "string" && /^0x[0-9a-fA-F]{64}$/.test(attestation.refUID), "attestation.refUID", "must be 32 bytes of hex");
  return {
    attester: addr(attestation.attester, "attestation.attester"),
    time: uint(attestation.time, "attestation.time", 64),
    expirationTime: uint(attestation.expirationTime, "attestation.expirationTime", 64),
    refUID: attestation.refUID,
    dataHash: keccak256(attestation.data) as Hex,
  };
}

/** An attestation-gated claim: the leaf, its proof, and the account's attestation. */
export interface AttestedClaimParameters extends RecipientProof {
  /** The MerkleCampaigns contract. */
  readonly campaigns: string;
  readonly campaignId: bigint | number;
  /** The account's attestation under the campaign's schema by an accepted issuer. */
  readonly attestation: Attestation;
}

/**
 * Calldata of `MerkleCampaigns.claimAttested` (anyone may submit; the account is paid).
 * @throws InvalidInputError naming the bad field
 */
export function prepareAttestedClaim(p: AttestedClaimParameters): PreparedCall {
  const to = addr(p.campaigns, "campaigns");
  const n = normalizeRecipient(p);
  const a = campaignAttestationProof(p.attestation, n.account);
  const data = TOKEN_TABLE_IFACES.MerkleCampaigns.encodeFunctionData("claimAttested", [uint(p.campaignId, "campaignId"), n.index, n.account, n.amount, proofOf(p.proof, "proof"), a]) as Hex;
  return { to, data, value: 0n };
}

/**
 * Sends `MerkleCampaigns.claimAttested` from `signer`.
 * @throws InvalidInputError naming the bad field; ContractRevertedError (`InvalidAttestation`, `AttesterNotAccepted`,
 *         `AlreadyClaimed`, ...) or TransactionFailedError
 */
export async function claimAttested(signer: Signer, p: AttestedClaimParameters): Promise<ClaimReturnType> {
  return send(signer, prepareAttestedClaim(p));
}

// ---------------------------------------------------------------- anonymous claims

/** A ZK identity proof in calldata form (`IdentityProof.calldata` from `identity.proveIdentity`). */
export interface IdentityProofCalldata {
  readonly proof: readonly bigint[];
  /** [root, nullifier, issuerAx, message, policy] */
  readonly publicSignals: readonly bigint[];
}

/** An anonymous claim: the recipient and the proof bound to it. */
export interface AnonymousClaimParameters {
  readonly campaigns: string;
  readonly campaignId: bigint | number;
  /** Who is paid; the proof's message must be this address. */
  readonly recipient: string;
  readonly proof: IdentityProofCalldata;
}

/**
 * Calldata of `MerkleCampaigns.claimAnonymous` (anyone may submit; the recipient is paid the campaign's fixed amount).
 * @throws InvalidInputError naming the bad field, `recipient` when the proof is bound to another address
 */
export function prepareAnonymousClaim(p: AnonymousClaimParameters): PreparedCall {
  const to = addr(p.campaigns, "campaigns");
  const recipient = addr(p.recipient, "recipient");
  check(p.proof !== null && typeof p.proof === "object", "proof", "must be { proof, publicSignals } (IdentityProof.calldata)");
  check(Array.isArray(p.proof.proof) && p.proof.proof.length === 8, "proof.proof", "must be the 8 Groth16 proof words");
  check(Array.isArray(p.proof.publicSignals) && p.proof.publicSignals.length === 5, "proof.publicSignals", "must be the circuit's 5 public signals");
  const proof = p.proof.proof.map((w, i) => uint(w, `proof.proof[${i}]`));
  const signals = p.proof.publicSignals.map((w, i) => uint(w, `proof.publicSignals[${i}]`));
  check(signals[3] === BigInt(recipient), "recipient", `is ${recipient}, but the proof is bound to ${signals[3]! < 1n << 160n ? getAddress(`0x${signals[3]!.toString(16).padStart(40, "0")}`) : `message ${signals[3]}`}: prove again for this recipient`);
  const data = TOKEN_TABLE_IFACES.MerkleCampaigns.encodeFunctionData("claimAnonymous", [uint(p.campaignId, "campaignId"), recipient, proof, signals]) as Hex;
  return { to, data, value: 0n };
}

/**
 * Sends `MerkleCampaigns.claimAnonymous` from `signer` (a relayer, so the recipient's wallet never touches the claim).
 * @throws InvalidInputError naming the bad field; ContractRevertedError (`NullifierAlreadyUsed`, `ClaimsNotOpen`,
 *         `ExceedsFunding`, ...) or TransactionFailedError
 */
export async function claimAnonymous(signer: Signer, p: AnonymousClaimParameters): Promise<ClaimReturnType> {
  return send(signer, prepareAnonymousClaim(p));
}

// ---------------------------------------------------------------- clawback

/**
 * Calldata of `MerkleCampaigns.clawback`: only the campaign's clawback address may send it, after the deadline (or
 * within the grace period after creation while nothing was claimed).
 * @throws InvalidInputError naming the bad field
 */
export function prepareClawback(p: { readonly campaigns: string; readonly campaignId: bigint | number }): PreparedCall {
  const to = addr(p.campaigns, "campaigns");
  return { to, data: TOKEN_TABLE_IFACES.MerkleCampaigns.encodeFunctionData("clawback", [uint(p.campaignId, "campaignId")]) as Hex, value: 0n };
}

/**
 * The clawback address takes back a campaign's unclaimed rest and closes it.
 * @throws ContractRevertedError (`ClawbackNotAllowed`, `NotClawbackAddress`, ...) or TransactionFailedError
 */
export async function clawbackCampaign(signer: Signer, p: { readonly campaigns: string; readonly campaignId: bigint | number }): Promise<ClaimReturnType> {
  return send(signer, prepareClawback(p));
}
