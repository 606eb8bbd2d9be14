import { Interface, getAddress, isAddress, isHexString, Signature as EthSignature, TypedDataEncoder, verifyTypedData, randomBytes, toBigInt, hexlify, type Signer, type Provider, type TypedDataDomain, type TypedDataField } from "ethers";

import { InvalidInputError as SdkInputError, check, guard } from "../errors.js";
import type { Address, Hex } from "../types.js";

const ERC1271 = new Interface(["function isValidSignature(bytes32 digest, bytes signature) view returns (bytes4)"]);

/** Format tag of an exit payload file. */
export const TRIGGER_EXIT_KIND = "sovereign-stack/trigger-exit@1";
/** Format tag of a signature file. */
export const EXIT_SIGNATURE_KIND = "sovereign-stack/trigger-exit-signature@1";

/** EIP-712 types of the council's exit message (must match ExitController.TRIGGER_EXIT_TYPEHASH). */
export const TRIGGER_EXIT_TYPES: Record<string, TypedDataField[]> = {
  TriggerExit: [
    { name: "reason", type: "string" },
    { name: "nonce", type: "uint256" },
    { name: "deadline", type: "uint256" },
  ],
};

/** What every council member signs, off-line (in memory; see {@link TriggerExitPayloadJson} for the file). */
export interface TriggerExitPayload {
  readonly kind: typeof TRIGGER_EXIT_KIND;
  readonly chainId: bigint;
  /** The ExitController. */
  readonly verifyingContract: Address;
  readonly reason: string;
  /** Single-use nonce (uint256). */
  readonly nonce: bigint;
  /** Unix seconds after which the signatures are void. */
  readonly deadline: bigint;
}

/**
 * A payload as its JSON file holds it (the on-disk format, unchanged since v1): `chainId` and `deadline` JSON numbers,
 * `nonce` a decimal string (a uint256 does not fit a JSON number). Write it with {@link triggerExitToJson}; read it
 * back with {@link parseTriggerExit}.
 */
export interface TriggerExitPayloadJson {
  readonly kind: typeof TRIGGER_EXIT_KIND;
  readonly chainId: number;
  readonly verifyingContract: Address;
  readonly reason: string;
  readonly nonce: string;
  readonly deadline: number;
}

/** One official's signature over a payload. */
export interface ExitSignatureFile {
  readonly kind: typeof EXIT_SIGNATURE_KIND;
  readonly payload: TriggerExitPayload;
  readonly signer: Address;
  readonly signature: Hex;
}

/** A signature file as its JSON holds it (see {@link exitSignatureToJson}). */
export interface ExitSignatureFileJson {
  readonly kind: typeof EXIT_SIGNATURE_KIND;
  readonly payload: TriggerExitPayloadJson;
  readonly signer: Address;
  readonly signature: Hex;
}

/** Builds (and validates) an exit payload. A random 128-bit nonce is chosen unless given. */
export function buildTriggerExit(input: {
  chainId: number | bigint;
  verifyingContract: string;
  reason: string;
  deadline: number | bigint;
  nonce?: bigint | string;
}): TriggerExitPayload {
  return parseTriggerExit({
    kind: TRIGGER_EXIT_KIND,
    chainId: input.chainId,
    verifyingContract: input.verifyingContract,
    reason: input.reason,
    nonce: input.nonce ?? toBigInt(randomBytes(16)),
    deadline: input.deadline,
  });
}

/**
 * A non-negative integer: a bigint (in memory), else as the file holds it: a JSON number (safe integer) or, for
 * `decimal` fields (the nonce), a decimal string and never a number.
 */
function uint(v: unknown, decimal: boolean): bigint | null {
  if (typeof v === "bigint") return v >= 0n && v < 2n ** 256n ? v : null;
  if (!decimal && typeof v === "number") return Number.isSafeInteger(v) && v >= 0 ? BigInt(v) : null;
  if (decimal && typeof v === "string" && /^\d+$/.test(v)) {
    const b = BigInt(v);
    return b < 2n ** 256n ? b : null;
  }
  return null;
}

