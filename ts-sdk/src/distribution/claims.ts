/**
 * Claim helpers for `MerkleCampaigns` and `TokenVesting` (viem's shape: `action(runner, parameters)`; every sending
 * action has a `prepare…` form returning `{ to, data, value }` for keys held in a Safe or a relayer queue). Rules
 * live in the contracts: the `ClaimTo` type hash and EIP-712 domain are read from the contract (ERC-5267
 * `eip712Domain()`), vesting comes from `vestedAmount`/`claimable`, and the final word is the transaction itself.
 */
import { Contract, TypedDataEncoder, getAddress, keccak256, toUtf8Bytes, type ContractRunner, type Signer, type TransactionReceipt, type TypedDataDomain } from "ethers";

import { merkleCampaignsAbi } from "../abi/MerkleCampaigns.js";
import { tokenVestingAbi } from "../abi/TokenVesting.js";
import { InvalidInputError, TransactionFailedError, check } from "../errors.js";
import type { Address, Hex, PreparedCall } from "../types.js";
import { normalizeRecipient, type RecipientProof } from "./leaf.js";
import { normalizeMultiProof, type DistributionMultiProof } from "./multiproof.js";
import { vestedAmount, type VestingPreset } from "./vesting.js";
import { TOKEN_TABLE_IFACES, addr, tokenTableError, uint, type TokenTableContract } from "./inputs.js";

const campaignsIface = TOKEN_TABLE_IFACES.MerkleCampaigns;
const vestingIface = TOKEN_TABLE_IFACES.TokenVesting;

/** The EIP-712 `ClaimTo` type, which must hash to the contract's `CLAIM_TO_TYPEHASH` (checked on every use). */
export const CLAIM_TO_TYPES = {
  ClaimTo: [
    { name: "campaignId", type: "uint256" },
    { name: "index", type: "uint256" },
    { name: "account", type: "address" },
    { name: "amount", type: "uint256" },
    { name: "to", type: "address" },
    { name: "nonce", type: "uint256" },
    { name: "deadline", type: "uint256" },
  ],
} as const;

/** Default relayer batch size (claims per `claimMany` transaction). */
export const DEFAULT_CLAIM_BATCH = 100;

/** Result of a sent claim. */
export interface ClaimReturnType {
  readonly hash: Hex;
  readonly receipt: TransactionReceipt;
}

/** Runs `fn`, turning its failure into the SDK's error with the TokenTable contract's own custom error named. */
async function guard<T>(fn: () => Promise<T>, context: { contract: TokenTableContract }): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    throw tokenTableError(e, context.contract);
  }
}

function proofOf(v: unknown, field: string): Hex[] {
  check(Array.isArray(v) && v.every((p) => typeof p === "string" && /^0x[0-9a-fA-F]{64}$/.test(p)), field, "must be an array of 32-byte hex strings");
  return v as Hex[];
}

function signerOf(runner: ContractRunner, field = "signer"): Signer {
  check(runner !== null && typeof (runner as Partial<Signer>).sendTransaction === "function", field, "must be a Signer to send; use the prepare… form for calldata to send from elsewhere");
  return runner as Signer;
}

async function sendCall(signer: Signer, call: PreparedCall, contract: "MerkleCampaigns" | "TokenVesting"): Promise<ClaimReturnType> {
  return guard(async () => {
    const tx = await signer.sendTransaction({ to: call.to, data: call.data, value: call.value });
    const receipt = await tx.wait();
    if (receipt === null) throw new TransactionFailedError({ hash: tx.hash as Hex, reason: "was dropped" });
    if (receipt.status !== 1) throw new TransactionFailedError({ hash: tx.hash as Hex, receipt });
    return { hash: tx.hash as Hex, receipt };
  }, { contract });
}

// ---------------------------------------------------------------- MerkleCampaigns

/** A campaign claim: the leaf and its proof. */
export interface CampaignClaimParameters extends RecipientProof {
  /** The MerkleCampaigns contract. */
  readonly campaigns: string;
  readonly campaignId: bigint | number;
}

/**
 * Calldata of `MerkleCampaigns.claim` (anyone may submit; the account is paid).
 * @throws InvalidInputError naming the bad field
 */
export function prepareCampaignClaim(p: CampaignClaimParameters): PreparedCall {
  const to = addr(p.campaigns, "campaigns");
  const n = normalizeRecipient(p);
  const data = campaignsIface.encodeFunctionData("claim", [uint(p.campaignId, "campaignId"), n.index, n.account, n.amount, proofOf(p.proof, "proof")]) as Hex;
  return { to, data, value: 0n };
}

