/**
 * Identity outlives the chain: the validators commit an identity root (an OpenZeppelin StandardMerkleTree of
 * (uint32 issuerId, uint256 issuerRoot) over the L2 identity registry); once the commitment is final, anyone imports
 * an issuer's root into the L1 IdentityRegistry; after an exit, citizens keep proving on L1 against it, however long
 * the L2 stays gone. A non-final commitment and a root not in the tree are refused.
 */
import type { StandardMerkleTree } from "@openzeppelin/merkle-tree";
import { expect } from "chai";
import { DEFAULT_SLA, identity as id } from "@sovereign-stack/sdk";
import * as typechain from "@sovereign-stack/sdk/typechain";

import { deployRollup, type Rollup } from "../rollup/fixture.ts";
import { POLICY, artifacts, world, type World } from "./fixture.ts";

const SCOPE = 0x0e1175n;
const WINDOW = 3600n;

describe("identity outlives the chain (roots imported from finalized commitments, used after an exit)", function () {
  this.timeout(600_000);
  let r: Rollup;
  let w: World;
  let issuerId: bigint;
  let tree: StandardMerkleTree<[bigint, bigint]>;
  let commitment: bigint;

  after(() => id.releaseProver());
  before(async () => {
    r = await deployRollup();
    w = world();
    const reg = r.stack.contracts.IdentityRegistry;
    const key = w.issuer.key.publicKey;
    // the issuer exists on L1 (its key names it in proofs); its roots live on the L2 identity registry
    await (await reg.registerIssuer(r.deployer.address, key.x, key.y, WINDOW, "Civil Registry")).wait();
    issuerId = await reg.issuerCount();
    tree = id.identityRootTree([
      { issuerId, root: w.issuer.root },
      { issuerId: issuerId + 1n, root: 0x1234n },
      { issuerId: issuerId + 2n, root: 0x5678n },
    ]);
    const batch = await r.postBatch();
    await r.commit(batch, { identityRoot: tree.root });
    commitment = (await r.stack.contracts.StateCommitment.count()) - 1n;
  });

  const proofOf = (root: bigint): string[] => tree.getProof([issuerId, root]);

  it("a commitment still in its finality delay is refused", async () => {
    const reg = r.stack.contracts.IdentityRegistry;
    await expect(reg.importRootFromCommitment(commitment, issuerId, w.issuer.root, proofOf(w.issuer.root)))
      .to.be.revertedWithCustomError(reg, "CommitmentNotFinalized")
      .withArgs(commitment);
  });

  it("once final, anyone imports the issuer's root; a root not in the identity root is refused", async () => {
    await r.increaseTime(DEFAULT_SLA.finalityDelay + 1n);
    const reg = r.stack.contracts.IdentityRegistry.connect(r.stranger);
    const notInTree = w.issuer.root + 1n;
    await expect(reg.importRootFromCommitment(commitment, issuerId, notInTree, proofOf(w.issuer.root)))
      .to.be.revertedWithCustomError(reg, "NotInIdentityRoot")
      .withArgs(commitment, issuerId, notInTree);
    await expect(reg.importRootFromCommitment(commitment, issuerId + 1n, w.issuer.root, proofOf(w.issuer.root))).to.be.revertedWithCustomError(reg, "UnknownIssuer");
    const registry = await reg.getAddress();
    expect(() => id.prepareImportIdentityRoot({ registry, commitmentIndex: commitment, tree, issuerId: 77n })).to.throw(/issuerId: issuer 77 has no leaf/);
    expect(() => id.identityRootTree([{ issuerId, root: 1n }, { issuerId, root: 2n }])).to.throw(/entries\[1\]\.issuerId: issuer .* listed twice/);
    const receipt = await id.importIdentityRoot(r.stranger, { registry, commitmentIndex: commitment, tree, issuerId });
    const imported = receipt.logs.map((l) => reg.interface.parseLog(l)).find((e) => e?.name === "RootImported");
    expect(imported?.args.toArray()).to.deep.equal([issuerId, w.issuer.root, commitment]);
    expect((await reg.issuer(issuerId)).currentRoot).to.equal(w.issuer.root);
    expect(await reg.importedFrom(issuerId, w.issuer.root)).to.deep.equal([true, commitment]);
  });

  it("after an exit, a citizen proves on L1 against the last finalized identity root, long after every window", async () => {
    const ec = r.stack.contracts.ExitController;
    const { payload, sigs } = await r.exitSignatures(6);
    await expect(ec.triggerExit(payload.reason, payload.nonce, payload.deadline, sigs)).to.emit(ec, "ExitTriggered");
    // the issuer then runs on L1 directly and publishes a new root: the L2's last root stays usable regardless
    const reg = r.stack.contracts.IdentityRegistry;
    await (await reg.publishRoot(issuerId, 0xf00dn)).wait();
    await r.increaseTime(200n * 86400n);
    expect(await reg.isRootFresh(issuerId, w.issuer.root)).to.equal(true);

    const benefit = await new typechain.OnePersonBenefit__factory(r.deployer).deploy(r.stack.address("ZkIdentityVerifier"), SCOPE, 10n ** 15n, id.policyStruct(POLICY));
    await (await r.deployer.sendTransaction({ to: await benefit.getAddress(), value: 10n ** 16n })).wait();
    const today = id.todayDateInt(new Date((await r.now()) * 1000));
    const recipient = r.citizen.address;
    const p = await id.proveIdentity(
      { identity: w.alice, credential: w.aliceCred, membership: w.issuer.membershipProof(w.aliceCred), policy: POLICY, scope: SCOPE, message: id.messageForAddress(recipient), currentDate: today },
      artifacts(),
    );
    const before = await r.net.ethers.provider.getBalance(recipient);
    await (await benefit.connect(r.stranger).claim(recipient, id.identityProofStruct(p))).wait();
    expect((await r.net.ethers.provider.getBalance(recipient)) - before).to.equal(10n ** 15n);
    const v = r.stack.contracts.ZkIdentityVerifier;
    await expect(benefit.claim(recipient, id.identityProofStruct(p))).to.be.revertedWithCustomError(v, "NullifierAlreadyUsed");
  });
});
