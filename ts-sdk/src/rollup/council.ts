/**
 * Exit actions (viem's shape: `action(stack, parameters)`, with exported `…Parameters` and `…ReturnType` types).
 * Every rule is the contract's: the digest comes from `triggerExitDigest`, membership from `isCouncilMember`, the
 * automatic trigger's state from `autoTriggerStatus`, and the final word from a simulation of the call itself.
 * Each sending action has a `prepare…` form returning `{ to, data, value }` for keys held in a Safe.
 */
import { Signature as EthSignature, getAddress, isAddress, recoverAddress, type ContractRunner, type Signer, type TransactionReceipt } from "ethers";

import type { Stack } from "../clients.js";
import { InvalidInputError, NotYetError, TransactionFailedError, check, guard } from "../errors.js";
import type { Address, Hex, PreparedCall } from "../types.js";
import { send, signerOf, type SendOptions } from "../send.js";
import { isValidErc1271, parseTriggerExit, type ExitSignatureFile, type TriggerExitPayload } from "./exit.js";

/** What {@link getCouncil} returns. */
export interface GetCouncilReturnType {
  readonly members: readonly Address[];
  readonly threshold: bigint;
  /** Bumped on every council change; signatures by a former council stop counting. */
  readonly epoch: bigint;
}

/**
 * Reads the exit council from the ExitController.
 * @param stack a connected stack
 * @returns members, threshold and epoch
 */
export async function getCouncil(stack: Stack): Promise<GetCouncilReturnType> {
  return guard(async () => {
    const [members, threshold, epoch] = await stack.contracts.ExitController.council();
    return { members: members.map((m) => getAddress(m) as Address), threshold, epoch };
  }, { contract: "ExitController" });
}

/** One council signature, as collected (a signature file, or just signer and signature). */
export type CouncilSignatureInput = ExitSignatureFile | { readonly signer: Address | string; readonly signature: Hex | string };

/** A signature left out of the submission, and why. */
export interface RejectedSignature {
  readonly signer: string;
  readonly reason: string;
}

/** Parameters of {@link submitTriggerExit} and {@link prepareSubmitTriggerExit}. */
export interface SubmitTriggerExitParameters {
  /** The payload every member signed. */
  readonly payload: TriggerExitPayload;
  /** The signatures collected so far, in any order, duplicates and strangers allowed (they are reported). */
  readonly signatures: readonly CouncilSignatureInput[];
}

/** What {@link prepareSubmitTriggerExit} returns: the call, and which signatures it carries. */
export interface PrepareSubmitTriggerExitReturnType extends PreparedCall {
  /** Exactly the threshold of valid signatures, by ascending signer, as the contract takes them. */
  readonly signatures: readonly { readonly signer: Address; readonly signature: Hex }[];
  /** Signatures not used: invalid ones, with the reason. */
  readonly rejected: readonly RejectedSignature[];
  /** The digest the members signed, as the contract computes it. */
  readonly digest: Hex;
}

/** What {@link submitTriggerExit} returns. */
export interface SubmitTriggerExitReturnType {
  readonly hash: Hex;
  readonly receipt: TransactionReceipt;
  readonly signers: readonly Address[];
}

function isHighS(signature: string): boolean {
  try {
    return BigInt(EthSignature.from(signature).s) > 0x7fffffffffffffffffffffffffffffff5d576e7357a4501ddfe92f46681b20a0n;
  } catch {
    return false;
  }
}

function recovers(digest: string, signature: string, signer: Address): boolean {
  if (isHighS(signature)) return false;
  try {
    return getAddress(recoverAddress(digest, signature)) === signer;
  } catch {
    return false;
  }
}

function providerOf(stack: Stack) {
  const provider = stack.runner.provider;
  if (provider == null) throw new InvalidInputError("stack.runner", "has no provider: connect() with a provider, or a signer that has one");
  return provider;
}