/**
 * Validates a payload: a parsed payload file ({@link TriggerExitPayloadJson}) or an in-memory {@link TriggerExitPayload}.
 * @returns the in-memory form (bigints, checksummed address)
 */
export function parseTriggerExit(raw: unknown, field = "payload"): TriggerExitPayload {
  check(typeof raw === "object" && raw !== null, field, "must be a JSON object");
  const r = raw as Record<string, unknown>;
  check(r.kind === TRIGGER_EXIT_KIND, `${field}.kind`, `must be "${TRIGGER_EXIT_KIND}"`);
  const chainId = uint(r.chainId, false);
  check(chainId !== null && chainId > 0n, `${field}.chainId`, "must be a positive integer chain id");
  check(typeof r.verifyingContract === "string" && isAddress(r.verifyingContract), `${field}.verifyingContract`, "must be the ExitController address");
  check(typeof r.reason === "string" && r.reason.trim().length > 0, `${field}.reason`, "must say why the exit is triggered");
  check(r.reason.length <= 1000, `${field}.reason`, "must be at most 1000 characters");
  const nonce = uint(r.nonce, true);
  check(nonce !== null, `${field}.nonce`, "must be a decimal uint256 string");
  const deadline = uint(r.deadline, false);
  check(deadline !== null && deadline > 0n && deadline <= BigInt(Number.MAX_SAFE_INTEGER), `${field}.deadline`, "must be unix seconds");
  return {
    kind: TRIGGER_EXIT_KIND,
    chainId: chainId!,
    verifyingContract: getAddress(r.verifyingContract) as Address,
    reason: r.reason,
    nonce: nonce!,
    deadline: deadline!,
  };
}

/** The on-disk JSON form of a payload (the file format of `--payload-out`); the inverse of {@link parseTriggerExit}. */
export function triggerExitToJson(p: TriggerExitPayload): TriggerExitPayloadJson {
  return { kind: p.kind, chainId: Number(p.chainId), verifyingContract: p.verifyingContract, reason: p.reason, nonce: p.nonce.toString(), deadline: Number(p.deadline) };
}

/** The on-disk JSON form of a signature file; the inverse of {@link parseExitSignature}. */
export function exitSignatureToJson(f: ExitSignatureFile): ExitSignatureFileJson {
  return { kind: f.kind, payload: triggerExitToJson(f.payload), signer: f.signer, signature: f.signature };
}

/** The EIP-712 domain, types and message of a payload. */
export function triggerExitTypedData(p: TriggerExitPayload): { domain: TypedDataDomain; types: Record<string, TypedDataField[]>; message: Record<string, unknown> } {
  return {
    // chainId as a JSON number: the typed data is printed for wallets (eth_signTypedData_v4) as before.
    domain: { name: "SovereignExitController", version: "1", chainId: Number(p.chainId), verifyingContract: p.verifyingContract },
    types: TRIGGER_EXIT_TYPES,
    message: { reason: p.reason, nonce: p.nonce, deadline: p.deadline },
  };
}

/** The digest the contract checks. */
export function triggerExitDigest(p: TriggerExitPayload): Hex {
  const t = triggerExitTypedData(p);
  return TypedDataEncoder.hash(t.domain, t.types, t.message) as Hex;
}

/** Signs a payload with an EOA signer (works off-line: no provider needed). */
export async function signTriggerExit(signer: Signer, payload: TriggerExitPayload): Promise<ExitSignatureFile> {
  return guard(async () => {
    const p = parseTriggerExit(payload);
    const t = triggerExitTypedData(p);
    const signature = await signer.signTypedData(t.domain, t.types, t.message);
    return { kind: EXIT_SIGNATURE_KIND, payload: p, signer: getAddress(await signer.getAddress()) as Address, signature: signature as Hex };
  });
}

