import { expect } from "chai";
import { Contract, Wallet, keccak256, parseEther, toUtf8Bytes, hexlify, type ContractRunner, type ContractTransactionResponse } from "ethers";
import { AttestationIndex, SchemaEncoder, attestation } from "@sovereign-stack/sdk";

import { deployAttestation } from "./fixture.ts";

/** The slice of the test double test/mocks/MockAttestationHook.sol this test drives (not in the SDK's typechain). */
interface MockHook {
  readonly address: string;
  configure(fee: bigint, accept: boolean, proofCommitment: string, reenter: boolean, registry: string): Promise<ContractTransactionResponse>;
  lastAttester(): Promise<string>;
}

function mockHook(address: string, runner: ContractRunner): MockHook {
  const c = new Contract(
    address,
    ["function configure(uint256 fee, bool accept, bytes32 proofCommitment, bool reenter, address registry)", "function lastAttester() view returns (address)"],
    runner,
  );
  return {
    address,
    configure: (fee, accept, proofCommitment, reenter, registry) => c.getFunction("configure")(fee, accept, proofCommitment, reenter, registry),
    lastAttester: () => c.getFunction("lastAttester")(),
  };
}

describe("attestation: end to end", () => {
  it("schemas with a fee-taking proof hook, batch across schemas, links, expiry, revocation, epochs, delegation, disclosure and indexing", async () => {
    const f = await deployAttestation();
    const [, ministry, relayer, citizen] = f.signers;
    const reg = f.stack.contracts.AttestationRegistry;

    // A hook standing in for a ZK verifier: needs keccak256(hookData) == commitment, and a fee.
    const deployed = await f.net.ethers.deployContract("MockAttestationHook", [], f.signers[0]!);
    const hook = mockHook(await deployed.getAddress(), f.signers[0]!);
    const proof = hexlify(toUtf8Bytes("zk-proof-of-citizenship"));
    await hook.configure(parseEther("0.01"), true, keccak256(proof), false, await reg.getAddress());
    const m = f.client(ministry);
    const idSchema = (await m.registerSchema({ definition: attestation.DISCLOSURE_SCHEMA, maxValidity: 3600 * 24 * 365 }, "Citizen ID", "salted field root")).uid;
    const benefit = (await m.registerSchema({ definition: "uint256 amount, bytes32 programme", hook: hook.address }, "Benefit eligibility", "")).uid;

    const fields = attestation.commitFields("string name, bytes2 country, bool resident", { name: "Alice", country: "0x4e4c", resident: true });
    const expiry = (await f.now()) + 3600n * 24n * 30n;
    // maximum validity is enforced with a named error
    await expect(m.attest({ schema: idSchema, subject: citizen!.address, data: fields.data })).to.be.revertedWithCustomError(reg, "ExpirationRequired");
    const { attestation: id } = await m.attest({ schema: idSchema, subject: citizen!.address, data: fields.data, expirationTime: expiry });

    // a batch across schemas; the hook takes its fee and checks the proof; links must exist
    const benefitData = new SchemaEncoder("uint256 amount, bytes32 programme").encode({ amount: 500n, programme: keccak256(toUtf8Bytes("housing")) });
    await expect(m.multiAttest([{ schema: benefit, subject: citizen!.address, data: benefitData, refUID: keccak256("0x01"), value: parseEther("0.01"), hookData: proof }])).to.be.revertedWithCustomError(reg, "UnknownReference");
    await expect(m.multiAttest([{ schema: benefit, subject: citizen!.address, data: benefitData, refUID: id.uid, value: parseEther("0.01"), hookData: "0x1234" }])).to.be.revertedWithCustomError(reg, "HookRejected");
    const { attestations: batch } = await m.multiAttest([
      { schema: benefit, subject: citizen!.address, data: benefitData, refUID: id.uid, value: parseEther("0.01"), hookData: proof },
      { schema: idSchema, subject: "did:web:id.gov.example:bob", data: attestation.commitFields("string name, bytes2 country, bool resident", { name: "Bob", country: "0x4245", resident: false }).data, expirationTime: expiry },
    ]);
    expect(batch).to.have.length(2);
    expect(await f.net.ethers.provider.getBalance(hook.address)).to.equal(parseEther("0.01"));
    expect(await hook.lastAttester()).to.equal(ministry!.address);

    // delegated: an issuer signs, the relayer pays gas
    const issuer = Wallet.createRandom();
    const domain = await m.domain();
    const req = attestation.buildRequest({ schema: idSchema, subject: "did:web:id.gov.example:carol", data: fields.data, expirationTime: expiry });
    const { attestation: delegated } = await f.client(relayer).attestBySig(req, await attestation.signDelegatedAttest(issuer, domain, req, { nonce: 0n, deadline: (await f.now()) + 60n }));
    expect(delegated.attester).to.equal(issuer.address);

    // verifier: isValid, then one disclosed field on-chain
    expect(await reg.isValid(id.uid)).to.equal(true);
    const [country] = attestation.discloseFields(fields, ["country"]);
    expect(await f.stack.contracts.AttestationDisclosureVerifier.verifyField(attestation.attestationStruct(id), "country", country!.salt, country!.encodedValue, [...country!.proof])).to.equal(id.uid);

    // revocation: one by one (fee-free schema), then epoch after a key compromise
    await m.revoke(batch[1]!.uid);
    expect(await reg.isValid(batch[1]!.uid)).to.equal(false);
    await m.revokeIssuedBefore(idSchema, (await f.now()) + 1n);
    expect(await reg.isValid(id.uid)).to.equal(false);
    expect(await reg.isValid(delegated.uid)).to.equal(true); // another issuer
    expect(await reg.isValid(batch[0]!.uid)).to.equal(true); // another schema
    await expect(m.revokeIssuedBefore(idSchema, 1n)).to.be.revertedWithCustomError(reg, "EpochNotIncreasing");

    // expiry
    await f.increaseTime(3600 * 24 * 31);
    expect(await reg.isValid(delegated.uid)).to.equal(false);

    // indexing from logs only counts the registry's events, not the hook's look-alikes
    const idx = await AttestationIndex.fromChain(f.net.ethers.provider, await reg.getAddress());
    expect(idx.size).to.equal(4);
    expect(idx.bySubject(citizen!.address).map((a) => a.schema)).to.have.members([idSchema, benefit]);
    const now = await f.now();
    for (const a of [id, ...batch, delegated]) expect(idx.isValid(a.uid, now)).to.equal(await reg.isValid(a.uid));
  });
});
