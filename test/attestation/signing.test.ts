import { expect } from "chai";
import { Wallet, concat, getBytes, type Signer } from "ethers";
import { SchemaEncoder, attestation, type Address, type Hex } from "@sovereign-stack/sdk";

import { deployAttestation, type AttestFixture } from "./fixture.ts";

const DEF = "bytes32 payload";
const enc = new SchemaEncoder(DEF);
const payload = (n: number) => enc.encode({ payload: "0x" + n.toString(16).padStart(64, "0") });

async function safeSignatures(owners: readonly Signer[], hash: string): Promise<Hex> {
  const withAddr = await Promise.all(owners.map(async (w) => ({ w, a: BigInt(await w.getAddress()) })));
  withAddr.sort((x, y) => (x.a < y.a ? -1 : 1));
  return concat(await Promise.all(withAddr.map((x) => x.w.signMessage(getBytes(hash))))) as Hex;
}

describe("attestation: delegated signing (EIP-712)", () => {
  let f: AttestFixture;
  let schema: string;
  before(async () => {
    f = await deployAttestation();
    schema = (await f.client().registerSchema({ definition: DEF })).uid;
  });

  it("SDK digests equal the contract's, and the signer (not the relayer) is recorded", async () => {
    const reg = f.stack.contracts.AttestationRegistry;
    const domain = await attestation.registryDomain(reg);
    expect(domain).to.deep.equal(attestation.attestationDomain(f.net.chainId, await reg.getAddress()));
    const issuer = Wallet.createRandom();
    const request = attestation.buildRequest({ schema, subject: "did:example:123", data: payload(1) });
    const terms = { nonce: await reg.nonces(issuer.address), deadline: (await f.now()) + 600n };
    expect(attestation.attestDigest(domain, request, issuer.address, terms)).to.equal(await reg.attestDigest(request, issuer.address, terms.nonce, terms.deadline));
    const delegation = await attestation.signDelegatedAttest(issuer, domain, request, terms);
    const relayer = f.signers[3]!;
    const { attestation: a } = await f.client(relayer).attestBySig(request, delegation);
    expect(a.attester).to.equal(issuer.address);
    expect((await reg.getAttestation(a.uid)).attester).to.equal(issuer.address);
    // replay with the same nonce fails
    await expect(reg.connect(relayer).attestBySig(request, delegation)).to.be.revertedWithCustomError(reg, "InvalidAccountNonce");
    // delegated revocation
    const rterms = { nonce: 1n, deadline: (await f.now()) + 600n };
    expect(attestation.revokeDigest(domain, a.uid, issuer.address, rterms)).to.equal(await reg.revokeDigest(a.uid, issuer.address, 1n, rterms.deadline));
    await f.client(relayer).revokeBySig(a.uid, await attestation.signDelegatedRevoke(issuer, domain, a.uid, rterms));
    expect(await reg.isValid(a.uid)).to.equal(false);
  });

  it("the signature covers hookData: a relayer swapping it is refused, the honest relay passes", async () => {
    const reg = f.stack.contracts.AttestationRegistry;
    const domain = await attestation.registryDomain(reg);
    const issuer = Wallet.createRandom();
    const request = attestation.buildRequest({ schema, subject: "did:example:hook", data: payload(7), hookData: "0x1234" });
    const terms = { nonce: await reg.nonces(issuer.address), deadline: (await f.now()) + 600n };
    expect(attestation.attestDigest(domain, request, issuer.address, terms)).to.equal(await reg.attestDigest(request, issuer.address, terms.nonce, terms.deadline));
    const delegation = await attestation.signDelegatedAttest(issuer, domain, request, terms);
    const relayer = f.client(f.signers[3]!);
    await expect(relayer.attestBySig({ ...request, hookData: "0xdead" }, delegation)).to.be.revertedWithCustomError(reg, "BadSignature").withArgs(issuer.address);
    const { attestation: a } = await relayer.attestBySig(request, delegation);
    expect(a.attester).to.equal(issuer.address);
  });

  it("an attester cancels signed-but-unused delegations with increaseNonce", async () => {
    const reg = f.stack.contracts.AttestationRegistry;
    const domain = await attestation.registryDomain(reg);
    const issuer = f.signers[5]!;
    const request = attestation.buildRequest({ schema, subject: "did:example:cancel", data: payload(8) });
    const n = await reg.nonces(issuer.address);
    const deadline = (await f.now()) + 600n;
    const first = await attestation.signDelegatedAttest(issuer, domain, request, { nonce: n, deadline });
    const second = await attestation.signDelegatedAttest(issuer, domain, request, { nonce: n + 1n, deadline });
    const third = await attestation.signDelegatedAttest(issuer, domain, request, { nonce: n + 2n, deadline });
    // default: cancel just the next one
    await expect(f.client(issuer).increaseNonce()).to.emit(reg, "NonceIncreased").withArgs(issuer.address, n, n + 1n);
    await f.client(issuer).increaseNonce(n + 2n);
    expect(await f.client().nonce(issuer.address)).to.equal(n + 2n);
    const relayer = f.client(f.signers[3]!);
    for (const d of [first, second]) await expect(relayer.attestBySig(request, d)).to.be.revertedWithCustomError(reg, "InvalidAccountNonce").withArgs(issuer.address, n + 2n);
    expect((await relayer.attestBySig(request, third)).attestation.attester).to.equal(issuer.address);
    await expect(f.client(issuer).increaseNonce(n + 3n)).to.be.revertedWithCustomError(reg, "InvalidNonceIncrease");
  });

  it("refuses a signature made for another deployment or another chain", async () => {
    const reg = f.stack.contracts.AttestationRegistry;
    const issuer = Wallet.createRandom();
    const request = attestation.buildRequest({ schema, subject: "", data: payload(2) });
    const terms = { nonce: 0n, deadline: (await f.now()) + 600n };
    const otherDeployment = attestation.attestationDomain(f.net.chainId, Wallet.createRandom().address);
    const otherChain = attestation.attestationDomain(f.net.chainId + 1, await reg.getAddress());
    for (const domain of [otherDeployment, otherChain]) {
      const d = await attestation.signDelegatedAttest(issuer, domain, request, terms);
      await expect(reg.attestBySig(request, d)).to.be.revertedWithCustomError(reg, "BadSignature").withArgs(issuer.address);
    }
    const expired = await attestation.signDelegatedAttest(issuer, await attestation.registryDomain(reg), request, { nonce: 0n, deadline: 1n });
    await expect(reg.attestBySig(request, expired)).to.be.revertedWithCustomError(reg, "SignatureExpired");
  });

  it("accepts a ministry Safe (ERC-1271) as issuer when enough owners sign", async () => {
    const reg = f.stack.contracts.AttestationRegistry;
    const owners = [Wallet.createRandom(), Wallet.createRandom(), Wallet.createRandom()];
    const safe = await f.net.ethers.deployContract("AttestationMockSafe", [owners.map((o) => o.address), 2], f.signers[0]!);
    const safeAddr = (await safe.getAddress()) as Address;
    const domain = await attestation.registryDomain(reg);
    const request = attestation.buildRequest({ schema, subject: "did:example:safe", data: payload(3) });
    const terms = { nonce: 0n, deadline: (await f.now()) + 600n };
    const digest = attestation.attestDigest(domain, request, safeAddr, terms);
    await expect(reg.attestBySig(request, { signer: safeAddr, ...terms, signature: await safeSignatures(owners.slice(0, 1), digest) })).to.be.revertedWithCustomError(reg, "BadSignature");
    const { attestation: a } = await f.client(f.signers[2]!).attestBySig(request, { signer: safeAddr, ...terms, signature: await safeSignatures(owners.slice(1), digest) });
    expect(a.attester).to.equal(safeAddr);
  });
});

