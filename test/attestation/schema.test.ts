import { expect } from "chai";
import { ZeroAddress } from "ethers";
import { SchemaEncoder, SdkInputError, attestation } from "@sovereign-stack/sdk";

import { deployAttestation, type AttestFixture } from "./fixture.ts";

const CITIZEN = "uint64 birthDate, bytes2 country, bool resident";

describe("attestation: SchemaEncoder and subjects", () => {
  it("encodes and decodes from a schema string, by record or in order", () => {
    const enc = new SchemaEncoder(CITIZEN);
    expect(enc.fields.map((f) => f.type)).to.deep.equal(["uint64", "bytes2", "bool"]);
    const data = enc.encode({ birthDate: 631152000n, country: "0x4e4c", resident: true });
    expect(enc.encode([631152000, "0x4e4c", true])).to.equal(data);
    expect(enc.decodeRecord(data)).to.deep.equal({ birthDate: 631152000n, country: "0x4e4c", resident: true });
    const arr = new SchemaEncoder("address[] members, string note");
    const d2 = arr.encode({ members: [ZeroAddress], note: "hi" });
    expect(arr.decodeRecord(d2)).to.deep.equal({ members: [ZeroAddress], note: "hi" });
  });

  it("names the field and type of a value that does not fit", () => {
    const enc = new SchemaEncoder("uint8 age, bytes2 country, bool resident, address wallet, int8 delta");
    const ok = { age: 1, country: "0x4e4c", resident: true, wallet: ZeroAddress, delta: -1 };
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ ...ok, age: 256 }, /^data\.age: does not fit uint8: 256 is outside \[0, 255\]/],
      [{ ...ok, age: -1 }, /^data\.age: does not fit uint8/],
      [{ ...ok, age: 1.5 }, /^data\.age: does not fit uint8: 1.5 is not a safe integer/],
      [{ ...ok, country: "0x4e4c4c" }, /^data\.country: does not fit bytes2: expected exactly 2 bytes, got 3/],
      [{ ...ok, resident: "yes" }, /^data\.resident: does not fit bool/],
      [{ ...ok, wallet: "0x1234" }, /^data\.wallet: does not fit address/],
      [{ ...ok, delta: -129 }, /^data\.delta: does not fit int8: -129 is outside \[-128, 127\]/],
      [{ age: 1, country: "0x4e4c", resident: true, wallet: ZeroAddress }, /^data\.delta: is missing \(int8\)/],
      [{ ...ok, extra: 1 }, /^data\.extra: is not a field of/],
    ];
    for (const [values, re] of cases) {
      expect(() => enc.encode(values as Record<string, attestation.SchemaValue>)).to.throw(SdkInputError, re);
    }
    expect(() => enc.decode("0x1234")).to.throw(SdkInputError, /^data: does not decode as/);
  });

  it("rejects bad schema definitions clearly", () => {
    expect(() => new SchemaEncoder("")).to.throw(SdkInputError, /^schema: must be a non-empty definition/);
    expect(() => new SchemaEncoder("uint77 x")).to.throw(SdkInputError, /^schema: "uint77 x" is not a list of ABI types/);
    expect(() => new SchemaEncoder("uint8")).to.throw(SdkInputError, /every field needs a name/);
    expect(() => new SchemaEncoder("uint8 a, bool a")).to.throw(SdkInputError, /field "a" appears twice/);
  });

  it("encodes subjects compactly: 20 bytes for an address, UTF-8 for a DID", () => {
    const addr = "0x00000000000000000000000000000000DeaDBeef";
    expect(attestation.encodeSubject(addr)).to.equal(addr.toLowerCase());
    expect(attestation.decodeSubject(attestation.encodeSubject(addr))).to.deep.equal({ kind: "address", address: addr });
    const did = "did:web:id.gov.example:alice";
    expect(attestation.decodeSubject(attestation.encodeSubject(did))).to.deep.equal({ kind: "id", id: did });
    expect(attestation.encodeSubject("")).to.equal("0x");
    expect(() => attestation.encodeSubject("x".repeat(20))).to.throw(SdkInputError, /^subject: .* exactly 20 bytes/);
  });
});

describe("attestation: schema registry", () => {
  let f: AttestFixture;
  before(async () => {
    f = await deployAttestation();
  });

  it("derives the id from content (SDK = contract), emits name and description, and refuses duplicates", async () => {
    const def = { definition: CITIZEN, revocable: true, maxValidity: 3600 };
    const id = attestation.schemaUid(def);
    expect(await f.stack.contracts.AttestationSchemaRegistry.schemaUid(attestation.normalizeSchema(def))).to.equal(id);
    const reg = f.stack.contracts.AttestationSchemaRegistry;
    await expect(reg.register(attestation.normalizeSchema(def), "Citizen ID", "national identity card"))
      .to.emit(reg, "SchemaRegistered")
      .withArgs(id, f.signers[0]!.address, ZeroAddress, [CITIZEN, ZeroAddress, true, 3600n, 0n, ""], "Citizen ID", "national identity card");
    const stored = await reg.getSchema(id);
    expect([stored.registered, stored.revocable, stored.maxValidity]).to.deep.equal([true, true, 3600n]);
    await expect(reg.register(attestation.normalizeSchema(def), "another name", "")).to.be.revertedWithCustomError(reg, "SchemaAlreadyRegistered").withArgs(id);
    // a different max validity is different content
    const other = await f.client().registerSchema({ ...def, maxValidity: 7200 });
    expect(other.uid).to.not.equal(id);
  });

  it("records off-chain data location with its reference", async () => {
    const def = { definition: "bytes32 documentHash", location: attestation.DataLocation.OffChain, dataReference: "ipfs://bafy-licences" };
    const { uid } = await f.client().registerSchema(def, "Licence", "");
    expect((await f.stack.contracts.AttestationSchemaRegistry.getSchema(uid)).location).to.equal(1n);
    expect(() => attestation.normalizeSchema({ ...def, dataReference: "" })).to.throw(SdkInputError, /^schema\.dataReference/);
    await expect(f.stack.contracts.AttestationSchemaRegistry.register({ ...attestation.normalizeSchema(def), dataReference: "" }, "", "")).to.be.revertedWithCustomError(
      f.stack.contracts.AttestationSchemaRegistry,
      "InvalidDataReference",
    );
  });
});
