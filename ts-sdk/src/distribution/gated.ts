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
import { DEFAULT_RELAY_BATCH, MAX_RELAY_BATCH, identityProofStruct, type IdentityProofStruct } from "../identity/onchain.js";
import type { IdentityProof } from "../identity/prover.js";
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

/** An identity proof: as the prover emits it (`identity.proveIdentity`), or the struct `identity.identityProofStruct` makes of it. */
export type AnonymousClaimProof = IdentityProof | IdentityProofStruct;

const ADDRESS_LIMIT = 1n << 160n;

/**
 * The `IZkIdentityVerifier.IdentityProof` struct of `proof`, checked as far as the SDK can: well formed, mode 0 or 1,
 * and a message that is a recipient address (the campaign pays uint160 of it).
 * @throws InvalidInputError naming the bad field
 */
export function anonymousClaimProof(proof: AnonymousClaimProof, field = "proof"): IdentityProofStruct {
  check(proof !== null && typeof proof === "object", field, "must be an identity proof (identity.proveIdentity) or its IdentityProof struct");
  let s: IdentityProofStruct;
  if ("calldata" in proof) {
    s = identityProofStruct(proof, field);
  } else {
    for (const k of ["root", "nullifier", "issuerAx", "message"] as const) uint(proof[k], `${field}.${k}`);
    check(Number.isInteger(proof.date) && proof.date >= 0 && proof.date < 2 ** 32, `${field}.date`, "must be the proof's date, YYYYMMDD");
    check(proof.mode === 0 || proof.mode === 1, `${field}.mode`, "must be 0 (membership) or 1 (signature)");
    check(Array.isArray(proof.points) && proof.points.length === 8, `${field}.points`, "must be the 8 Groth16 proof words");
    proof.points.forEach((w, i) => uint(w, `${field}.points[${i}]`));
    s = { root: proof.root, nullifier: proof.nullifier, issuerAx: proof.issuerAx, message: proof.message, date: proof.date, mode: proof.mode, points: [...proof.points] };
  }
  check(s.message > 0n && s.message < ADDRESS_LIMIT, `${field}.message`, `is ${s.message}, not uint160 of a recipient address: the campaign pays the address the proof is bound to (prove with message = identity.messageForAddress(recipient))`);
  return s;
}

/** The address an anonymous claim pays: uint160 of the proof's message. */
function recipientOf(s: IdentityProofStruct): Address {
  return getAddress(`0x${s.message.toString(16).padStart(40, "0")}`) as Address;
}

/** An anonymous claim: a proof bound to its recipient. */
export interface AnonymousClaimParameters {
  readonly campaigns: string;
  readonly campaignId: bigint | number;
  /** Who the caller expects to be paid; if given, it must be the address the proof is bound to. */
  readonly recipient?: string;
  readonly proof: AnonymousClaimProof;
}

/**
 * Calldata of `MerkleCampaigns.claimAnonymous` (anyone may submit; the address the proof is bound to is paid the
 * campaign's fixed amount).
 * @throws InvalidInputError naming the bad field, `recipient` when the proof is bound to another address
 */
export function prepareAnonymousClaim(p: AnonymousClaimParameters): PreparedCall {
  const to = addr(p.campaigns, "campaigns");
  const id = uint(p.campaignId, "campaignId");
  const s = anonymousClaimProof(p.proof);
  if (p.recipient !== undefined) {
    const recipient = addr(p.recipient, "recipient");
    check(recipientOf(s) === recipient, "recipient", `is ${recipient}, but the proof is bound to ${recipientOf(s)}: prove again for this recipient`);
  }
  const data = TOKEN_TABLE_IFACES.MerkleCampaigns.encodeFunctionData("claimAnonymous", [id, s]) as Hex;
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

/** A relayed batch of anonymous claims. */
export interface AnonymousClaimManyParameters {
  readonly campaigns: string;
  readonly campaignId: bigint | number;
  /** The citizens' proofs, each bound to its recipient. */
  readonly proofs: readonly AnonymousClaimProof[];
  /** Proofs per transaction (default 16, at most 64: identity.DEFAULT_RELAY_BATCH and MAX_RELAY_BATCH). */
  readonly batchSize?: number;
}

/**
 * Calldata of `MerkleCampaigns.claimAnonymousMany`: the proofs grouped by credential mode (the verifier checks one mode
 * per batch) and split into batches of `batchSize`; each batch is checked on-chain with one batch verification.
 * @throws InvalidInputError naming the bad field (`proofs[i].…`): an empty list, a message that is no address, a
 *         nullifier twice (the contract would refuse the whole batch)
 */
export function prepareAnonymousClaimMany(p: AnonymousClaimManyParameters): PreparedCall[] {
  const to = addr(p.campaigns, "campaigns");
  const id = uint(p.campaignId, "campaignId");
  const size = p.batchSize ?? DEFAULT_RELAY_BATCH;
  check(Number.isInteger(size) && size >= 1 && size <= MAX_RELAY_BATCH, "batchSize", `must be an integer in 1..${MAX_RELAY_BATCH}`);
  check(Array.isArray(p.proofs) && p.proofs.length > 0, "proofs", "must hold at least one proof");
  const seen = new Map<bigint, number>();
  const structs = p.proofs.map((proof, i) => {
    const s = anonymousClaimProof(proof, `proofs[${i}]`);
    const first = seen.get(s.nullifier);
    check(first === undefined, `proofs[${i}].nullifier`, `repeats proofs[${first}]'s: the same person cannot claim twice`);
    seen.set(s.nullifier, i);
    return s;
  });
  const calls: PreparedCall[] = [];
  for (const mode of [0, 1]) {
    const group = structs.filter((s) => s.mode === mode);
    for (let i = 0; i < group.length; i += size) {
      calls.push({ to, data: TOKEN_TABLE_IFACES.MerkleCampaigns.encodeFunctionData("claimAnonymousMany", [id, group.slice(i, i + size)]) as Hex, value: 0n });
    }
  }
  return calls;
}

/**
 * Relays anonymous claims in batches from `signer` (the relayer pays the gas; each citizen is paid at the address
 * their proof binds).
 * @returns one result per transaction
 * @throws InvalidInputError as {@link prepareAnonymousClaimMany}; ContractRevertedError (`InvalidProofAt`,
 *         `NullifierAlreadyUsed`, `ExceedsFunding`, ...) or TransactionFailedError
 */
export async function claimAnonymousMany(signer: Signer, p: AnonymousClaimManyParameters): Promise<readonly ClaimReturnType[]> {
  const out: ClaimReturnType[] = [];
  for (const call of prepareAnonymousClaimMany(p)) out.push(await send(signer, call));
  return out;
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