/**
 * Sends `MerkleCampaigns.claim` from `signer`.
 * @throws ContractRevertedError (e.g. `AlreadyClaimed`, `InvalidProof`, `ClaimsNotOpen`) or TransactionFailedError
 */
export async function claimCampaign(signer: Signer, p: CampaignClaimParameters): Promise<ClaimReturnType> {
  return sendCall(signerOf(signer), prepareCampaignClaim(p), "MerkleCampaigns");
}

/** Parameters of a relayer batch. */
export interface CampaignClaimManyParameters {
  readonly campaigns: string;
  readonly campaignId: bigint | number;
  readonly claims: readonly RecipientProof[];
  /** Claims per transaction (default {@link DEFAULT_CLAIM_BATCH}). */
  readonly batchSize?: number;
}

/**
 * Calldata of `MerkleCampaigns.claimMany`, split into batches of `batchSize` (sorted by index within a batch, so
 * the contract writes each claim-bitmap word once per run).
 * @throws InvalidInputError naming the bad field (`claims[i].…`)
 */
export function prepareCampaignClaimMany(p: CampaignClaimManyParameters): PreparedCall[] {
  const to = addr(p.campaigns, "campaigns");
  const id = uint(p.campaignId, "campaignId");
  check(Array.isArray(p.claims) && p.claims.length > 0, "claims", "must be a non-empty array");
  const size = p.batchSize ?? DEFAULT_CLAIM_BATCH;
  check(Number.isInteger(size) && size >= 1, "batchSize", "must be a positive integer");
  const rows = p.claims.map((c, i) => {
    const n = normalizeRecipient(c, `claims[${i}]`);
    return { index: n.index, account: n.account, amount: n.amount, proof: proofOf(c.proof, `claims[${i}].proof`) };
  });
  const calls: PreparedCall[] = [];
  for (let i = 0; i < rows.length; i += size) {
    const batch = rows.slice(i, i + size).sort((a, b) => (a.index < b.index ? -1 : a.index > b.index ? 1 : 0));
    calls.push({ to, data: campaignsIface.encodeFunctionData("claimMany", [id, batch.map((c) => [c.index, c.account, c.amount, c.proof])]) as Hex, value: 0n });
  }
  return calls;
}

/** What {@link claimCampaignMany} returns. */
export interface CampaignClaimManyReturnType {
  /** One per batch sent. */
  readonly transactions: readonly ClaimReturnType[];
  /** Leaf indices left out because the contract already records them as claimed (instant campaigns). */
  readonly skipped: readonly bigint[];
}

/**
 * Relayer: claims many leaves, each paid to its account, in batches. Leaves of an instant campaign already claimed
 * are left out first (`isClaimed`); the contract also skips any claimed in between.
 * @throws InvalidInputError naming the bad field; ContractRevertedError (`InvalidProof`, ...) if a batch reverts
 */
export async function claimCampaignMany(signer: Signer, p: CampaignClaimManyParameters): Promise<CampaignClaimManyReturnType> {
  const s = signerOf(signer);
  prepareCampaignClaimMany(p); // validates every claim before any read
  return guard(async () => {
    const c = new Contract(addr(p.campaigns, "campaigns"), merkleCampaignsAbi, s);
    const id = uint(p.campaignId, "campaignId");
    const view = (await c.getFunction("getCampaign").staticCall(id)) as { presetId: bigint };
    let todo = [...p.claims];
    const skipped: bigint[] = [];
    if (view.presetId === 0n) {
      const claimed = await Promise.all(todo.map((x) => c.getFunction("isClaimed").staticCall(id, BigInt(x.index)) as Promise<boolean>));
      todo = todo.filter((x, i) => {
        if (claimed[i] === true) skipped.push(BigInt(x.index));
        return claimed[i] !== true;
      });
    }
    const transactions: ClaimReturnType[] = [];
    if (todo.length > 0) {
      for (const call of prepareCampaignClaimMany({ ...p, claims: todo })) transactions.push(await sendCall(s, call, "MerkleCampaigns"));
    }
    return { transactions, skipped };
  }, { contract: "MerkleCampaigns" });
}

/** A relayer batch under one shared multiproof. */
export interface CampaignClaimMultiProofParameters {
  readonly campaigns: string;
  readonly campaignId: bigint | number;
  /** The batch's multiproof: `DistributionTree.multiProof(indices)` or `ProofStore.multiProof(indices)`. */
  readonly multiproof: DistributionMultiProof;
}