/** Validates each input signature against the council; returns the valid ones (distinct, ascending) and the rest. */
async function sortOutSignatures(stack: Stack, digest: Hex, inputs: readonly CouncilSignatureInput[], payload: TriggerExitPayload) {
  const ec = stack.contracts.ExitController;
  const provider = providerOf(stack);
  const rejected: RejectedSignature[] = [];
  const candidates: { signer: Address; signature: Hex }[] = [];
  inputs.forEach((s, i) => {
    const label = typeof s.signer === "string" ? s.signer : `signatures[${i}]`;
    if (typeof s.signer !== "string" || !isAddress(s.signer)) return void rejected.push({ signer: label, reason: "the signer is not an address" });
    if (typeof s.signature !== "string" || !/^0x([0-9a-fA-F]{2})+$/.test(s.signature)) return void rejected.push({ signer: label, reason: "the signature is not hex bytes" });
    if ("payload" in s && s.payload.nonce !== payload.nonce) return void rejected.push({ signer: label, reason: "signed a different payload" });
    candidates.push({ signer: getAddress(s.signer) as Address, signature: s.signature.toLowerCase() as Hex });
  });
  const distinct = [...new Set(candidates.map((c) => c.signer))];
  const [member, code] = await Promise.all([Promise.all(distinct.map((a) => ec.isCouncilMember(a))), Promise.all(distinct.map((a) => provider.getCode(a)))]);
  const info = new Map(distinct.map((a, i) => [a, { member: member[i]!, contract: code[i] !== "0x" }]));
  const valid = new Map<Address, Hex>();
  for (const c of candidates) {
    const who = info.get(c.signer)!;
    if (!who.member) rejected.push({ signer: c.signer, reason: "not a council member" });
    else if (valid.has(c.signer)) rejected.push({ signer: c.signer, reason: "duplicate: this member already signed" });
    else if (who.contract ? !(await isValidErc1271(provider, c.signer, digest, c.signature)) : !recovers(digest, c.signature, c.signer)) {
      rejected.push({ signer: c.signer, reason: who.contract ? "the member contract (ERC-1271) rejects this signature" : "the signature does not verify for its signer over this payload" });
    } else valid.set(c.signer, c.signature);
  }
  const sorted = [...valid].map(([signer, signature]) => ({ signer, signature })).sort((a, b) => (BigInt(a.signer) < BigInt(b.signer) ? -1 : 1));
  return { sorted, rejected };
}

/**
 * Builds the council's `triggerExit` call: checks each signature against the on-chain council over the contract's
 * own digest, keeps exactly the threshold (ascending signers), and simulates the call so the contract's own rules
 * have the last word.
 * @param stack a connected stack (a provider is enough)
 * @param parameters the payload and the signatures collected
 * @returns `{ to, data, value }` for any sender (a Safe included), plus the signatures used and those rejected
 * @throws InvalidInputError (`payload.*`, `signatures`) for a payload of another chain or contract, an expired one, or too few valid signatures
 * @throws ContractRevertedError when the simulation reverts (e.g. `AlreadyInExit`)
 */
export async function prepareSubmitTriggerExit(stack: Stack, parameters: SubmitTriggerExitParameters): Promise<PrepareSubmitTriggerExitReturnType> {
  return guard(async () => {
    check(typeof parameters === "object" && parameters !== null, "parameters", "must be { payload, signatures }");
    const payload = parseTriggerExit(parameters.payload);
    check(Array.isArray(parameters.signatures), "signatures", "must be an array of { signer, signature }");
    const ec = stack.contracts.ExitController;
    const to = stack.address("ExitController");
    const provider = providerOf(stack);
    const [network, block, council, digest] = await Promise.all([
      provider.getNetwork(),
      provider.getBlock("latest"),
      getCouncil(stack),
      ec.triggerExitDigest(payload.reason, payload.nonce, payload.deadline),
    ]);
    check(payload.chainId === network.chainId, "payload.chainId", `the payload is for chain ${payload.chainId} but the network is chain ${network.chainId}`);
    check(getAddress(payload.verifyingContract) === to, "payload.verifyingContract", `the payload names ${payload.verifyingContract} but this network's ExitController is ${to}`);
    check(
      block === null || payload.deadline >= BigInt(block.timestamp),
      "payload.deadline",
      `the payload expired at ${new Date(Number(payload.deadline) * 1000).toISOString()}; build a new payload and collect signatures again`,
    );
    const { sorted, rejected } = await sortOutSignatures(stack, digest as Hex, parameters.signatures, payload);
    if (BigInt(sorted.length) < council.threshold) {
      const have = new Set(sorted.map((s) => s.signer));
      throw new InvalidInputError(
        "signatures",
        `only ${sorted.length} valid signatures of the ${council.threshold} needed; still missing: ${council.members.filter((m) => !have.has(m)).join(", ")}${rejected.length > 0 ? `; rejected: ${rejected.map((r) => `${r.signer} (${r.reason})`).join(", ")}` : ""}`,
      );
    }
    const used = sorted.slice(0, Number(council.threshold));
    const args: [string, bigint, bigint, { signer: string; signature: string }[]] = [payload.reason, payload.nonce, payload.deadline, used.map((s) => ({ ...s }))];
    await ec.triggerExit.staticCall(...args);
    return { to, data: ec.interface.encodeFunctionData("triggerExit", args) as Hex, value: 0n, signatures: used, rejected, digest: digest as Hex };
  }, { contract: "ExitController" });
}