/** Validates a parsed signature file. */
export function parseExitSignature(raw: unknown, field = "signature file"): ExitSignatureFile {
  check(typeof raw === "object" && raw !== null, field, "must be a JSON object");
  const r = raw as Record<string, unknown>;
  check(r.kind === EXIT_SIGNATURE_KIND, `${field}.kind`, `must be "${EXIT_SIGNATURE_KIND}"`);
  const payload = parseTriggerExit(r.payload, `${field}.payload`);
  check(typeof r.signer === "string" && isAddress(r.signer), `${field}.signer`, "must be the signer's address");
  check(typeof r.signature === "string" && isHexString(r.signature) && r.signature.length >= 132, `${field}.signature`, "must be a hex signature");
  return { kind: EXIT_SIGNATURE_KIND, payload, signer: getAddress(r.signer) as Address, signature: r.signature as Hex };
}

/** What {@link checkExitSignatures} needs to know about the chain, read once. */
export interface CouncilSnapshot {
  readonly chainId: bigint;
  readonly exitController: Address;
  readonly members: readonly Address[];
  readonly threshold: bigint;
  /** The latest block's timestamp (unix seconds). */
  readonly now: bigint;
  /**
   * Ignored. `TriggerExit` has no stored nonce (exit mode is final, so its signatures cannot be replayed):
   * `ExitController.nonceUsed` is the bitmap of veto, schedule and cancel, and says nothing about an exit payload.
   * @deprecated kept so existing snapshots still type-check; always false from {@link readCouncilSnapshot}.
   */
  readonly nonceUsed?: boolean;
  /** Members that are contracts (ERC-1271): their signatures are checked by this callback. */
  isValidContractSignature?(member: Address, digest: Hex, signature: Hex): Promise<boolean>;
  readonly contractMembers?: ReadonlySet<string>;
}

export interface SignatureProblem {
  readonly source: string;
  readonly signer: Address;
  readonly reason: string;
}

export interface SignatureCheck {
  /** Valid signatures, sorted by ascending signer, ready for `triggerExit`. */
  readonly valid: readonly { signer: Address; signature: Hex }[];
  readonly problems: readonly SignatureProblem[];
  /** Council members who have not (validly) signed. */
  readonly missing: readonly Address[];
  readonly threshold: bigint;
  readonly enough: boolean;
}

function isHighS(signature: string): boolean {
  try {
    const s = BigInt(EthSignature.from(signature).s);
    return s > 0x7fffffffffffffffffffffffffffffff5d576e7357a4501ddfe92f46681b20a0n;
  } catch {
    return false;
  }
}

/**
 * Checks signature files against the council, offline for EOA members. Reports who signed and who is
 * missing; expired, duplicate, wrong-chain, wrong-payload and non-member signatures each get a reason.
 */
