/**
 * The identity circuit, rule by rule, with the committed artifacts: a valid witness and real proof, then
 * each rule broken so that the witness (hence any proof) fails. Plus the SDK's fail-fast checks.
 */
import { expect } from "chai";
import * as snarkjs from "snarkjs";
import { identity as id, SdkInputError } from "@sovereign-stack/sdk";

import { POLICY, request, readVkey, SCOPE, TODAY, WASM, ZKEY, world, type World } from "./fixture.ts";

type Input = Record<string, string | string[]>;

async function witness(input: Input): Promise<bigint[]> {
  const w = { type: "mem" as const };
  await snarkjs.wtns.calculate(input, WASM, w as unknown as string);
  return (await snarkjs.wtns.exportJson(w as unknown as string)) as unknown as bigint[];
}

/** EdDSA-Poseidon as the circuit checks it (S·B8 = R8 + 8·h·A), with an explicit secret and public key. */
const SUB_ORDER = 2736030358979909402780800718157159386076813972158567259200215660948447373041n; // Baby Jubjub
function signWithKey(secret: bigint, key: id.PublicKey, message: bigint): id.Signature {
  const r = 0x1234567n;
  const { x: R8x, y: R8y } = id.IssuerKey.fromSecret(r).publicKey; // r·B8
  const h = id.poseidon.h5([R8x, R8y, key.x, key.y, message]);
  return { R8x, R8y, S: (r + ((8n * h) % SUB_ORDER) * secret) % SUB_ORDER };
}

async function expectWitnessFails(input: Input): Promise<void> {
  let failed = false;
  // circom's witness calculator prints the failed template to console.error before throwing: keep it out of
  // the test output, but check it named a template.
  const printed: string[] = [];
  const consoleError = console.error;
  console.error = (...args: unknown[]) => void printed.push(args.map(String).join(" "));
  try {
    await witness(input);
  } catch (e) {
    failed = /Assert Failed|Error in template/i.test((e as Error).message);
    if (!failed) throw e;
  } finally {
    console.error = consoleError;
  }
  expect(failed, "the witness must fail").to.equal(true);
  expect(printed.join("\n"), "circom names the failed template").to.match(/Error in template/);
}

