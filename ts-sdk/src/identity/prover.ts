/**
 * The identity prover (snarkjs Groth16) and the off-chain verifier. Works in Node and in a browser bundle:
 * nothing is read at import time; snarkjs is loaded on first use; artifacts are passed as bytes or a URL
 * (in Node a plain path also works).
 */
import { SdkInputError, check } from "../errors.js";
import { formatDateInt, isValidDateInt, SNARK_FIELD, toField, type DateInt } from "./field.js";
import { credentialHash, membershipRoot, verifySignature, type Credential, type MembershipProof } from "./issuer.js";
import type { Identity } from "./identity.js";
import { checkMode, packPolicy, unpackPolicy, SCOPE_LIMIT, type CredentialMode, type IdentityPolicy } from "./policy.js";

/** Tree depth of the shipped circuit builds (identity_membership_20, identity_20). */
export const CIRCUIT_DEPTH = 20;

/** A circuit artifact: its bytes, or where to fetch it (URL; in Node also a file path). */
export type Artifact = Uint8Array | string | URL;

/** One circuit build's wasm (witness generator) and final zkey. */
export interface CircuitArtifacts {
  readonly wasm: Artifact;
  readonly zkey: Artifact;
  /** Tree depth of the build (default {@link CIRCUIT_DEPTH}). */
  readonly depth?: number;
  /** The mode the build proves; when set, a credential of the other mode is refused before proving. */
  readonly mode?: CredentialMode;
}

/** A build per mode: the prover takes the one of the credential's mode. */
export interface ArtifactsByMode {
  readonly membership?: CircuitArtifacts;
  readonly signature?: CircuitArtifacts;
}

/** What {@link proveIdentity} proves with: one build (for the credential's mode), or one per mode. */
export type ProverArtifacts = CircuitArtifacts | ArtifactsByMode;

/** The build of `mode` among `artifacts`; throws an SdkInputError if there is none. */
export function artifactsFor(artifacts: ProverArtifacts, mode: CredentialMode): CircuitArtifacts {
  if ("wasm" in artifacts) {
    check(artifacts.mode === undefined || artifacts.mode === mode, "artifacts", `are the ${artifacts.mode ?? ""} circuit's, but the credential is in ${mode} mode`);
    return artifacts;
  }
  const a = artifacts[mode];
  check(a !== undefined, "artifacts", `have no ${mode}-mode circuit build, which the credential's mode needs`);
  return a;
}

/** A Groth16 proof as snarkjs produces it. */
export interface Groth16Proof {
  readonly pi_a: readonly string[];
  readonly pi_b: readonly (readonly string[])[];
  readonly pi_c: readonly string[];
  readonly protocol: string;
  readonly curve: string;
}

/**
 * The circuit's public signals, decoded. snarkjs order: membership mode [root, nullifier, message, policy],
 * signature mode [root, nullifier, message, policy, issuerAx]; the policy word's bit 224 tells the mode.
 */
export interface IdentityPublicSignals {
  readonly root: bigint;
  readonly nullifier: bigint;
  readonly message: bigint;
  readonly policy: bigint;
  readonly mode: CredentialMode;
  /** Signature mode: the issuer key x the proof is bound to. Membership mode: undefined (the root authenticates). */
  readonly issuerAx: bigint | undefined;
}

/**
 * The public signals in one order for both modes: [root, nullifier, issuerAx, message, policy] (what
 * `MerkleCampaigns.claimAnonymous` takes; ZkIdentityVerifier takes `identityProofStruct`'s struct, built from
 * them). In membership mode `issuerAx` only names the issuer whose published roots the root must be among; the proof
 * does not bind it (the contract leaves it out of the Groth16 inputs).
 */
export type VerifierSignals = [bigint, bigint, bigint, bigint, bigint];

/** What {@link proveIdentity} returns. */
export interface IdentityProof {
  readonly proof: Groth16Proof;
  /** snarkjs form: decimal strings, in the order of {@link IdentityPublicSignals}. */
  readonly publicSignals: readonly string[];
  readonly signals: IdentityPublicSignals;
  /** Groth16 points and the signals in {@link VerifierSignals} order (the contracts take `identityProofStruct` in onchain.ts). */
  readonly calldata: { readonly proof: bigint[]; readonly publicSignals: VerifierSignals };
  /** Milliseconds spent in witness generation and in proving. */
  readonly timings: { readonly witnessMs: number; readonly proveMs: number };
}