/**
 * Calldata of `MerkleCampaigns.claimManyMultiproof`: one transaction for the multiproof's leaves, each paid to its
 * account (leaves already claimed are skipped by the contract). Far less calldata than `claimMany` at depth: the
 * siblings the leaves share are sent once.
 * @throws InvalidInputError naming the bad field (`multiproof.leaves[i]`, `multiproof.proofFlags`, ...)
 */
export function prepareCampaignClaimMultiProof(p: CampaignClaimMultiProofParameters): PreparedCall {
  const to = addr(p.campaigns, "campaigns");
  const id = uint(p.campaignId, "campaignId");
  const m = normalizeMultiProof(p.multiproof);
  const data = campaignsIface.encodeFunctionData("claimManyMultiproof", [id, m.leaves.map((l) => [l.index, l.account, l.amount]), m.proof, m.proofFlags]) as Hex;
  return { to, data, value: 0n };
}

/**
 * Relayer: sends one `MerkleCampaigns.claimManyMultiproof` batch from `signer`.
 * @throws InvalidInputError naming the bad field; ContractRevertedError (`InvalidMultiproof`, `LeavesNotInIndexOrder`,
 *         `ExceedsFunding`, `ClaimsNotOpen`, ...) or TransactionFailedError
 */
export async function claimCampaignMultiProof(signer: Signer, p: CampaignClaimMultiProofParameters): Promise<ClaimReturnType> {
  return sendCall(signerOf(signer), prepareCampaignClaimMultiProof(p), "MerkleCampaigns");
}

/** Parameters of a `ClaimTo` authorisation. */
export interface ClaimToParameters extends CampaignClaimParameters {
  /** Who is paid instead of the account. */
  readonly to: string;
  /** The account's nonce (default: read from the contract). */
  readonly nonce?: bigint;
  /** Last second the signature is valid (unix seconds). */
  readonly deadline: bigint | number;
}

/** EIP-712 typed data of a `ClaimTo`, ready for `signer.signTypedData(domain, types, message)` or a wallet. */
export interface ClaimToTypedData {
  readonly domain: TypedDataDomain;
  readonly types: typeof CLAIM_TO_TYPES;
  readonly primaryType: "ClaimTo";
  readonly message: { campaignId: bigint; index: bigint; account: Address; amount: bigint; to: Address; nonce: bigint; deadline: bigint };
}

/**
 * The typed data an account signs to let anyone claim its leaf to `to`: domain from the contract's
 * `eip712Domain()`, type checked against its `CLAIM_TO_TYPEHASH`, nonce from `nonces(account)` unless given.
 * @throws InvalidInputError naming the bad field, or field `campaigns` when the contract's type hash differs
 */
export async function getClaimToTypedData(runner: ContractRunner, p: Omit<ClaimToParameters, "proof">): Promise<ClaimToTypedData> {
  const campaigns = addr(p.campaigns, "campaigns");
  const n = normalizeRecipient(p);
  const to = addr(p.to, "to");
  const deadline = uint(p.deadline, "deadline");
  const campaignId = uint(p.campaignId, "campaignId");
  if (p.nonce !== undefined) uint(p.nonce, "nonce");
  return guard(async () => {
    const c = new Contract(campaigns, merkleCampaignsAbi, runner);
    const [typehash, domain, nonce] = await Promise.all([
      c.getFunction("CLAIM_TO_TYPEHASH").staticCall() as Promise<string>,
      c.getFunction("eip712Domain").staticCall() as Promise<[string, string, string, bigint, string]>,
      p.nonce === undefined ? (c.getFunction("nonces").staticCall(n.account) as Promise<bigint>) : Promise.resolve(p.nonce),
    ]);
    const ours = TypedDataEncoder.from({ ClaimTo: [...CLAIM_TO_TYPES.ClaimTo] }).encodeType("ClaimTo");
    if (keccak256(toUtf8Bytes(ours)) !== typehash) {
      throw new InvalidInputError("campaigns", `the contract at ${campaigns} has CLAIM_TO_TYPEHASH ${typehash}, not keccak256("${ours}"): it is not a MerkleCampaigns this SDK signs for`);
    }
    return {
      domain: { name: domain[1], version: domain[2], chainId: domain[3], verifyingContract: domain[4] },
      types: CLAIM_TO_TYPES,
      primaryType: "ClaimTo",
      message: { campaignId, index: n.index, account: n.account, amount: n.amount, to, nonce, deadline },
    };
  }, { contract: "MerkleCampaigns" });
}

/** A signed `ClaimTo`: what a relayer needs besides the proof. */
export interface SignedClaimTo {
  readonly signature: Hex;
  readonly nonce: bigint;
  readonly deadline: bigint;
  readonly to: Address;
}