describe("identity circuit (depth 20)", function () {
  this.timeout(120_000);
  let w: World;
  let valid: Input;

  after(() => id.releaseProver());
  before(() => {
    w = world();
    valid = id.buildWitnessInput(request(w));
  });

  it("computes root and nullifier for a valid credential (LeanIMT-compatible)", async () => {
    const out = await witness(valid);
    expect(out[1]).to.equal(w.issuer.root);
    expect(out[2]).to.equal(w.alice.nullifier(SCOPE));
  });

  it("produces a real proof that verifies off-chain, and binds message and policy", async () => {
    const p = await id.proveIdentity(request(w), { wasm: WASM, zkey: ZKEY });
    const vkey = await readVkey();
    const ok = await id.verifyIdentityProof(vkey, p.proof, p.publicSignals, { policy: POLICY, scope: SCOPE, message: 0x1234n, roots: [w.issuer.root] });
    expect(ok.valid, ok.reason).to.equal(true);
    expect(p.signals.nullifier).to.equal(w.alice.nullifier(SCOPE));
    // front-running: the same proof for another recipient does not verify
    const moved = [...p.publicSignals];
    moved[3] = "999";
    expect((await id.verifyIdentityProof(vkey, p.proof, moved)).valid).to.equal(false);
    // a looser policy (minAge 0) cannot be substituted either
    const loose = [...p.publicSignals];
    loose[4] = id.packPolicy({ ...POLICY, minAge: 0 }, SCOPE, TODAY).toString();
    expect((await id.verifyIdentityProof(vkey, p.proof, loose)).valid).to.equal(false);
    // another scope, another nullifier
    const other = [...p.publicSignals];
    other[1] = w.alice.nullifier(SCOPE + 1n).toString();
    expect((await id.verifyIdentityProof(vkey, p.proof, other)).valid).to.equal(false);
  });

  it("the nullifier depends on scope and secret only", () => {
    expect(w.alice.nullifier(1n)).to.not.equal(w.alice.nullifier(2n));
    expect(w.alice.nullifier(1n)).to.not.equal(w.bob.nullifier(1n));
    expect(id.Identity.restore(w.alice.backup()).nullifier(1n)).to.equal(w.alice.nullifier(1n));
  });

  describe("each rule, broken, fails the witness", () => {
    it("identity: another secret", async () => expectWitnessFails({ ...valid, secret: "12345" }));
    it("credential: a forged signature", async () => expectWitnessFails({ ...valid, sigS: (BigInt(valid.sigS as string) + 1n).toString() }));
    it("credential: altered birth date (signature no longer matches)", async () => expectWitnessFails({ ...valid, birthDate: "19800101" }));
    it("credential: altered region", async () => expectWitnessFails({ ...valid, region: "11" }));
    it("credential: another issuer key", async () => {
      const k = id.IssuerKey.fromSecret(99n).publicKey;
      await expectWitnessFails({ ...valid, issuerAx: k.x.toString(), issuerAy: k.y.toString() });
    });
    it("credential: the twin key (Ax, -Ay) with the issuer's signature", async () => {
      // The only other Baby Jubjub point with x = Ax is (Ax, -Ay) = -A + (0, -1); the proof shows only Ax, so the
      // private Ay may be either. The issuer's signature must not verify under the twin (h hashes Ay; 8·A' = -8·A).
      const k = w.issuer.key.publicKey;
      expect(k.x.toString()).to.equal(valid.issuerAx);
      await expectWitnessFails({ ...valid, issuerAy: (id.SNARK_FIELD - k.y).toString() });
    });
    it("credential: the twin key (Ax, -Ay) with a signature only the issuer's secret can make", async () => {
      // -A + T signs with -secret: only the holder of the issuer's secret can produce credentials under the twin,
      // so sharing Ax gives nobody else a way in (the registry reserves Ax to one issuer; see IdentityContracts.t.sol).
      const k = w.issuer.key.publicKey;
      const twin = { x: k.x, y: id.SNARK_FIELD - k.y };
      const cred = w.aliceCred;
      const leaf = id.credentialHash(cred);
      const sig = signWithKey(SUB_ORDER - w.issuer.key.secret, twin, leaf);
      expect(id.verifySignature(leaf, sig, twin)).to.equal(true);
      const out = await witness({ ...valid, issuerAy: twin.y.toString(), sigS: sig.S.toString(), sigR8x: sig.R8x.toString(), sigR8y: sig.R8y.toString() });
      expect(out[3]).to.equal(k.x); // same public issuerAx: indistinguishable on-chain, hence Ax is reserved to one issuer
    });
    it("age: minAge above the holder's age", async () =>
      expectWitnessFails({ ...valid, policy: id.packPolicy({ ...POLICY, minAge: 31 }, SCOPE, TODAY).toString() }));
    it("age: the day before the 18th birthday fails, the day itself passes", async () => {
      const teen = id.Identity.fromSecret(0x7ee0n);
      const cred = w.issuer.enrol(teen.commitment, { birthDate: 20080116, region: 7, expiry: 20300101 });
      const r = request(w, { identity: teen, credential: cred, membership: w.issuer.membershipProof(cred), currentDate: 20260116 });
      await witness(id.buildWitnessInput(r));
      const input = id.buildWitnessInput(r);
      await expectWitnessFails({ ...input, policy: id.packPolicy(POLICY, SCOPE, 20260115).toString() });
    });
    it("residency: region not in the allowed set", async () =>
      expectWitnessFails({ ...valid, policy: id.packPolicy({ ...POLICY, regions: [3, 11] }, SCOPE, TODAY).toString() }));
    it("expiry: currentDate on or after expiry", async () =>
      expectWitnessFails({ ...valid, policy: id.packPolicy(POLICY, SCOPE, 20300101).toString() }));
    it("policy: a word above 2^224 (ambiguous decoding)", async () =>
      expectWitnessFails({ ...valid, policy: (BigInt(valid.policy as string) + (1n << 230n)).toString() }));
    it("membership: a wrong sibling gives a root the registry never published", async () => {
      const s = [...(valid.siblings as string[])];
      s[0] = "5";
      const out = await witness({ ...valid, siblings: s });
      expect(out[1]).to.not.equal(w.issuer.root);
    });
    it("membership: a depth above the maximum gives root 0 (never accepted)", async () => {
      const out = await witness({ ...valid, treeDepth: "21" });
      expect(out[1]).to.equal(0n);
    });
  });

  describe("SDK fails fast with clear errors", () => {
    const err = (f: () => unknown): SdkInputError => {
      try {
        f();
      } catch (e) {
        if (e instanceof SdkInputError) return e;
        throw e;
      }
      throw new Error("expected an SdkInputError");
    };
    it("expired credential", () => {
      expect(err(() => id.buildWitnessInput(request(w, { currentDate: 20300102 }))).message).to.match(/credential expired on 2030-01-01/);
    });
    it("leaf not in tree (revoked)", () => {
      const issuer = new id.Issuer(w.issuer.key, w.issuer.leaves);
      issuer.revoke(w.aliceCred);
      expect(err(() => issuer.membershipProof(w.aliceCred)).message).to.match(/leaf not in tree/);
      const stale = { ...w.issuer.membershipProof(w.aliceCred), siblings: [5n] };
      expect(err(() => id.buildWitnessInput(request(w, { membership: stale }))).message).to.match(/leaf not in tree/);
    });
    it("under age, wrong region, wrong identity", () => {
      expect(err(() => id.buildWitnessInput(request(w, { policy: { ...POLICY, minAge: 40 } }))).field).to.equal("policy.minAge");
      expect(err(() => id.buildWitnessInput(request(w, { policy: { ...POLICY, regions: [2] } }))).field).to.equal("policy.regions");
      expect(err(() => id.buildWitnessInput(request(w, { identity: w.bob }))).field).to.equal("credential");
    });
    it("backup round trip and typo detection", () => {
      const me = id.Identity.create();
      expect(id.Identity.restore(me.backup()).commitment).to.equal(me.commitment);
      const b = me.backup();
      const typo = b.slice(0, 10) + (b[10] === "0" ? "1" : "0") + b.slice(11);
      expect(err(() => id.Identity.restore(typo)).message).to.match(/checksum mismatch/);
    });
  });
});