/** Everything the prover needs. */
export interface ProveRequest {
  readonly identity: Identity;
  readonly credential: Credential;
  readonly membership: MembershipProof;
  readonly policy: IdentityPolicy;
  /** The consumer's scope (< 2^120). */
  readonly scope: bigint;
  /** The bound message, e.g. {@link messageForAddress}(recipient). */
  readonly message: bigint;
  /** The proof's date, YYYYMMDD (default: today, UTC). */
  readonly currentDate?: DateInt;
}

/** The message binding a proof to an Ethereum address (what OnePersonBenefit uses). */
export function messageForAddress(address: string): bigint {
  check(/^0x[0-9a-fA-F]{40}$/.test(address), "recipient", "must be a 0x-prefixed 20-byte address");
  return BigInt(address);
}

/** Today's date (UTC) as YYYYMMDD. */
export function todayDateInt(now: Date = new Date()): DateInt {
  return now.getUTCFullYear() * 10000 + (now.getUTCMonth() + 1) * 100 + now.getUTCDate();
}

/**
 * Checks the request and builds the circuit input of the credential's mode, failing fast with a clear SdkInputError
 * (expired credential, under age, wrong region, leaf not in tree, bad signature...) before any proving time is spent.
 */
export function buildWitnessInput(req: ProveRequest, depth = CIRCUIT_DEPTH): Record<string, string | string[]> {
  const { identity, credential: c, membership: m, policy } = req;
  checkMode(c.mode, "credential.mode");
  const date = req.currentDate ?? todayDateInt();
  check(isValidDateInt(date), "currentDate", `${date} is not a valid YYYYMMDD date`);
  check(req.scope >= 0n && req.scope < SCOPE_LIMIT, "scope", "must be below 2^120");
  toField(req.message, "message");
  check(c.commitment === identity.commitment, "credential", "was issued to another identity (commitment differs)");
  check(date < c.expiry, "credential", `credential expired on ${formatDateInt(c.expiry)} (proof date ${formatDateInt(date)})`);
  check(
    c.birthDate + policy.minAge * 10000 <= date,
    "policy.minAge",
    `the holder is not yet ${policy.minAge} on ${formatDateInt(date)} (birth date ${formatDateInt(c.birthDate)})`,
  );
  check(policy.regions.includes(c.region), "policy.regions", `the credential's region ${c.region} is not in the allowed set [${policy.regions.join(", ")}]`);
  const leaf = credentialHash(c);
  if (c.mode === "signature") check(verifySignature(leaf, c.signature, c.issuer), "credential.signature", "does not verify under the issuer's key");
  check(m.leaf === leaf, "membership", "leaf not in tree: the membership proof is for another leaf");
  check(membershipRoot(m) === m.root, "membership", "leaf not in tree: the siblings do not lead to the root");
  check(m.siblings.length <= depth, "membership", `tree depth ${m.siblings.length} exceeds the circuit's ${depth}`);
  const policyWord = packPolicy(policy, req.scope, date, c.mode);
  const siblings = [...m.siblings, ...Array<bigint>(depth - m.siblings.length).fill(0n)];
  const input: Record<string, string | string[]> = {
    secret: identity.secret.toString(),
    birthDate: String(c.birthDate),
    region: String(c.region),
    expiry: String(c.expiry),
    treeDepth: String(m.siblings.length),
    leafIndex: String(m.index),
    siblings: siblings.map(String),
    message: req.message.toString(),
    policy: policyWord.toString(),
  };
  if (c.mode === "membership") return input;
  return {
    ...input,
    issuerAx: c.issuer.x.toString(),
    issuerAy: c.issuer.y.toString(),
    sigS: c.signature.S.toString(),
    sigR8x: c.signature.R8x.toString(),
    sigR8y: c.signature.R8y.toString(),
  };
}