/**
 * The account signs a `ClaimTo` (its signer must be the leaf account).
 * @throws InvalidInputError (field `signer`) when the signer is not the account
 */
export async function signClaimTo(signer: Signer, p: Omit<ClaimToParameters, "proof">): Promise<SignedClaimTo> {
  const s = signerOf(signer);
  const account = addr(p.account, "account");
  const td = await getClaimToTypedData(s, p);
  return guard(async () => {
    const me = getAddress(await s.getAddress());
    if (me !== account) throw new InvalidInputError("signer", `is ${me}, but only the leaf account ${account} can authorise a ClaimTo`);
    const signature = (await s.signTypedData(td.domain, { ClaimTo: [...CLAIM_TO_TYPES.ClaimTo] }, td.message)) as Hex;
    return { signature, nonce: td.message.nonce, deadline: td.message.deadline, to: td.message.to };
  }, { contract: "MerkleCampaigns" });
}

/**
 * Calldata of `MerkleCampaigns.claimTo` with the account's signature (anyone may submit it).
 * @throws InvalidInputError naming the bad field
 */
export function prepareClaimTo(p: CampaignClaimParameters & { readonly to: string; readonly nonce: bigint; readonly deadline: bigint | number; readonly signature: string }): PreparedCall {
  const call = prepareCampaignClaim(p);
  const n = normalizeRecipient(p);
  check(typeof p.signature === "string" && /^0x([0-9a-fA-F]{2})+$/.test(p.signature), "signature", "must be hex bytes");
  const data = campaignsIface.encodeFunctionData("claimTo", [uint(p.campaignId, "campaignId"), n.index, n.account, n.amount, proofOf(p.proof, "proof"), addr(p.to, "to"), uint(p.nonce, "nonce"), uint(p.deadline, "deadline"), p.signature]) as Hex;
  return { to: call.to, data, value: 0n };
}

/**
 * Submits a signed `ClaimTo` from any signer (a relayer).
 * @throws ContractRevertedError (`BadSignature`, `SignatureExpired`, `InvalidAccountNonce`, ...) or TransactionFailedError
 */
export async function claimTo(signer: Signer, p: CampaignClaimParameters & SignedClaimTo): Promise<ClaimReturnType> {
  return sendCall(signerOf(signer), prepareClaimTo(p), "MerkleCampaigns");
}

/**
 * What a leaf could be paid at `at` (default: now), from the contract's `claimable` (leaf validity not checked).
 * @throws InvalidInputError naming the bad field
 */
export async function campaignClaimable(runner: ContractRunner, p: { readonly campaigns: string; readonly campaignId: bigint | number; readonly index: bigint | number; readonly amount: bigint; readonly at?: bigint | number }): Promise<bigint> {
  const campaigns = addr(p.campaigns, "campaigns");
  const args = [uint(p.campaignId, "campaignId"), uint(p.index, "index"), uint(p.amount, "amount")] as const;
  const at = p.at === undefined ? undefined : uint(p.at, "at");
  return guard(async () => {
    const c = new Contract(campaigns, merkleCampaignsAbi, runner);
    const when = at ?? BigInt(Math.floor(Date.now() / 1000));
    return (await c.getFunction("claimable").staticCall(...args, when)) as bigint;
  }, { contract: "MerkleCampaigns" });
}

// ---------------------------------------------------------------- TokenVesting

/** A TokenVesting schedule with its preset, as read from the contract. */
export interface VestingSchedule {
  readonly scheduleId: bigint;
  readonly token: Address;
  readonly start: bigint;
  readonly presetId: number;
  readonly preset: VestingPreset;
  readonly revocable: boolean;
  readonly cancelled: boolean;
  readonly beneficiary: Address;
  readonly total: bigint;
  readonly claimed: bigint;
}

/**
 * Reads a schedule and its preset.
 * @throws InvalidInputError naming the bad field; ContractRevertedError `UnknownSchedule`
 */
export async function getVestingSchedule(runner: ContractRunner, p: { readonly vesting: string; readonly scheduleId: bigint | number }): Promise<VestingSchedule> {
  const vesting = addr(p.vesting, "vesting");
  const id = uint(p.scheduleId, "scheduleId");
  return guard(async () => {
    const c = new Contract(vesting, tokenVestingAbi, runner);
    const s = (await c.getFunction("getSchedule").staticCall(id)) as { token: string; start: bigint; presetId: bigint; revocable: boolean; cancelled: boolean; beneficiary: string; total: bigint; claimed: bigint };
    const [ends, bips] = (await c.getFunction("getPreset").staticCall(s.presetId)) as [bigint[], bigint[]];
    return {
      scheduleId: id,
      token: getAddress(s.token) as Address,
      start: s.start,
      presetId: Number(s.presetId),
      preset: { ends: ends.map(Number), bips: bips.map(Number) },
      revocable: s.revocable,
      cancelled: s.cancelled,
      beneficiary: getAddress(s.beneficiary) as Address,
      total: s.total,
      claimed: s.claimed,
    };
  }, { contract: "TokenVesting" });
}

