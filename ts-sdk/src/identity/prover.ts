/**
 * The identity prover (snarkjs Groth16) and the off-chain verifier. Works in Node and in a browser bundle:
 * nothing is read at import time; snarkjs is loaded on first use; artifacts are passed as bytes or a URL
 * (in Node a plain path also works).
 */
import { SdkInputError, check } from "../errors.js";
import { formatDateInt, isValidDateInt, SNARK_FIELD, toField, type DateInt } from "./field.js";
import { credentialHash, membershipRoot, verifySignature, type Credential, type MembershipProof } from "./issuer.js";
import type { Identity } from "./identity.js";
import { packPolicy, unpackPolicy, SCOPE_LIMIT, type IdentityPolicy } from "./policy.js";

/** Tree depth of the shipped circuit build (identity_20). */
export const CIRCUIT_DEPTH = 20;

/** A circuit artifact: its bytes, or where to fetch it (URL; in Node also a file path). */
export type Artifact = Uint8Array | string | URL;

/** The circuit's wasm (witness generator) and final zkey. */
export interface ProverArtifacts {
  readonly wasm: Artifact;
  readonly zkey: Artifact;
  /** Tree depth of the build (default {@link CIRCUIT_DEPTH}). */
  readonly depth?: number;
}

/** A Groth16 proof as snarkjs produces it. */
export interface Groth16Proof {
  readonly pi_a: readonly string[];
  readonly pi_b: readonly (readonly string[])[];
  readonly pi_c: readonly string[];
  readonly protocol: string;
  readonly curve: string;
}

/** The circuit's public signals, decoded. */
export interface IdentityPublicSignals {
  readonly root: bigint;
  readonly nullifier: bigint;
  readonly issuerAx: bigint;
  readonly message: bigint;
  readonly policy: bigint;
}

