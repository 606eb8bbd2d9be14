/**
 * The identity circuits, rule by rule, in both modes, with the committed artifacts: a valid witness and a real proof,
 * then each rule broken so that the witness (hence any proof) fails or yields a root the registry never published.
 * Plus the SDK's fail-fast checks and mode selection.
 */
import { expect } from "chai";
import * as snarkjs from "snarkjs";
import { identity as id, SdkInputError } from "@sovereign-stack/sdk";

import { artifacts, build, inMode, POLICY, request, readVkey, SCOPE, TODAY, world, type World } from "./fixture.ts";

type Input = Record<string, string | string[]>;

async function witness(mode: id.CredentialMode, input: Input): Promise<bigint[]> {
  const w = { type: "mem" as const };
  await snarkjs.wtns.calculate(input, build(mode).wasm, w as unknown as string);
  return (await snarkjs.wtns.exportJson(w as unknown as string)) as unknown as bigint[];
}

/** EdDSA-Poseidon as the circuit checks it (S·B8 = R8 + 8·h·A), with an explicit secret scalar and public key. */
const SUB_ORDER = 2736030358979909402780800718157159386076813972158567259200215660948447373041n; // Baby Jubjub
const B8 = id.IssuerKey.fromSeed(1n); // only for r·B8 below: derive R8 from a key whose scalar we read back
function signWithKey(secret: bigint, key: id.PublicKey, message: bigint): id.Signature {
  const r = B8.secretScalar;
  const { x: R8x, y: R8y } = B8.publicKey; // r·B8
  const h = id.poseidon.h5([R8x, R8y, key.x, key.y, message]);
  return { R8x, R8y, S: (r + ((8n * h) % SUB_ORDER) * secret) % SUB_ORDER };
}

async function expectWitnessFails(mode: id.CredentialMode, input: Input): Promise<void> {
  let failed = false;
  // circom's witness calculator prints the failed template to console.error before throwing: keep it out of
  // the test output, but check it named a template.
  const printed: string[] = [];
  const consoleError = console.error;
  console.error = (...args: unknown[]) => void printed.push(args.map(String).join(" "));
  try {
    await witness(mode, input);
  } catch (e) {
    failed = /Assert Failed|Error in template/i.test((e as Error).message);
    if (!failed) throw e;
  } finally {
    console.error = consoleError;
  }
  expect(failed, "the witness must fail").to.equal(true);
  expect(printed.join("\n"), "circom names the failed template").to.match(/Error in template/);
}

const MODES: readonly id.CredentialMode[] = ["membership", "signature"];

