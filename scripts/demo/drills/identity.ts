/**
 * Drill: ZK national identity, both credential modes. An issuer enrols citizens: alice's credential is signed
 * (signature mode: verifiable without the registry tree), carol's and dave's are not (membership mode: the issuer's
 * published root authenticates them, a smaller and faster circuit). Citizens prove "age ≥ 18, resident of region 7"
 * and a relayer submits their proofs as batch claims of a one-per-person benefit (one pairing product per batch, one
 * batch per mode); a second claim fails on the nullifier; a revoked citizen fails once the root window has passed.
 */
import path from "node:path";

import { identity as id } from "@sovereign-stack/sdk";
import * as typechain from "@sovereign-stack/sdk/typechain";

import { ROOT } from "../../lib/network.ts";
import type { Drill } from "../drills.ts";
import { DrillFailure, expectRevert } from "../timeline.ts";

/** The committed depth-20 build of a mode's circuit. */
const build = (name: string, mode: id.CredentialMode): id.CircuitArtifacts => ({
  wasm: path.join(ROOT, "circuits", "artifacts", name, `${name}.wasm`),
  zkey: path.join(ROOT, "circuits", "artifacts", name, `${name}.zkey`),
  depth: 20,
  mode,
});
/** Both modes' builds: the SDK proves each credential with its own mode's circuit. */
const ARTIFACTS: id.ArtifactsByMode = { membership: build("identity_membership_20", "membership"), signature: build("identity_20", "signature") };
const REGION = 7;
const POLICY: id.IdentityPolicy = { minAge: 18, regions: [REGION], dateToleranceDays: 2 };
const SCOPE = 0x2026b3e3f17n;
const WINDOW = 6 * 3600;