/** What {@link proveIdentity} returns. */
export interface IdentityProof {
  readonly proof: Groth16Proof;
  /** snarkjs form: decimal strings [root, nullifier, issuerAx, message, policy]. */
  readonly publicSignals: readonly string[];
  readonly signals: IdentityPublicSignals;
  /** The Groth16 points and raw signals (for the contracts, see {@link identityProofStruct} in onchain.ts). */
  readonly calldata: { readonly proof: bigint[]; readonly publicSignals: [bigint, bigint, bigint, bigint, bigint] };
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
 * Checks the request and builds the circuit input, failing fast with a clear SdkInputError (expired
 * credential, under age, wrong region, leaf not in tree, bad signature...) before any proving time is spent.
 */
export function buildWitnessInput(req: ProveRequest, depth = CIRCUIT_DEPTH): Record<string, string | string[]> {
  const { identity, credential: c, membership: m, policy } = req;
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
  check(verifySignature(leaf, c.signature, c.issuer), "credential.signature", "does not verify under the issuer's key");
  check(m.leaf === leaf, "membership", "leaf not in tree: the membership proof is for another leaf");
  check(membershipRoot(m) === m.root, "membership", "leaf not in tree: the siblings do not lead to the root");
  check(m.siblings.length <= depth, "membership", `tree depth ${m.siblings.length} exceeds the circuit's ${depth}`);
  const policyWord = packPolicy(policy, req.scope, date);
  const siblings = [...m.siblings, ...Array<bigint>(depth - m.siblings.length).fill(0n)];
  return {
    secret: identity.secret.toString(),
    birthDate: String(c.birthDate),
    region: String(c.region),
    expiry: String(c.expiry),
    issuerAy: c.issuer.y.toString(),
    sigS: c.signature.S.toString(),
    sigR8x: c.signature.R8x.toString(),
    sigR8y: c.signature.R8y.toString(),
    treeDepth: String(m.siblings.length),
    leafIndex: String(m.index),
    siblings: siblings.map(String),
    issuerAx: c.issuer.x.toString(),
    message: req.message.toString(),
    policy: policyWord.toString(),
  };
}

interface SnarkjsLike {
  wtns: { calculate(input: unknown, wasm: unknown, out: unknown): Promise<void> };
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

/** Proves a request. Throws SdkInputError (before proving) when the request cannot succeed. */
export async function proveIdentity(req: ProveRequest, artifacts: ProverArtifacts): Promise<IdentityProof> {
  const input = buildWitnessInput(req, artifacts.depth ?? CIRCUIT_DEPTH);
  const [snarkjs, wasm, zkey] = await Promise.all([loadSnarkjs(), artifactSource(artifacts.wasm, "artifacts.wasm"), artifactSource(artifacts.zkey, "artifacts.zkey")]);
  const t0 = performance.now();
  const wtns = { type: "mem" as const };
  await snarkjs.wtns.calculate(input, mem(wasm), wtns);
  const t1 = performance.now();
  const { proof, publicSignals } = await snarkjs.groth16.prove(mem(zkey), wtns);
  const t2 = performance.now();
  return { proof, publicSignals, signals: decodeSignals(publicSignals), calldata: toCalldata(proof, publicSignals), timings: { witnessMs: t1 - t0, proveMs: t2 - t1 } };
}

/** Decodes snarkjs public signals. */
export function decodeSignals(ps: readonly string[]): IdentityPublicSignals {
  check(ps.length === 5, "publicSignals", `expected 5 signals, got ${ps.length}`);
  const [root, nullifier, issuerAx, message, policy] = ps.map((s, i) => toField(s, `publicSignals[${i}]`)) as [bigint, bigint, bigint, bigint, bigint];
  return { root, nullifier, issuerAx, message, policy };
}

/** The Solidity arguments: proof [a0, a1, b00, b01, b10, b11, c0, c1] with b's coordinates in EVM order. */
export function toCalldata(proof: Groth16Proof, ps: readonly string[]): { proof: bigint[]; publicSignals: [bigint, bigint, bigint, bigint, bigint] } {
  const b = proof.pi_b;
  const v = [proof.pi_a[0], proof.pi_a[1], b[0]?.[1], b[0]?.[0], b[1]?.[1], b[1]?.[0], proof.pi_c[0], proof.pi_c[1]];
  const s = decodeSignals(ps);
  return { proof: v.map((x, i) => toField(x ?? "", `proof[${i}]`)), publicSignals: [s.root, s.nullifier, s.issuerAx, s.message, s.policy] };
}

/** What an off-chain verifier demands besides a valid proof (each field optional). */
export interface OffchainExpectations {
  readonly policy?: IdentityPolicy;
  readonly scope?: bigint;
  readonly message?: bigint;
  readonly currentDate?: DateInt;
  /** Roots the verifier accepts (e.g. an issuer's recent roots). */
  readonly roots?: readonly bigint[];
  /** The issuer key x the verifier accepts. */
  readonly issuerAx?: bigint;
}

/** The outcome of {@link verifyIdentityProof}. */
export interface OffchainVerdict {
  readonly valid: boolean;
  /** Why not, if not valid. */
  readonly reason?: string;
  readonly signals: IdentityPublicSignals;
}

/** Verifies a proof off-chain against the verification key and the verifier's expectations. */
export async function verifyIdentityProof(
  vkey: object,
  proof: Groth16Proof,
  publicSignals: readonly string[],
  expect: OffchainExpectations = {},
): Promise<OffchainVerdict> {
  const signals = decodeSignals(publicSignals);
  const fail = (reason: string): OffchainVerdict => ({ valid: false, reason, signals });
  if (expect.message !== undefined && signals.message !== expect.message) return fail("bound to another message");
  if (expect.issuerAx !== undefined && signals.issuerAx !== expect.issuerAx) return fail("signed by another issuer key");
  if (expect.roots !== undefined && !expect.roots.includes(signals.root)) return fail("unknown or stale registry root");
  if (expect.policy !== undefined && expect.scope !== undefined) {
    const date = expect.currentDate ?? unpackPolicy(signals.policy).currentDate;
    if (packPolicy(expect.policy, expect.scope, date) !== signals.policy) return fail("made for another policy, scope or date");
  }
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