for (const mode of MODES) {
  describe(`identity circuit, ${mode} mode (depth 20)`, function () {
    this.timeout(120_000);
    let w: World;
    let cred: id.Credential;
    let valid: Input;
    const word = (p: id.IdentityPolicy, scope: bigint, date: number): string => id.packPolicy(p, scope, date, mode).toString();

    after(() => id.releaseProver());
    before(() => {
      w = world();
      cred = mode === "membership" ? w.aliceMember : w.aliceCred;
      valid = id.buildWitnessInput(request(w, { credential: cred }));
    });

    it("computes root and nullifier for a valid credential (LeanIMT-compatible)", async () => {
      const out = await witness(mode, valid);
      expect(out[1]).to.equal(w.issuer.root);
      expect(out[2]).to.equal(w.alice.nullifier(SCOPE));
    });

    it("produces a real proof that verifies off-chain, and binds message, policy, mode and nullifier", async () => {
      const p = await id.proveIdentity(request(w, { credential: cred }), artifacts());
      expect(p.signals.mode).to.equal(mode);
      expect(p.publicSignals).to.have.length(mode === "membership" ? 4 : 5);
      const vkey = await readVkey(mode);
      const ok = await id.verifyIdentityProof(vkey, p.proof, p.publicSignals, { policy: POLICY, scope: SCOPE, message: 0x1234n, roots: [w.issuer.root] });
      expect(ok.valid, ok.reason).to.equal(true);
      expect(p.signals.nullifier).to.equal(w.alice.nullifier(SCOPE));
      expect(p.calldata.publicSignals[2]).to.equal(w.issuer.key.publicKey.x);
      const tampered = async (i: number, v: bigint): Promise<boolean> => {
        const s = [...p.publicSignals];
        s[i] = v.toString();
        return (await id.verifyIdentityProof(vkey, p.proof, s)).valid;
      };
      // front-running: the same proof for another recipient does not verify
      expect(await tampered(2, 999n)).to.equal(false);
      // a looser policy (minAge 0) cannot be substituted either
      expect(await tampered(3, id.packPolicy({ ...POLICY, minAge: 0 }, SCOPE, TODAY, mode))).to.equal(false);
      // another scope, another nullifier
      expect(await tampered(1, w.alice.nullifier(SCOPE + 1n))).to.equal(false);
      // another root
      expect(await tampered(0, w.issuer.root + 1n)).to.equal(false);
      // the other mode's verification key refuses it
      expect((await id.verifyIdentityProof(await readVkey(mode === "membership" ? "signature" : "membership"), p.proof, p.publicSignals)).valid).to.equal(false);
      if (mode === "signature") expect(await tampered(4, w.issuer.key.publicKey.x + 1n)).to.equal(false);
    });

    describe("each rule, broken, fails the witness", () => {
      it("identity: another secret (another leaf: another root, and no issuer signature)", async () => {
        if (mode === "signature") return expectWitnessFails(mode, { ...valid, secret: "12345" });
        const out = await witness(mode, { ...valid, secret: "12345" });
        expect(out[1]).to.not.equal(w.issuer.root);
      });
      it("age: minAge above the holder's age", async () => expectWitnessFails(mode, { ...valid, policy: word({ ...POLICY, minAge: 31 }, SCOPE, TODAY) }));
      it("age: the day before the 18th birthday fails, the day itself passes", async () => {
        const teen = id.Identity.fromSecret(0x7ee0n + BigInt(mode.length));
        const c = w.issuer.enrol(teen.commitment, { birthDate: 20080116, region: 7, expiry: 20300101 }, mode);
        const input = id.buildWitnessInput(request(w, { identity: teen, credential: c, membership: w.issuer.membershipProof(c), currentDate: 20260116 }));
        await witness(mode, input);
        await expectWitnessFails(mode, { ...input, policy: word(POLICY, SCOPE, 20260115) });
      });
      it("residency: region not in the allowed set", async () => expectWitnessFails(mode, { ...valid, policy: word({ ...POLICY, regions: [3, 11] }, SCOPE, TODAY) }));
      it("expiry: currentDate on or after expiry", async () => expectWitnessFails(mode, { ...valid, policy: word(POLICY, SCOPE, 20300101) }));
      it("policy: a word above 2^225 (ambiguous decoding)", async () =>
        expectWitnessFails(mode, { ...valid, policy: (BigInt(valid.policy as string) + (1n << 230n)).toString() }));
      it("mode: the other mode's bit", async () =>
        expectWitnessFails(mode, { ...valid, policy: id.packPolicy(POLICY, SCOPE, TODAY, mode === "membership" ? "signature" : "membership").toString() }));
      it("issuer root: an altered attribute is another leaf, whose root the issuer never published", async () => {
        const alts: Input[] = [{ birthDate: "19800101" }, { region: "11" }, { expiry: "20990101" }];
        for (const alt of alts) {
          if (mode === "signature") await expectWitnessFails(mode, { ...valid, ...alt });
          else expect((await witness(mode, { ...valid, ...alt }))[1]).to.not.equal(w.issuer.root);
        }
      });
      it("issuer root: a wrong sibling gives a root the registry never published", async () => {
        const s = [...(valid.siblings as string[])];
        s[0] = "5";
        expect((await witness(mode, { ...valid, siblings: s }))[1]).to.not.equal(w.issuer.root);
      });
      it("issuer root: a credential of another issuer's tree gives that issuer's root", async () => {
        const other = new id.Issuer(id.IssuerKey.fromSeed(0x0fe4n));
        const c = other.enrol(w.alice.commitment, { birthDate: 19950620, region: 7, expiry: 20300101 }, mode);
        const out = await witness(mode, id.buildWitnessInput(request(w, { credential: c, membership: other.membershipProof(c) })));
        expect(out[1]).to.equal(other.root).and.not.equal(w.issuer.root);
      });
      it("issuer root: a depth above the maximum gives root 0 (never accepted)", async () => {
        expect((await witness(mode, { ...valid, treeDepth: "21" }))[1]).to.equal(0n);
      });
      it("nullifier: scoped (another scope, another nullifier; the same in both modes)", async () => {
        const other = await witness(mode, { ...valid, policy: word(POLICY, SCOPE + 1n, TODAY) });
        expect(other[2]).to.equal(w.alice.nullifier(SCOPE + 1n)).and.not.equal(w.alice.nullifier(SCOPE));
        expect(w.alice.nullifier(1n)).to.not.equal(w.bob.nullifier(1n));
        expect(id.Identity.restore(w.alice.backup()).nullifier(1n)).to.equal(w.alice.nullifier(1n));
      });
      it("message: bound as a public signal, any value proves", async () => {
        const out = await witness(mode, { ...valid, message: "987654321" });
        expect(out[3]).to.equal(987654321n);
      });
    });

    if (mode === "signature") {
      describe("the issuer's signature (zk-kit EdDSA-Poseidon)", () => {
        it("a forged signature fails", async () => expectWitnessFails(mode, { ...valid, sigS: (BigInt(valid.sigS as string) + 1n).toString() }));
        it("another issuer key fails", async () => {
          const k = id.IssuerKey.fromSeed(99n).publicKey;
          await expectWitnessFails(mode, { ...valid, issuerAx: k.x.toString(), issuerAy: k.y.toString() });
        });
        it("the twin key (Ax, -Ay) with the issuer's signature fails", async () => {
          // The only other Baby Jubjub point with x = Ax is (Ax, -Ay) = -A + (0, -1); the proof shows only Ax, so the
          // private Ay may be either. The issuer's signature must not verify under the twin (h hashes Ay; 8·A' = -8·A).
          const k = w.issuer.key.publicKey;
          expect(k.x.toString()).to.equal(valid.issuerAx);
          await expectWitnessFails(mode, { ...valid, issuerAy: (id.SNARK_FIELD - k.y).toString() });
        });
        it("the twin key (Ax, -Ay) with a signature only the issuer's secret can make passes", async () => {
          // -A + T signs with -secret: only the holder of the issuer's secret can produce credentials under the twin,
          // so sharing Ax gives nobody else a way in (the registry reserves Ax to one issuer; see IdentityContracts.t.sol).
          const k = w.issuer.key.publicKey;
          const twin = { x: k.x, y: id.SNARK_FIELD - k.y };
          const leaf = id.credentialHash(w.aliceCred);
          const sig = signWithKey(SUB_ORDER - w.issuer.key.secretScalar, twin, leaf);
          expect(id.verifySignature(leaf, sig, twin)).to.equal(true);
          const out = await witness(mode, { ...valid, issuerAy: twin.y.toString(), sigS: sig.S.toString(), sigR8x: sig.R8x.toString(), sigR8y: sig.R8y.toString() });
          expect(out[5]).to.equal(k.x); // same public issuerAx: indistinguishable on-chain, hence Ax is reserved to one issuer
        });
        it("zk-kit's signature is what the issuer attaches, deterministic and verifiable", () => {
          const sig = w.issuer.key.sign(123n);
          expect(w.issuer.key.sign(123n)).to.deep.equal(sig);
          expect(id.verifySignature(123n, sig, w.issuer.key.publicKey)).to.equal(true);
          expect(id.verifySignature(124n, sig, w.issuer.key.publicKey)).to.equal(false);
        });
      });
    }
  });
}