export const identityDrill: Drill = {
  name: "identity",
  async run({ net, stack, timeline }) {
    const [governance, operator, aliceWallet, bobWallet, carolWallet, relayer, daveWallet] = await net.signers();
    const registry = stack.contracts.IdentityRegistry;
    const verifier = stack.contracts.ZkIdentityVerifier;
    const issuer = new id.Issuer(id.IssuerKey.create());
    const block = await net.ethers.provider.getBlock("latest");
    const today = id.todayDateInt(new Date(block!.timestamp * 1000));
    const year = Math.floor(today / 10000);

    const issuerId = await timeline.step("governance registers the civil registry as issuer (EdDSA key, 6 h root window)", async () => {
      const k = issuer.key.publicKey;
      await (await registry.connect(governance!).registerIssuer(operator!.address, k.x, k.y, WINDOW, "Civil Registry")).wait();
      return registry.issuerCount();
    });

    const alice = id.Identity.create();
    const bob = id.Identity.create();
    const carol = id.Identity.create();
    const dave = id.Identity.create();
    const enrolled = "issuer enrols 5 citizens (alice's and bob's credentials signed, carol's and dave's membership-only) and publishes the root";
    const [aliceCred, bobCred, carolCred, daveCred] = await timeline.step(enrolled, async () => {
      const a = issuer.enrol(alice.commitment, { birthDate: (year - 30) * 10000 + 515, region: REGION, expiry: (year + 5) * 10000 + 101 }, "signature");
      const b = issuer.enrol(bob.commitment, { birthDate: (year - 45) * 10000 + 1103, region: REGION, expiry: (year + 5) * 10000 + 101 }, "signature");
      const c = issuer.enrol(carol.commitment, { birthDate: (year - 67) * 10000 + 228, region: REGION, expiry: (year + 5) * 10000 + 101 }, "membership");
      const d = issuer.enrol(dave.commitment, { birthDate: (year - 19) * 10000 + 101, region: REGION, expiry: (year + 5) * 10000 + 101 }, "membership");
      issuer.enrol(id.Identity.create().commitment, { birthDate: (year - 10) * 10000 + 101, region: REGION, expiry: (year + 5) * 10000 + 101 }, "membership");
      await issuer.publishRoot(registry.connect(operator!), issuerId);
      return [a, b, c, d] as const;
    });
    timeline.note(`registry root 0x${issuer.root.toString(16).slice(0, 16)}… (${issuer.size} leaves); citizens hold only their secret + credential`);

    const benefit = await timeline.step("deploy a one-per-person benefit: age ≥ 18, resident of region 7, 0.01 ETH", async () => {
      const c = await new typechain.OnePersonBenefit__factory(governance).deploy(stack.address("ZkIdentityVerifier"), SCOPE, 10n ** 16n, id.policyStruct(POLICY));
      await (await governance!.sendTransaction({ to: await c.getAddress(), value: 10n ** 17n })).wait();
      return c;
    });

    const prove = (who: id.Identity, cred: id.Credential, recipient: string) =>
      id.proveIdentity(
        { identity: who, credential: cred, membership: issuer.membershipProof(cred), policy: POLICY, scope: SCOPE, message: id.messageForAddress(recipient), currentDate: today },
        ARTIFACTS,
      );

    const aliceProof = await timeline.step("alice proves 'age ≥ 18, resident of region 7' in zero knowledge, signature mode (bound to her wallet)", () =>
      prove(alice, aliceCred, aliceWallet!.address),
    );
    timeline.note(`witness ${aliceProof.timings.witnessMs.toFixed(0)} ms, proof ${aliceProof.timings.proveMs.toFixed(0)} ms; birth date and identity stay private`);
    const carolProof = await timeline.step("carol proves the same in membership mode on her phone (the published root authenticates her credential)", () =>
      prove(carol, carolCred, carolWallet!.address),
    );
    timeline.note(`membership mode: witness ${carolProof.timings.witnessMs.toFixed(0)} ms, proof ${carolProof.timings.proveMs.toFixed(0)} ms (no EdDSA check in the circuit)`);
    const daveProof = await timeline.step("dave, 19, proves the same in membership mode", () => prove(dave, daveCred, daveWallet!.address));
    const modes = [aliceProof, carolProof, daveProof].map((p) => p.signals.mode);
    if (modes.join() !== "signature,membership,membership") throw new DrillFailure(`the proofs are of modes ${modes.join(", ")}`);

    await timeline.step("a relayer submits the 3 proofs as batch claims (one pairing product per mode's batch); each citizen is paid anonymously", async () => {
      const wallets = [aliceWallet!, carolWallet!, daveWallet!];
      const before = await Promise.all(wallets.map((s) => net.ethers.provider.getBalance(s.address)));
      const receipts = await id.relayBenefitClaims(relayer!, { benefit: await benefit.getAddress(), proofs: [aliceProof, carolProof, daveProof] });
      const after = await Promise.all(wallets.map((s) => net.ethers.provider.getBalance(s.address)));
      if (after.some((v, i) => v - before[i]! !== 10n ** 16n)) throw new DrillFailure("the batches did not pay each citizen 0.01 ETH");
      if (receipts.length !== 2) throw new DrillFailure(`expected one batch per mode, got ${receipts.length} transactions`);
      const [membershipBatch, signatureBatch] = receipts;
      timeline.note(`gasUsed ${membershipBatch!.gasUsed} for carol's and dave's batch (membership), ${signatureBatch!.gasUsed} for alice's (signature), paid by the relayer`);
    });

    await timeline.step("alice's second claim fails on the nullifier (even with a fresh proof to another wallet)", async () => {
      await expectRevert(benefit.claim(aliceWallet!.address, id.identityProofStruct(aliceProof)), "NullifierAlreadyUsed");
      const again = await prove(alice, aliceCred, bobWallet!.address);
      await expectRevert(benefit.claim(bobWallet!.address, id.identityProofStruct(again)), "NullifierAlreadyUsed");
    });

    const bobProof = await timeline.step("bob prepares a proof", () => prove(bob, bobCred, bobWallet!.address));

    await timeline.step("the issuer revokes bob (leaf zeroed) and publishes the new root", async () => {
      issuer.revoke(bobCred);
      await issuer.publishRoot(registry.connect(operator!), issuerId);
      try {
        issuer.membershipProof(bobCred);
      } catch (e) {
        timeline.note(`SDK refuses a new proof: ${(e as Error).message}`);
        return;
      }
      throw new DrillFailure("a revoked credential still has a membership proof");
    });

    await timeline.step("chain time passes the 6 h root window", async () => {
      await net.ethers.provider.send("evm_increaseTime", [WINDOW + 60]);
      await net.ethers.provider.send("evm_mine", []);
    });

    await timeline.step("bob's proof against the superseded root now fails (StaleRoot)", () =>
      expectRevert(benefit.claim(bobWallet!.address, id.identityProofStruct(bobProof)), "StaleRoot"),
    );

    await timeline.assert("exactly three benefits were paid", (await net.ethers.provider.getBalance(await benefit.getAddress())) === 7n * 10n ** 16n);
  },
};
