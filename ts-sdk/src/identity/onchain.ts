/**
 * Identity proofs on-chain: the `IZkIdentityVerifier.IdentityProof` struct a prover's output becomes, and the relayed
 * batch claim of a `OnePersonBenefit` (many citizens' proofs in one transaction, verified with one pairing product).
 */
import { Interface, getAddress, isAddress, type Signer, type TransactionReceipt } from "ethers";

import { onePersonBenefitAbi } from "../abi/OnePersonBenefit.js";
import { check } from "../errors.js";
import { send, signerOf, type SendOptions } from "../send.js";
import type { Address, Hex, PreparedCall } from "../types.js";
import type { IdentityProof } from "./prover.js";
import { CREDENTIAL_MODES, unpackPolicy } from "./policy.js";

/** `IZkIdentityVerifier.IdentityProof`, as the contracts take it. */
export interface IdentityProofStruct {
  readonly root: bigint;
  readonly nullifier: bigint;
  readonly issuerAx: bigint;
  readonly message: bigint;
  /** The day the proof speaks for, YYYYMMDD. */
  readonly date: number;
  /** The credential mode the proof was made in: 0 membership, 1 signature (bit 224 of its policy word). */
  readonly mode: number;
  /** [a0, a1, b00, b01, b10, b11, c0, c1], B in the EVM's coordinate order. */
  readonly points: bigint[];
}

/** Most proofs per relayed transaction by default (a batch of 16 costs about 1.57M gas: `npm run bench -- identity-batch`). */
export const DEFAULT_RELAY_BATCH = 16;
/** Most proofs per relayed transaction at all (a batch of 64 costs about 5.6M gas). */
export const MAX_RELAY_BATCH = 64;

const benefitIface = new Interface(onePersonBenefitAbi);
const ADDRESS_LIMIT = 1n << 160n;

/**
 * The struct for `validateProof`/`validateProofs`/`OnePersonBenefit.claim` from a prover's output.
 * @throws InvalidInputError when `proof` is not a prover's output (naming the field)
 */
export function identityProofStruct(proof: IdentityProof, field = "proof"): IdentityProofStruct {
  const points = proof.calldata.proof;
  check(points.length === 8, `${field}.calldata.proof`, `must hold 8 values, got ${points.length}`);
  // calldata.publicSignals is [root, nullifier, issuerAx, message, policy]: issuerAx names the issuer in both modes
  const [root, nullifier, issuerAx, message, policy] = proof.calldata.publicSignals;
  const unpacked = unpackPolicy(policy);
  return { root, nullifier, issuerAx, message, date: unpacked.currentDate, mode: CREDENTIAL_MODES.indexOf(unpacked.mode), points: [...points] };
}

/** A relayed batch claim of a `OnePersonBenefit`. */
export interface BenefitClaimManyParameters {
  /** The OnePersonBenefit contract. */
  readonly benefit: string;
  /** The citizens' proofs; each pays uint160 of its message (see `messageForAddress`). */
  readonly proofs: readonly IdentityProof[];
  /** Proofs per transaction (default {@link DEFAULT_RELAY_BATCH}, at most {@link MAX_RELAY_BATCH}). */
  readonly batchSize?: number;
}

/**
 * Calldata of `OnePersonBenefit.claimMany`, split into batches of at most `batchSize` proofs of one credential mode
 * (the verifier checks a batch with its mode's circuit key and refuses a mixed one): membership-mode batches first,
 * then signature-mode ones, each mode's proofs in the order given.
 * @throws InvalidInputError naming the bad field (`proofs[i].…`): an empty list, a message that is no address,
 *         a nullifier twice (the contract would refuse the whole batch)
 */
export function prepareBenefitClaimMany(p: BenefitClaimManyParameters): PreparedCall[] {
  check(isAddress(p.benefit), "benefit", "must be a 0x-prefixed 20-byte address");
  const to = getAddress(p.benefit) as Address;
  const size = p.batchSize ?? DEFAULT_RELAY_BATCH;
  check(Number.isInteger(size) && size >= 1 && size <= MAX_RELAY_BATCH, "batchSize", `must be an integer in 1..${MAX_RELAY_BATCH}`);
  check(p.proofs.length > 0, "proofs", "must hold at least one proof");
  const seen = new Map<bigint, number>();
  const structs = p.proofs.map((proof, i) => {
    const s = identityProofStruct(proof, `proofs[${i}]`);
    check(s.message > 0n && s.message < ADDRESS_LIMIT, `proofs[${i}].signals.message`, "must be uint160 of the recipient (the benefit pays it)");
    const first = seen.get(s.nullifier);
    check(first === undefined, `proofs[${i}].signals.nullifier`, `repeats proofs[${first}]'s: the same person cannot claim twice`);
    seen.set(s.nullifier, i);
    return s;
  });
  const calls: PreparedCall[] = [];
  for (let mode = 0; mode < CREDENTIAL_MODES.length; mode++) {
    const ofMode = structs.filter((s) => s.mode === mode);
    for (let i = 0; i < ofMode.length; i += size) {
      calls.push({ to, data: benefitIface.encodeFunctionData("claimMany", [ofMode.slice(i, i + size)]) as Hex, value: 0n });
    }
  }
  return calls;
}

/**
 * Relays a batch claim from `signer` (a relayer pays the gas; each citizen is paid at the address their proof binds).
 * Proofs of both modes may be mixed: each mode goes in its own transactions ({@link prepareBenefitClaimMany}).
 * @returns one receipt per transaction
 * @throws InvalidInputError as {@link prepareBenefitClaimMany}; ContractRevertedError (e.g. `InvalidProofAt`,
 *         `NullifierAlreadyUsed`, `InsufficientFunds`) or TransactionFailedError
 */
export async function relayBenefitClaims(signer: Signer, p: BenefitClaimManyParameters, options: SendOptions = {}): Promise<TransactionReceipt[]> {
  const calls = prepareBenefitClaimMany(p);
  const s = signerOf(signer);
  const receipts: TransactionReceipt[] = [];
  for (const call of calls) receipts.push(await send(s, call, options));
  return receipts;
}