describe("identity SDK: modes and fail-fast checks", function () {
  this.timeout(60_000);
  let w: World;
  before(() => {
    w = world();
  });
  const err = (f: () => unknown): SdkInputError => {
    try {
      f();
    } catch (e) {
      if (e instanceof SdkInputError) return e;
      throw e;
    }
    throw new Error("expected an SdkInputError");
  };

  it("picks the build of the credential's mode, and refuses a build of the other mode", async () => {
    expect(id.artifactsFor(artifacts(), "membership").mode).to.equal("membership");
    expect(id.artifactsFor(artifacts(), "signature").mode).to.equal("signature");
    expect(err(() => id.artifactsFor({ signature: artifacts().signature! }, "membership")).message).to.match(/no membership-mode circuit build/);
    expect(err(() => id.artifactsFor(artifacts().signature!, "membership")).message).to.match(/signature circuit's, but the credential is in membership mode/);
    let rejected: unknown;
    await id.proveIdentity(request(w, { credential: w.aliceMember }), artifacts().signature!).catch((e: unknown) => (rejected = e));
    expect(rejected).to.be.instanceOf(SdkInputError);
  });
  it("a membership credential carries no signature; a signed one proves in either mode (same leaf)", () => {
    const c = w.issuer.sign(w.bob.commitment, { birthDate: 20000301, region: 11, expiry: 20290101 }, "membership");
    expect(c.mode).to.equal("membership");
    expect("signature" in c).to.equal(false);
    expect(id.credentialHash(c)).to.equal(id.credentialHash(w.bobCred));
    expect(id.buildWitnessInput(request(w, { credential: w.aliceMember })).sigS).to.equal(undefined);
    expect(err(() => w.issuer.sign(1n, { birthDate: 20000301, region: 11, expiry: 20290101 }, "bogus" as id.CredentialMode)).field).to.equal("mode");
  });
  it("decodes either mode's signals and refuses a count that disagrees with the mode bit", () => {
    const m = id.packPolicy(POLICY, SCOPE, TODAY, "membership");
    const s = id.packPolicy(POLICY, SCOPE, TODAY, "signature");
    expect(id.decodeSignals(["1", "2", "3", m.toString()]).mode).to.equal("membership");
    expect(id.decodeSignals(["1", "2", "3", s.toString(), "9"]).issuerAx).to.equal(9n);
    expect(err(() => id.decodeSignals(["1", "2", "3", s.toString()])).field).to.equal("publicSignals");
    expect(id.unpackPolicy(s)).to.deep.include({ mode: "signature", scope: SCOPE, minAge: 18, currentDate: TODAY });
  });
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
  it("under age, wrong region, wrong identity, bad signature", () => {
    expect(err(() => id.buildWitnessInput(request(w, { policy: { ...POLICY, minAge: 40 } }))).field).to.equal("policy.minAge");
    expect(err(() => id.buildWitnessInput(request(w, { policy: { ...POLICY, regions: [2] } }))).field).to.equal("policy.regions");
    expect(err(() => id.buildWitnessInput(request(w, { identity: w.bob }))).field).to.equal("credential");
    const forged = { ...w.aliceCred, mode: "signature" as const, signature: w.issuer.key.sign(1n) };
    expect(err(() => id.buildWitnessInput(request(w, { credential: forged }))).field).to.equal("credential.signature");
  });
  it("issuer keys: zk-kit private keys, checked", () => {
    const k = id.IssuerKey.create();
    expect(id.IssuerKey.fromPrivateKey(k.privateKeyHex).publicKey).to.deep.equal(k.publicKey);
    expect(err(() => id.IssuerKey.fromPrivateKey("0x1234")).field).to.equal("issuerKey.privateKey");
    expect(err(() => id.IssuerKey.fromSeed(0n)).field).to.equal("issuerKey.seed");
  });
  it("backup round trip and typo detection", () => {
    const me = id.Identity.create();
    expect(id.Identity.restore(me.backup()).commitment).to.equal(me.commitment);
    const b = me.backup();
    const typo = b.slice(0, 10) + (b[10] === "0" ? "1" : "0") + b.slice(11);
    expect(err(() => id.Identity.restore(typo)).message).to.match(/checksum mismatch/);
  });
});