export async function checkExitSignatures(
  payload: TriggerExitPayload,
  files: readonly { source: string; file: ExitSignatureFile }[],
  council: CouncilSnapshot,
): Promise<SignatureCheck> {
  return guard(async () => {
    const problems: SignatureProblem[] = [];
    const members = new Map(council.members.map((m) => [getAddress(m) as Address, m]));
    const seen = new Map<string, string>();
    const valid: { signer: Address; signature: Hex }[] = [];
    const digest = triggerExitDigest(payload);
    if (payload.chainId !== council.chainId) {
      throw new SdkInputError("payload.chainId", `the payload is for chain ${payload.chainId} but the network is chain ${council.chainId}`);
    }
    if (getAddress(payload.verifyingContract) !== getAddress(council.exitController)) {
      throw new SdkInputError("payload.verifyingContract", `the payload names ${payload.verifyingContract} but this network's ExitController is ${council.exitController}`);
    }
    if (payload.deadline < council.now) {
      throw new SdkInputError("payload.deadline", `the payload expired at ${new Date(Number(payload.deadline) * 1000).toISOString()}; build a new payload and collect signatures again`);
    }
    for (const { source, file } of files) {
      const p = file.payload;
      const bad = (reason: string) => problems.push({ source, signer: file.signer, reason });
      if (p.chainId !== payload.chainId) {
        bad(`wrong chain: signed for chain ${p.chainId}, this payload is for chain ${payload.chainId}`);
        continue;
      }
      if (p.deadline < council.now) {
        bad(`expired: its deadline ${new Date(Number(p.deadline) * 1000).toISOString()} has passed`);
        continue;
      }
      if (triggerExitDigest(p) !== digest) {
        bad("signed a different payload (reason, nonce, deadline or contract differ)");
        continue;
      }
      if (!members.has(file.signer)) {
        bad("not a council member");
        continue;
      }
      if (seen.has(file.signer)) {
        bad(`duplicate: this member already signed in ${seen.get(file.signer)}`);
        continue;
      }
      let ok = false;
      if (council.contractMembers?.has(file.signer) === true) {
        ok = council.isValidContractSignature !== undefined && (await council.isValidContractSignature(file.signer, digest, file.signature));
        if (!ok) {
          bad("the member contract (ERC-1271) rejects this signature");
          continue;
        }
      } else {
        if (isHighS(file.signature)) {
          bad("malleable (high-s) signature; sign again");
          continue;
        }
        try {
          const t = triggerExitTypedData(p);
          ok = getAddress(verifyTypedData(t.domain, t.types, t.message, file.signature)) === file.signer;
        } catch {
          ok = false;
        }
        if (!ok) {
          bad("the signature does not verify for its signer");
          continue;
        }
      }
      seen.set(file.signer, source);
      valid.push({ signer: file.signer, signature: hexlify(file.signature) as Hex });
    }
    valid.sort((a, b) => (BigInt(a.signer) < BigInt(b.signer) ? -1 : 1));
    const missing = [...members.keys()].filter((m) => !seen.has(m));
    return { valid, problems, missing, threshold: council.threshold, enough: BigInt(valid.length) >= council.threshold };
  });
}

/**
 * Reads the council snapshot from chain for {@link checkExitSignatures}. It does not read `nonceUsed`: TriggerExit
 * never consults that bitmap, so a set bit there must not refuse an exit payload.
 * @param exitController the ExitController client
 * @param provider the provider to read code, time and chain id from
 * @param _nonce unused (TriggerExit has no stored nonce); kept for the pre-v1 signature
 */
export async function readCouncilSnapshot(
  exitController: {
    getAddress(): Promise<string>;
    council(): Promise<[string[], bigint, bigint] & { members: string[]; threshold: bigint }>;
  },
  provider: Provider,
  _nonce?: bigint | string,
): Promise<CouncilSnapshot> {
  return guard(async () => {
    const [address, council, network, block] = await Promise.all([exitController.getAddress(), exitController.council(), provider.getNetwork(), provider.getBlock("latest")]);
    const members = council[0].map((m) => getAddress(m) as Address);
    const codes = await Promise.all(members.map((m) => provider.getCode(m)));
    const contractMembers = new Set(members.filter((_, i) => codes[i] !== "0x"));
    return {
      chainId: network.chainId,
      exitController: getAddress(address) as Address,
      members,
      threshold: council[1],
      now: BigInt(block?.timestamp ?? Math.floor(Date.now() / 1000)),
      nonceUsed: false,
      contractMembers,
      async isValidContractSignature(member, digest, signature) {
        return isValidErc1271(provider, member, digest, signature);
      },
    };
  });
}

/**
 * Asks an ERC-1271 contract whether it accepts `signature` over `digest`.
 * @returns true when it answers the magic value; false when it refuses or reverts
 */
export async function isValidErc1271(provider: Provider, member: string, digest: string, signature: string): Promise<boolean> {
  try {
    const ret = await provider.call({ to: member, data: ERC1271.encodeFunctionData("isValidSignature", [digest, signature]) });
    return ret.slice(0, 10) === "0x1626ba7e";
  } catch {
    return false;
  }
}