/**
 * What a schedule has vested at `at`, computed off-chain with the contract's curve (no call needed once the
 * schedule is read). A cancelled schedule's `total` is frozen at what had vested, so all of it counts as vested.
 */
export function scheduleVested(s: VestingSchedule, at: bigint | number): bigint {
  if (s.cancelled) return s.total;
  return vestedAmount({ total: s.total, start: s.start, preset: s.preset, at });
}

/**
 * What a schedule could pay at `at` (default: now), from the contract's `claimable`.
 * @throws InvalidInputError naming the bad field
 */
export async function vestingClaimable(runner: ContractRunner, p: { readonly vesting: string; readonly scheduleId: bigint | number; readonly at?: bigint | number }): Promise<bigint> {
  const vesting = addr(p.vesting, "vesting");
  const id = uint(p.scheduleId, "scheduleId");
  const at = p.at === undefined ? undefined : uint(p.at, "at");
  return guard(async () => {
    const c = new Contract(vesting, tokenVestingAbi, runner);
    return (await c.getFunction("claimable").staticCall(id, at ?? BigInt(Math.floor(Date.now() / 1000)))) as bigint;
  }, { contract: "TokenVesting" });
}

/**
 * Calldata of `TokenVesting.claim` (or `claimTo` when `to` is given); the sender must be the beneficiary.
 * @throws InvalidInputError naming the bad field
 */
export function prepareVestingClaim(p: { readonly vesting: string; readonly scheduleId: bigint | number; readonly to?: string }): PreparedCall {
  const to = addr(p.vesting, "vesting");
  const id = uint(p.scheduleId, "scheduleId");
  const data = (p.to === undefined ? vestingIface.encodeFunctionData("claim", [id]) : vestingIface.encodeFunctionData("claimTo", [id, addr(p.to, "to")])) as Hex;
  return { to, data, value: 0n };
}

/**
 * The beneficiary claims what vested.
 * @throws ContractRevertedError (`NothingToClaim`, `NotBeneficiary`, ...) or TransactionFailedError
 */
export async function claimVesting(signer: Signer, p: { readonly vesting: string; readonly scheduleId: bigint | number; readonly to?: string }): Promise<ClaimReturnType> {
  return sendCall(signerOf(signer), prepareVestingClaim(p), "TokenVesting");
}

/**
 * Calldata of `TokenVesting.claimMany`, in batches; the sender must be each schedule's beneficiary or approved
 * delegate (payments always go to the beneficiary). Schedules with nothing claimable are skipped by the contract.
 * @throws InvalidInputError naming the bad field
 */
export function prepareVestingClaimMany(p: { readonly vesting: string; readonly scheduleIds: readonly (bigint | number)[]; readonly batchSize?: number }): PreparedCall[] {
  const to = addr(p.vesting, "vesting");
  check(Array.isArray(p.scheduleIds) && p.scheduleIds.length > 0, "scheduleIds", "must be a non-empty array");
  const ids = p.scheduleIds.map((x, i) => uint(x, `scheduleIds[${i}]`));
  const size = p.batchSize ?? DEFAULT_CLAIM_BATCH;
  check(Number.isInteger(size) && size >= 1, "batchSize", "must be a positive integer");
  const calls: PreparedCall[] = [];
  for (let i = 0; i < ids.length; i += size) calls.push({ to, data: vestingIface.encodeFunctionData("claimMany", [ids.slice(i, i + size)]) as Hex, value: 0n });
  return calls;
}

/**
 * Claims many schedules (beneficiary or delegate), one transaction per batch.
 * @throws ContractRevertedError (`NotBeneficiaryOrDelegate`, ...) or TransactionFailedError
 */
export async function claimVestingMany(signer: Signer, p: { readonly vesting: string; readonly scheduleIds: readonly (bigint | number)[]; readonly batchSize?: number }): Promise<readonly ClaimReturnType[]> {
  const s = signerOf(signer);
  const out: ClaimReturnType[] = [];
  for (const call of prepareVestingClaimMany(p)) out.push(await sendCall(s, call, "TokenVesting"));
  return out;
}