interface SnarkjsLike {
  wtns: { calculate(input: unknown, wasm: unknown, out: unknown, options?: { memorySize?: number }): Promise<void> };
  groth16: {
    prove(zkey: unknown, wtns: unknown): Promise<{ proof: Groth16Proof; publicSignals: string[] }>;
    verify(vkey: unknown, publicSignals: readonly string[], proof: Groth16Proof): Promise<boolean>;
  };
}

let snarkjsPromise: Promise<SnarkjsLike> | undefined;
function loadSnarkjs(): Promise<SnarkjsLike> {
  snarkjsPromise ??= import("snarkjs").then((m) => m as unknown as SnarkjsLike);
  return snarkjsPromise;
}

async function artifactSource(a: Artifact, field: string): Promise<Uint8Array | string> {
  if (a instanceof Uint8Array) return a;
  const s = a instanceof URL ? a.href : a;
  if (/^(https?|blob|data):/i.test(s)) {
    const res = await fetch(s);
    if (!res.ok) throw new SdkInputError(field, `cannot fetch ${s}: HTTP ${res.status}`);
    return new Uint8Array(await res.arrayBuffer());
  }
  if (s.startsWith("file:")) return decodeURIComponent(new URL(s).pathname);
  check(s.length > 0, field, "must be bytes, a URL or a path");
  return s; // a path: snarkjs reads it (Node only)
}

const mem = (v: Uint8Array | string): unknown => (typeof v === "string" ? v : { type: "mem", data: v });

/**
 * Initial wasm memory of a witness computation, in 64 KiB pages. circom_runtime reserves 32,767 pages (2 GiB) by
 * default, on every proof; the circuits' witness generators grow their memory as they need it (every build computes
 * the same witness from 1 page up), so a small start saves the reservation: about 45% of the witness CPU time of a
 * membership-mode proof (median 143 → 79 ms), and no 2 GiB request on a phone.
 */
const WITNESS_MEMORY_PAGES = 64;

/**
 * Proves a request with the circuit of its credential's mode. Throws SdkInputError (before proving) when the request
 * cannot succeed.
 */
export async function proveIdentity(req: ProveRequest, artifacts: ProverArtifacts): Promise<IdentityProof> {
  checkMode(req.credential.mode, "credential.mode");
  const build = artifactsFor(artifacts, req.credential.mode);
  const input = buildWitnessInput(req, build.depth ?? CIRCUIT_DEPTH);
  const [snarkjs, wasm, zkey] = await Promise.all([loadSnarkjs(), artifactSource(build.wasm, "artifacts.wasm"), artifactSource(build.zkey, "artifacts.zkey")]);
  const t0 = performance.now();
  const wtns = { type: "mem" as const };
  await snarkjs.wtns.calculate(input, mem(wasm), wtns, { memorySize: WITNESS_MEMORY_PAGES });
  const t1 = performance.now();
  const { proof, publicSignals } = await snarkjs.groth16.prove(mem(zkey), wtns);
  const t2 = performance.now();
  const calldata = toCalldata(proof, publicSignals, req.credential.issuer.x);
  return { proof, publicSignals, signals: decodeSignals(publicSignals), calldata, timings: { witnessMs: t1 - t0, proveMs: t2 - t1 } };
}

/** Decodes snarkjs public signals of either mode (4 signals: membership, 5: signature; the policy word must agree). */
export function decodeSignals(ps: readonly string[]): IdentityPublicSignals {
  check(ps.length === 4 || ps.length === 5, "publicSignals", `expected 4 (membership mode) or 5 (signature mode) signals, got ${ps.length}`);
  const [root, nullifier, message, policy, issuerAx] = ps.map((s, i) => toField(s, `publicSignals[${i}]`)) as [bigint, bigint, bigint, bigint, bigint | undefined];
  const { mode } = unpackPolicy(policy);
  check((mode === "signature") === (ps.length === 5), "publicSignals", `the policy word says ${mode} mode but there are ${ps.length} signals`);
  return { root, nullifier, message, policy, mode, issuerAx };
}

/**
 * The Solidity arguments: proof [a0, a1, b00, b01, b10, b11, c0, c1] with b's coordinates in EVM order, and the
 * {@link VerifierSignals}. `issuerAx` names the issuer in membership mode (the credential's `issuer.x`); in signature
 * mode the proof's own issuerAx is used and a different `issuerAx` is refused.
 */
