import { expect } from "chai";
import { SchemaEncoder, attestation } from "@sovereign-stack/sdk";
import * as typechain from "@sovereign-stack/sdk/typechain";

import { deployAttestation, type AttestFixture } from "./fixture.ts";

const FIELDS = "string name, uint64 birthDate, bytes2 country, bool resident";
const VALUES = { name: "Alice", birthDate: 631152000n, country: "0x4e4c", resident: true };

describe("attestation: selective disclosure", () => {
  let f: AttestFixture;
  let schema: string;
  before(async () => {
    f = await deployAttestation();
    schema = (await f.client().registerSchema({ definition: attestation.DISCLOSURE_SCHEMA })).uid;
  });

  it("reveals chosen fields with proofs the SDK verifies; tampering fails", () => {
    const c = attestation.commitFields(FIELDS, VALUES);
    expect(new SchemaEncoder(attestation.DISCLOSURE_SCHEMA).decodeRecord(c.data)).to.deep.equal({ fieldsRoot: c.root });
    const [country, resident] = attestation.discloseFields(c, ["country", "resident"]);
    expect(attestation.verifyDisclosedField(c.root, country!)).to.equal(true);
    expect(attestation.verifyDisclosedField(c.root, resident!)).to.equal(true);
    expect(attestation.verifyDisclosedField(c.root, { ...country!, value: "0x4245" })).to.equal(false);
    expect(attestation.verifyDisclosedField(c.root, { ...country!, salt: "0x" + "00".repeat(32) })).to.equal(false);
    // salts hide equal values: two commitments to the same fields differ
    expect(attestation.commitFields(FIELDS, VALUES).root).to.not.equal(c.root);
    expect(() => attestation.discloseFields(c, ["height"])).to.throw(/^disclose\.height: is not a committed field/);
    expect(() => attestation.commitFields(FIELDS, { ...VALUES, country: "0x4e" })).to.throw(/^data\.country: does not fit bytes2/);
  });

  it("verifies one disclosed field on-chain against a valid attestation only", async () => {
    const c = attestation.commitFields(FIELDS, VALUES);
    const { attestation: a } = await f.client().attest({ schema, subject: "did:example:alice", data: c.data });
    const v = f.stack.contracts.AttestationDisclosureVerifier;
    const [field] = attestation.discloseFields(c, ["birthDate"]);
    const content = attestation.attestationStruct(a);
    const proof = [...field!.proof];
    expect(await v.verifyField(content, field!.name, field!.salt, field!.encodedValue, proof)).to.equal(a.uid);
    const wrong = new SchemaEncoder("uint64 birthDate").encodeField("birthDate", 1n);
    await expect(v.verifyField(content, "birthDate", field!.salt, wrong, proof)).to.be.revertedWithCustomError(v, "InvalidDisclosureProof");
    const forged = { ...content, subject: attestation.encodeSubject("did:example:mallory") };
    await expect(v.verifyField(forged, field!.name, field!.salt, field!.encodedValue, proof)).to.be.revertedWithCustomError(v, "AttestationNotValid");
    await f.client().revoke(a.uid);
    await expect(v.verifyField(content, field!.name, field!.salt, field!.encodedValue, proof)).to.be.revertedWithCustomError(v, "AttestationNotValid").withArgs(a.uid);
    const other = (await f.client().registerSchema({ definition: "uint8 x" })).uid;
    const { attestation: b } = await f.client().attest({ schema: other, subject: "", data: new SchemaEncoder("uint8 x, uint8 y").encode([1, 2]) });
    await expect(v.verifyField(attestation.attestationStruct(b), "x", field!.salt, "0x", [])).to.be.revertedWithCustomError(v, "NotADisclosureAttestation");
  });
});

describe("attestation: indexing from logs", () => {
  it("builds indexes by subject, issuer and schema, and tracks revocations and epochs", async () => {
    const f = await deployAttestation();
    const [ministry, office] = [f.signers[1]!, f.signers[2]!];
    const s1 = (await f.client().registerSchema({ definition: "bytes32 payload" })).uid;
    const s2 = (await f.client().registerSchema({ definition: "uint64 n" })).uid;
    const p = new SchemaEncoder("bytes32 payload");
    const data = (i: number) => p.encode(["0x" + i.toString(16).padStart(64, "0")]);
    const alice = "did:example:alice";
    const bobAddr = f.signers[5]!.address;
    const { attestations } = await f.client(ministry).multiAttest([
      { schema: s1, subject: alice, data: data(1) },
      { schema: s1, subject: bobAddr, data: data(2) },
      { schema: s2, subject: alice, data: new SchemaEncoder("uint64 n").encode([7]) },
    ]);
    const { attestation: byOffice } = await f.client(office).attest({ schema: s1, subject: alice, data: data(3) });
    await f.client(ministry).revoke(attestations[1]!.uid);
    await f.client(office).revokeIssuedBefore(s1, (await f.now()) + 1n);

    const reg = f.stack.contracts.AttestationRegistry;
    const idx = await attestation.AttestationIndex.fromChain(f.net.ethers.provider, await reg.getAddress());
    expect(idx.size).to.equal(4);
    expect(idx.bySubject(alice).map((a) => a.uid)).to.have.members([attestations[0]!.uid, attestations[2]!.uid, byOffice.uid]);
    expect(idx.bySubject(bobAddr.toLowerCase()).map((a) => a.uid)).to.deep.equal([attestations[1]!.uid]);
    expect(idx.byIssuer(ministry.address)).to.have.length(3);
    expect(idx.bySchema(s2).map((a) => a.uid)).to.deep.equal([attestations[2]!.uid]);
    expect(idx.get(attestations[1]!.uid)!.revokedAt !== null).to.equal(true);
    expect(idx.revokedBefore(office.address, s1)).to.be.greaterThan(0n);
    const now = await f.now();
    for (const a of [...attestations, byOffice]) expect(idx.isValid(a.uid, now)).to.equal(await reg.isValid(a.uid), a.uid);
    expect(idx.isValid(byOffice.uid, now)).to.equal(false);
    expect(idx.get(attestations[0]!.uid)!.data).to.equal(data(1));
  });

  it("ignores look-alike logs from any other address", async () => {
    const f = await deployAttestation();
    // a second registry: same events, different address
    const other = await new typechain.AttestationRegistry__factory(f.signers[0]!).deploy(await f.stack.contracts.AttestationSchemaRegistry.getAddress());
    const schema = (await f.client().registerSchema({ definition: "bytes32 payload" })).uid;
    const data = new SchemaEncoder("bytes32 payload").encode(["0x" + "11".repeat(32)]);
    const { receipt: rf } = await f.client().attest({ schema, subject: "did:x", data });
    const rg = await (await other.attest(attestation.buildRequest({ schema, subject: "did:y", data }))).wait();
    const idx = attestation.AttestationIndex.fromLogs(await f.stack.contracts.AttestationRegistry.getAddress(), [...rf.logs, ...rg!.logs]);
    expect(idx.size).to.equal(1);
    expect(idx.rejected).to.equal(1);
    expect(idx.bySubject("did:y")).to.have.length(0);
  });
});
