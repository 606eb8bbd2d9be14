/**
 * Drill: ZK national identity. An issuer enrols citizens and signs their credentials; citizens prove
 * "age ≥ 18, resident of region 7" and a relayer submits their proofs in one batch claim of a one-per-person
 * benefit (one pairing product for the batch); a second claim fails on the nullifier; a revoked citizen fails
 * once the root window has passed.
 */
import path from "node:path";

import { identity as id } from "@sovereign-stack/sdk";
import * as typechain from "@sovereign-stack/sdk/typechain";

import { ROOT } from "../../lib/network.ts";
import type { Drill } from "../drills.ts";
import { DrillFailure, expectRevert } from "../timeline.ts";

const ARTIFACTS = {
  wasm: path.join(ROOT, "circuits", "artifacts", "identity_20", "identity_20.wasm"),
  zkey: path.join(ROOT, "circuits", "artifacts", "identity_20", "identity_20.zkey"),
};
const REGION = 7;
const POLICY: id.IdentityPolicy = { minAge: 18, regions: [REGION], dateToleranceDays: 2 };
const SCOPE = 0x2026b3e3f17n;
const WINDOW = 6 * 3600;


export const identityDrill: Drill = {
  name: "identity",
  async run({ net, stack, timeline }) {
    const [governance, operator, aliceWallet, bobWallet, carolWallet, relayer] = await net.signers();
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
    const [aliceCred, bobCred, carolCred] = await timeline.step("issuer enrols 4 citizens, signs their credentials and publishes the root", async () => {
      const a = issuer.enrol(alice.commitment, { birthDate: (year - 30) * 10000 + 515, region: REGION, expiry: (year + 5) * 10000 + 101 });
      const b = issuer.enrol(bob.commitment, { birthDate: (year - 45) * 10000 + 1103, region: REGION, expiry: (year + 5) * 10000 + 101 });
      const c = issuer.enrol(carol.commitment, { birthDate: (year - 67) * 10000 + 228, region: REGION, expiry: (year + 5) * 10000 + 101 });
      issuer.enrol(id.Identity.create().commitment, { birthDate: (year - 10) * 10000 + 101, region: REGION, expiry: (year + 5) * 10000 + 101 });
      await issuer.publishRoot(registry.connect(operator!), issuerId);
      return [a, b, c] as const;
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

    const aliceProof = await timeline.step("alice proves 'age ≥ 18, resident of region 7' in zero knowledge (bound to her wallet)", () => prove(alice, aliceCred, aliceWallet!.address));
    timeline.note(`witness ${aliceProof.timings.witnessMs.toFixed(0)} ms, proof ${aliceProof.timings.proveMs.toFixed(0)} ms; birth date and identity stay private`);
    const carolProof = await timeline.step("carol proves the same on her phone (bound to her wallet)", () => prove(carol, carolCred, carolWallet!.address));

    await timeline.step("a relayer submits alice's and carol's proofs in one batch claim (one pairing product); each is paid anonymously", async () => {
      const before = await Promise.all([aliceWallet!, carolWallet!].map((s) => net.ethers.provider.getBalance(s.address)));
      const [r] = await id.relayBenefitClaims(relayer!, { benefit: await benefit.getAddress(), proofs: [aliceProof, carolProof] });
      const after = await Promise.all([aliceWallet!, carolWallet!].map((s) => net.ethers.provider.getBalance(s.address)));
      if (after.some((v, i) => v - before[i]! !== 10n ** 16n)) throw new DrillFailure("the batch did not pay each citizen 0.01 ETH");
      timeline.note(`gasUsed ${r!.gasUsed} for 2 claims, paid by the relayer; nullifier ${aliceProof.signals.nullifier.toString(16).slice(0, 16)}…`);
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

    await timeline.assert("exactly two benefits were paid", (await net.ethers.provider.getBalance(await benefit.getAddress())) === 8n * 10n ** 16n);
  },
};