/**
 * Submits the council's exit with exactly the threshold of valid signatures (see {@link prepareSubmitTriggerExit}),
 * from the stack's signer, and waits for the receipt.
 * @param stack a stack connected with a signer (anyone may pay the gas)
 * @param parameters the payload and the signatures collected
 * @throws TransactionFailedError when the transaction fails or is dropped
 */
export async function submitTriggerExit(stack: Stack, parameters: SubmitTriggerExitParameters, options: SendOptions = {}): Promise<SubmitTriggerExitReturnType> {
  return guard(async () => {
    const signer = signerOf(stack.runner);
    const call = await prepareSubmitTriggerExit(stack, parameters);
    const receipt = await send(signer, call, options);
    return { hash: receipt.hash as Hex, receipt, signers: call.signatures.map((s) => s.signer) };
  }, { contract: "ExitController" });
}

/** Which SLA rule opens the automatic exit trigger (`ExitController.Trigger`). */
export type AutoTriggerRule = "maxDowntime" | "maxFinalityDelay";

/** What {@link getAutoTriggerStatus} returns. */
export interface GetAutoTriggerStatusReturnType {
  readonly open: boolean;
  readonly rule: AutoTriggerRule;
  /** Unix seconds from which anyone may trigger (if the chain does not recover first). */
  readonly opensAt: bigint;
  readonly inExit: boolean;
}

/**
 * Reads the automatic exit trigger's state from the contract (`autoTriggerStatus`).
 * @param stack a connected stack
 */
export async function getAutoTriggerStatus(stack: Stack): Promise<GetAutoTriggerStatusReturnType> {
  return guard(async () => {
    const ec = stack.contracts.ExitController;
    const [[open, why, opensAt], inExit] = await Promise.all([ec.autoTriggerStatus(), ec.inExit()]);
    return { open, rule: why === 3n ? "maxFinalityDelay" : "maxDowntime", opensAt, inExit };
  }, { contract: "ExitController" });
}

/**
 * Builds the permissionless `triggerExitAuto` call, once the contract says the trigger is open.
 * @param stack a connected stack (a provider is enough)
 * @returns `{ to, data, value }`
 * @throws NotYetError with `opensAt` while the SLA is not breached
 * @throws InvalidInputError (field `ExitController`) when the rollup is already in exit mode
 */
export async function prepareTriggerExitAuto(stack: Stack): Promise<PreparedCall> {
  return guard(async () => {
    const status = await getAutoTriggerStatus(stack);
    if (status.inExit) throw new InvalidInputError("ExitController", "is already in exit mode: there is nothing to trigger");
    if (!status.open) throw new NotYetError("the automatic exit trigger", { opensAt: status.opensAt, reason: `${status.rule} is not breached; the council path works meanwhile` });
    return { to: stack.address("ExitController"), data: stack.contracts.ExitController.interface.encodeFunctionData("triggerExitAuto") as Hex, value: 0n };
  }, { contract: "ExitController" });
}

/** What {@link triggerExitAuto} returns. */
export interface TriggerExitAutoReturnType {
  readonly hash: Hex;
  readonly receipt: TransactionReceipt;
}

/**
 * Fires the automatic exit trigger from the stack's signer, once open.
 * @param stack a stack connected with a signer (anyone may)
 * @throws NotYetError with `opensAt` while the SLA is not breached
 * @throws TransactionFailedError when the transaction fails or is dropped
 */
export async function triggerExitAuto(stack: Stack, options: SendOptions = {}): Promise<TriggerExitAutoReturnType> {
  return guard(async () => {
    const signer = signerOf(stack.runner);
    const receipt = await send(signer, await prepareTriggerExitAuto(stack), options);
    return { hash: receipt.hash as Hex, receipt };
  }, { contract: "ExitController" });
}