describe("attestation: off-chain attestations", () => {
  let f: AttestFixture;
  before(async () => {
    f = await deployAttestation();
  });

  it("signs and verifies without a chain, matching the contract's digest", async () => {
    const issuer = Wallet.createRandom();
    const domain = attestation.attestationDomain(31337, "0x5FbDB2315678afecb367f032d93F642f64180aa3");
    const schema = attestation.schemaUid({ definition: DEF });
    const signed = await attestation.signOffchain(issuer, domain, { schema, subject: "did:example:alice", data: payload(9), time: 1000n, expirationTime: 5000n });
    expect(await attestation.verifyOffchain(signed, { now: 2000n })).to.deep.equal({ valid: true, uid: signed.uid });
    expect((await attestation.verifyOffchain(signed, { now: 5000n })).reason).to.equal("expired");
    expect((await attestation.verifyOffchain(signed, { now: 999n })).reason).to.equal("not-yet-issued");
    const tampered = { ...signed, message: { ...signed.message, data: payload(10) } };
    expect((await attestation.verifyOffchain(tampered, { now: 2000n })).reason).to.equal("uid-mismatch");
    const forged = { ...tampered, uid: attestation.offchainUid(domain, tampered.message) };
    expect((await attestation.verifyOffchain(forged, { now: 2000n })).reason).to.equal("bad-signature");
    // the contract computes the same uid for its own domain
    const reg = f.stack.contracts.AttestationRegistry;
    const onchainDomain = await attestation.registryDomain(reg);
    const s2 = await attestation.signOffchain(issuer, onchainDomain, { schema, subject: "did:example:alice", data: payload(9) });
    const m = s2.message;
    expect(await reg.offchainDigest({ schema: m.schema, attester: m.attester, time: m.time, expirationTime: m.expirationTime, refUID: m.refUID, subject: m.subject, data: m.data }, m.salt)).to.equal(s2.uid);
  });

  it("a batch containing an already-stamped hash still stamps the new ones and reports the old one", async () => {
    const off = f.stack.contracts.AttestationOffchain;
    const domain = await attestation.registryDomain(f.stack.contracts.AttestationRegistry);
    const schema = attestation.schemaUid({ definition: DEF });
    const sign = (n: number) => attestation.signOffchain(f.signers[1]!, domain, { schema, subject: `did:example:${n}`, data: payload(n) });
    const [old, x, y] = await Promise.all([sign(21), sign(22), sign(23)]);
    await off.timestamp([old!.uid]); // e.g. front-run from the mempool
    const stampedAt = await off.timestampOf(old!.uid);
    await f.increaseTime(60);
    const batch = [x!.uid, old!.uid, y!.uid];
    expect(await off.timestamp.staticCall(batch)).to.equal(2n);
    await expect(off.timestamp(batch)).to.emit(off, "TimestampSkipped").withArgs(old!.uid, stampedAt);
    expect(await off.timestampOf(old!.uid)).to.equal(stampedAt);
    expect(await off.timestampOf(x!.uid)).to.be.greaterThan(stampedAt);
    expect(await off.timestampOf(y!.uid)).to.equal(await off.timestampOf(x!.uid));
  });

  it("timestamps hashes in batches and keeps a batched off-chain revocation registry", async () => {
    const off = f.stack.contracts.AttestationOffchain;
    const issuer = f.signers[1]!;
    const domain = await attestation.registryDomain(f.stack.contracts.AttestationRegistry);
    const schema = attestation.schemaUid({ definition: DEF });
    const a = await attestation.signOffchain(issuer, domain, { schema, subject: "did:example:a", data: payload(1) });
    const b = await attestation.signOffchain(issuer, domain, { schema, subject: "did:example:b", data: payload(2) });
    await expect(off.timestamp([a.uid, b.uid])).to.emit(off, "Timestamped");
    expect(await off.timestampOf(a.uid)).to.be.greaterThan(0n);
    await expect(off.connect(issuer).revokeOffchain([a.uid, b.uid])).to.emit(off, "RevokedOffchain").withArgs(issuer.address, b.uid, await f.now() + 1n);
    const revokedAt = await off.revocationOf(issuer.address, b.uid);
    await expect(off.connect(issuer).revokeOffchain([b.uid])).to.emit(off, "RevocationSkipped").withArgs(issuer.address, b.uid, revokedAt);
    expect(await off.revocationOf(issuer.address, b.uid)).to.equal(revokedAt);
    const isRevoked = async (attester: string, uid: string) => (await off.revocationOf(attester, uid)) > 0n;
    expect((await attestation.verifyOffchain(a, { isRevoked })).reason).to.equal("revoked");
    const c = await attestation.signOffchain(issuer, domain, { schema, subject: "did:example:c", data: payload(3) });
    expect((await attestation.verifyOffchain(c, { isRevoked })).valid).to.equal(true);
    // revocation is per revoker: a stranger revoking c does not count
    await off.connect(f.signers[4]!).revokeOffchain([c.uid]);
    expect((await attestation.verifyOffchain(c, { isRevoked })).valid).to.equal(true);
  });

  it("verifies an off-chain attestation issued by a Safe (ERC-1271) when given a provider", async () => {
    const owners = [Wallet.createRandom(), Wallet.createRandom()];
    const safe = await f.net.ethers.deployContract("AttestationMockSafe", [owners.map((o) => o.address), 2], f.signers[0]!);
    const domain = await attestation.registryDomain(f.stack.contracts.AttestationRegistry);
    const message = {
      schema: attestation.schemaUid({ definition: DEF }),
      attester: (await safe.getAddress()) as Address,
      subject: attestation.encodeSubject("did:example:dora"),
      time: 1n,
      expirationTime: 0n,
      refUID: `0x${"00".repeat(32)}` as Hex,
      data: payload(4),
      salt: `0x${"ab".repeat(32)}` as Hex,
    };
    const uid = attestation.offchainUid(domain, message);
    const signed = { domain, message, uid, signature: await safeSignatures(owners, uid) };
    expect(await attestation.verifyOffchain(signed, { provider: f.net.ethers.provider })).to.deep.equal({ valid: true, uid });
    const oneOwner = { ...signed, signature: await safeSignatures(owners.slice(0, 1), uid) };
    expect((await attestation.verifyOffchain(oneOwner, { provider: f.net.ethers.provider })).reason).to.equal("bad-signature");
  });
});
