/**
 * A real ZK attestation hook, end to end with real proofs through the AttestationRegistry: a schema requires "an
 * anonymous resident of region 7 or 11, 18 or older" behind each attestation. The proof rides in hookData, is bound
 * to the whole attestation, and its nullifier is scoped to the schema (one attestation per person per schema).
 */
import { AbiCoder } from "ethers";
import { expect } from "chai";
import { connect, identity as id, type Stack } from "@sovereign-stack/sdk";

import { deployTo, openNetwork, type OpenNetwork } from "../../scripts/lib/network.ts";
import { attestationComponents } from "../../scripts/lib/stack/attestation.ts";
import { identityComponents } from "../../scripts/lib/stack/identity.ts";
import { POLICY, artifacts, world, type World } from "./fixture.ts";

const PROOF_TYPE = "tuple(uint256 root, uint256 nullifier, uint256 issuerAx, uint256 message, uint32 date, uint8 mode, uint256[8] points)";

describe("ZkIdentityAttestationHook with real proofs through the AttestationRegistry", function () {
  this.timeout(600_000);
  let net: OpenNetwork;
  let stack: Stack;
  let w: World;
  let hook: Awaited<ReturnType<typeof deployHook>>;
  let schema: string;
  let today: number;

  async function deployHook() {
    const [deployer] = await net.signers();
    const factory = await net.ethers.getContractFactory("ZkIdentityAttestationHook", deployer);
    const c = await factory.deploy(stack.address("ZkIdentityVerifier"), stack.address("AttestationRegistry"), id.policyStruct(POLICY));
    await c.waitForDeployment();
    return c;
  }

  after(() => id.releaseProver());
  before(async () => {
    net = await openNetwork("hardhat");
    const { deployment } = await deployTo(net, [...attestationComponents(), ...identityComponents()], { outFile: null });
    const [deployer] = await net.signers();
    stack = await connect(deployer!, deployment);
    w = world();
    const reg = stack.contracts.IdentityRegistry;
    const key = w.issuer.key.publicKey;
    await (await reg.registerIssuer(deployer!.address, key.x, key.y, 3600n, "Civil Registry")).wait();
    await w.issuer.publishRoot(reg, await reg.issuerCount());
    hook = await deployHook();
    const def = { definition: "string statement", hook: await hook.getAddress(), revocable: true, maxValidity: 0, location: 0, dataReference: "" };
    const schemas = stack.contracts.AttestationSchemaRegistry;
    await (await schemas.register(def, "resident-statement", "an anonymous adult resident of region 7 or 11 states …")).wait();
    schema = await schemas.schemaUid(def);
    const block = await net.ethers.provider.getBlock("latest");
    today = id.todayDateInt(new Date(block!.timestamp * 1000));
  });

  const statement = (s: string) => AbiCoder.defaultAbiCoder().encode(["string"], [s]);

  /** The request, and a proof by `who` bound to it (as the attester would assemble it). */
  async function request(attester: string, who: "alice" | "bob", text: string, forSchema = schema, subject = "0x") {
    const data = statement(text);
    const message = await hook.messageOf(forSchema, attester, subject, data, "0x" + "00".repeat(32), 0n);
    const identity = who === "alice" ? w.alice : w.bob;
    const credential = who === "alice" ? w.aliceCred : w.bobCred;
    const scope = await hook.scopeOf(forSchema);
    const p = await id.proveIdentity({ identity, credential, membership: w.issuer.membershipProof(credential), policy: POLICY, scope, message, currentDate: today }, artifacts());
    const s = id.identityProofStruct(p);
    const hookData = AbiCoder.defaultAbiCoder().encode([PROOF_TYPE], [[s.root, s.nullifier, s.issuerAx, s.message, s.date, s.mode, s.points]]);
    return { schema: forSchema, subject, expirationTime: 0n, refUID: "0x" + "00".repeat(32), data, value: 0n, hookData };
  }

  it("an attestation backed by a resident's proof is recorded; the same person cannot back a second one", async () => {
    const [, attester] = await net.signers();
    const registry = stack.contracts.AttestationRegistry.connect(attester!);
    const r = await request(attester!.address, "alice", "the bridge on route 7 is unsafe");
    const tx = await registry.attest(r);
    await expect(tx).to.emit(hook, "IdentityBackedAttestation");
    const receipt = await tx.wait();
    console.log(`      attest with a ZK identity proof: gasUsed ${receipt!.gasUsed}`);
    await expect(registry.attest(r)).to.be.revertedWithCustomError(stack.contracts.ZkIdentityVerifier, "NullifierAlreadyUsed");
    const v = stack.contracts.ZkIdentityVerifier;
    // alice again, another statement, fresh proof: the schema-scoped nullifier is spent
    const again = await request(attester!.address, "alice", "and the school roof leaks");
    await expect(registry.attest(again)).to.be.revertedWithCustomError(v, "NullifierAlreadyUsed");
    // bob may
    await (await registry.attest(await request(attester!.address, "bob", "the school roof leaks"))).wait();
  });

  it("a proof moved to another statement, attester or subject, a forged proof, or no proof is refused", async () => {
    const signers = await net.signers();
    const attester = signers[2]!;
    const other = signers[3]!;
    const registry = stack.contracts.AttestationRegistry;
    const v = stack.contracts.ZkIdentityVerifier;
    // another schema on the same hook: another nullifier scope, so alice's proof is fresh there
    const def = { definition: "string note", hook: await hook.getAddress(), revocable: true, maxValidity: 0, location: 0, dataReference: "" };
    const schemas = stack.contracts.AttestationSchemaRegistry;
    await (await schemas.register(def, "resident-note", "")).wait();
    const schema2 = await schemas.schemaUid(def);
    expect(await hook.scopeOf(schema2)).to.not.equal(await hook.scopeOf(schema));
    const r = await request(attester.address, "alice", "original statement", schema2);
    await expect(registry.connect(attester).attest({ ...r, data: statement("edited statement") })).to.be.revertedWithCustomError(v, "MessageMismatch");
    await expect(registry.connect(other).attest(r)).to.be.revertedWithCustomError(v, "MessageMismatch");
    await expect(registry.connect(attester).attest({ ...r, subject: other.address })).to.be.revertedWithCustomError(v, "MessageMismatch");
    await expect(registry.connect(attester).attest({ ...r, hookData: "0x" })).to.be.revertedWithCustomError(hook, "MalformedProof").withArgs(0n);
    const forged = AbiCoder.defaultAbiCoder().decode([PROOF_TYPE], r.hookData)[0] as unknown[];
    const points = [...(forged[6] as bigint[])];
    [points[0], points[6]] = [points[6]!, points[0]!];
    [points[1], points[7]] = [points[7]!, points[1]!];
    const forgedData = AbiCoder.defaultAbiCoder().encode([PROOF_TYPE], [[...forged.slice(0, 6), points]]);
    await expect(registry.connect(attester).attest({ ...r, hookData: forgedData })).to.be.revertedWithCustomError(v, "InvalidProof");
    // only the registry calls the hook: a direct call cannot burn alice's nullifier
    const a = { schema: schema2, attester: attester.address, time: 0n, expirationTime: 0n, refUID: r.refUID, subject: r.subject, data: r.data };
    await expect(hook.onAttest("0x" + "11".repeat(32), a, attester.address, r.hookData)).to.be.revertedWithCustomError(hook, "NotRegistry");
    // the untouched request still goes through
    await (await registry.connect(attester).attest(r)).wait();
  });
});