export function toCalldata(proof: Groth16Proof, ps: readonly string[], issuerAx?: bigint): { proof: bigint[]; publicSignals: VerifierSignals } {
  const b = proof.pi_b;
  const v = [proof.pi_a[0], proof.pi_a[1], b[0]?.[1], b[0]?.[0], b[1]?.[1], b[1]?.[0], proof.pi_c[0], proof.pi_c[1]];
  const s = decodeSignals(ps);
  if (s.issuerAx !== undefined) check(issuerAx === undefined || issuerAx === s.issuerAx, "issuerAx", "differs from the key the signature-mode proof is bound to");
  const ax = s.issuerAx ?? issuerAx;
  check(ax !== undefined, "issuerAx", "is needed for a membership-mode proof: pass the credential's issuer.x (it names the issuer on-chain)");
  return { proof: v.map((x, i) => toField(x ?? "", `proof[${i}]`)), publicSignals: [s.root, s.nullifier, toField(ax, "issuerAx"), s.message, s.policy] };
}

/** What an off-chain verifier demands besides a valid proof (each field optional). */
export interface OffchainExpectations {
  readonly policy?: IdentityPolicy;
  readonly scope?: bigint;
  readonly message?: bigint;
  readonly currentDate?: DateInt;
  /** Roots the verifier accepts (e.g. an issuer's recent roots). */
  readonly roots?: readonly bigint[];
  /** The issuer key x the verifier accepts: signature-mode proofs only (a membership-mode proof is refused). */
  readonly issuerAx?: bigint;
  /** The modes the verifier accepts (default both). */
  readonly modes?: readonly CredentialMode[];
}

/** The outcome of {@link verifyIdentityProof}. */
export interface OffchainVerdict {
  readonly valid: boolean;
  /** Why not, if not valid. */
  readonly reason?: string;
  readonly signals: IdentityPublicSignals;
}

/** Verifies a proof off-chain against the verification key of its mode's circuit and the verifier's expectations. */
export async function verifyIdentityProof(
  vkey: object,
  proof: Groth16Proof,
  publicSignals: readonly string[],
  expect: OffchainExpectations = {},
): Promise<OffchainVerdict> {
  const signals = decodeSignals(publicSignals);
  const fail = (reason: string): OffchainVerdict => ({ valid: false, reason, signals });
  if (expect.message !== undefined && signals.message !== expect.message) return fail("bound to another message");
  if (expect.modes !== undefined && !expect.modes.includes(signals.mode)) return fail(`a ${signals.mode}-mode proof, and the verifier accepts ${expect.modes.join(", ")}`);
  if (expect.issuerAx !== undefined && signals.issuerAx !== expect.issuerAx) {
    return fail(signals.issuerAx === undefined ? "a membership-mode proof binds no issuer key (check its root instead)" : "signed by another issuer key");
  }
  if (expect.roots !== undefined && !expect.roots.includes(signals.root)) return fail("unknown or stale registry root");
  if (expect.policy !== undefined && expect.scope !== undefined) {
    const date = expect.currentDate ?? unpackPolicy(signals.policy).currentDate;
    if (packPolicy(expect.policy, expect.scope, date, signals.mode) !== signals.policy) return fail("made for another policy, scope or date");
  }
  const nPublic = (vkey as { nPublic?: unknown }).nPublic;
  if (typeof nPublic === "number" && nPublic !== publicSignals.length) return fail(`the verification key is for a circuit with ${nPublic} public signals (the other mode's)`);
  const snarkjs = await loadSnarkjs();
  if (!(await snarkjs.groth16.verify(vkey, publicSignals, proof))) return fail("the Groth16 proof does not verify");
  return { valid: true, signals };
}

export { SNARK_FIELD };

/**
 * Stops snarkjs's worker threads (Node keeps running while they live). Call once when done proving and
 * verifying, e.g. at the end of a script or test run; the next proof starts them again.
 */
export async function releaseProver(): Promise<void> {
  const g = globalThis as { curve_bn128?: { terminate(): Promise<void> } | null };
  const curve = g.curve_bn128;
  if (curve !== undefined && curve !== null) await curve.terminate();
}
