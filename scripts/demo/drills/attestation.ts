/**
 * Drill: attestations. A ministry (a 2-of-3 Safe-like multisig) registers a citizen-ID schema and issues
 * credentials; a relayer submits a delegated attestation; the Safe cancels another signed delegation unused; one
 * credential is revoked, then an issuing office whose key leaked epoch-revokes everything it issued; a verifier
 * checks isValid and one disclosed field.
 */
import { Contract, Wallet, concat, getBytes, type ContractRunner, type ContractTransactionResponse, type Signer } from "ethers";
import { attestation, type Address, type Hex, type Stack } from "@sovereign-stack/sdk";

import type { Drill, DrillContext } from "../drills.ts";
import { DrillFailure, expectRevert } from "../timeline.ts";

const CITIZEN_FIELDS = "string name, uint64 birthDate, bytes2 country, bool resident";
const TEN_YEARS = 10 * 365 * 24 * 3600;

/** Owners' EIP-191 signatures of `hash`, in ascending owner order (what AttestationMockSafe expects). */
async function ownerSignatures(owners: readonly Signer[], hash: string): Promise<Hex> {
  const withAddr = await Promise.all(owners.map(async (w) => ({ w, a: BigInt(await w.getAddress()) })));
  const sorted = withAddr.sort((x, y) => (x.a < y.a ? -1 : 1)).map((x) => x.w);
  return concat(await Promise.all(sorted.map((w) => w.signMessage(getBytes(hash))))) as Hex;
}

/**
 * The slice of the test double test/mocks/AttestationMockSafe.sol the drill drives. Test doubles are not in the
 * SDK's typechain, so this is a small typed view over a human-readable ABI.
 */
interface MockSafe {
  readonly address: string;
  nonce(): Promise<bigint>;
  txHash(to: string, value: bigint, data: string, nonce: bigint): Promise<string>;
  execute(to: string, value: bigint, data: string, signatures: string): Promise<ContractTransactionResponse>;
}

const MOCK_SAFE_ABI = [
  "function nonce() view returns (uint256)",
  "function txHash(address to, uint256 value, bytes data, uint256 nonce) view returns (bytes32)",
  "function execute(address to, uint256 value, bytes data, bytes signatures) returns (bytes)",
];

function mockSafe(address: string, runner: ContractRunner): MockSafe {
  const c = new Contract(address, MOCK_SAFE_ABI, runner);
  return {
    address,
    nonce: () => c.getFunction("nonce")(),
    txHash: (to, value, data, nonce) => c.getFunction("txHash")(to, value, data, nonce),
    execute: (to, value, data, signatures) => c.getFunction("execute")(to, value, data, signatures),
  };
}

async function latestTime(ctx: DrillContext): Promise<bigint> {
  const b = await ctx.net.ethers.provider.getBlock("latest");
  if (b === null) throw new DrillFailure("no latest block");
  return BigInt(b.timestamp);
}

function clients(stack: Stack, signer: Signer): attestation.AttestationClient {
  return new attestation.AttestationClient(stack.contracts.AttestationRegistry.connect(signer), stack.contracts.AttestationSchemaRegistry.connect(signer));
}

export const attestationDrill: Drill = {
  name: "attestation",
  async run(ctx) {
    const { stack, timeline: t } = ctx;
    const [deployer, relayer, office, verifierAcct] = await ctx.net.signers();
    const registry = stack.contracts.AttestationRegistry;
    const registryAddr = stack.address("AttestationRegistry");
    const owners = [Wallet.createRandom(), Wallet.createRandom(), Wallet.createRandom()];
    const signers = owners.slice(0, 2);

    const safe = await t.step("ministry deploys its 2-of-3 Safe-like multisig (ERC-1271)", async () => {
      const s = await ctx.net.ethers.deployContract("AttestationMockSafe", [owners.map((o) => o.address), 2], deployer!);
      await s.waitForDeployment();
      return mockSafe(await s.getAddress(), relayer!);
    });
    const safeAddr = safe.address;
    /** Runs a registry call through the Safe with two owner signatures (the relayer pays gas). */
    const viaSafe = async (target: string, data: string) => {
      const hash = await safe.txHash(target, 0n, data, await safe.nonce());
      const receipt = await (await safe.execute(target, 0n, data, await ownerSignatures(signers, hash))).wait();
      if (receipt === null || receipt.status !== 1) throw new DrillFailure("Safe execution failed");
      return receipt;
    };

    const def = { definition: attestation.DISCLOSURE_SCHEMA, revocable: true, maxValidity: TEN_YEARS };
    const schema = attestation.schemaUid(def);
    await t.step("ministry registers the citizen-ID schema (Merkle root of salted fields, max validity 10 years) via its Safe", async () => {
      const s = attestation.normalizeSchema(def);
      await viaSafe(stack.address("AttestationSchemaRegistry"), stack.contracts.AttestationSchemaRegistry.interface.encodeFunctionData("register", [s, "Citizen ID", `fields: ${CITIZEN_FIELDS}`]));
      const stored = await stack.contracts.AttestationSchemaRegistry.getSchema(schema);
      if (!stored.registered) throw new DrillFailure("schema not registered");
    });

    const citizens = [
      { subject: "did:web:id.gov.example:alice", values: { name: "Alice Example", birthDate: 631152000n, country: "0x4e4c", resident: true } },
      { subject: "did:web:id.gov.example:bob", values: { name: "Bob Example", birthDate: 694224000n, country: "0x4245", resident: false } },
      { subject: (await verifierAcct!.getAddress()) as string, values: { name: "Carol Example", birthDate: 757382400n, country: "0x4e4c", resident: true } },
    ];
    const commitments = citizens.map((c) => attestation.commitFields(CITIZEN_FIELDS, c.values));
    const now = await latestTime(ctx);
    const expiry = now + BigInt(5 * 365 * 24 * 3600);
    const issued = await t.step("ministry issues 3 citizen credentials in one multiAttest through its Safe", async () => {
      const reqs = citizens.map((c, i) => attestation.buildRequest({ schema, subject: c.subject, data: commitments[i]!.data, expirationTime: expiry }));
      const receipt = await viaSafe(registryAddr, registry.interface.encodeFunctionData("multiAttest", [reqs]));
      const atts = receipt.logs.filter((l) => l.address === registryAddr).map((l) => registry.interface.parseLog(l)).filter((p) => p?.name === "Attested");
      if (atts.length !== 3) throw new DrillFailure(`expected 3 attestations, got ${atts.length}`);
      for (const a of atts) if (a!.args[2] !== safeAddr) throw new DrillFailure("attester is not the Safe");
      return atts.map((a) => a!.args[0] as string);
    });
    t.note(`credentials: ${issued.map((u) => u.slice(0, 10)).join(", ")} (attester = Safe ${safeAddr})`);

    const dave = { subject: "did:web:id.gov.example:dave", values: { name: "Dave Example", birthDate: 820454400n, country: "0x4e4c", resident: true } };
    const daveCommit = attestation.commitFields(CITIZEN_FIELDS, dave.values);
    const delegated = await t.step("Safe owners sign an EIP-712 attestation off-line; a relayer submits it (attester = Safe, not relayer)", async () => {
      const domain = await attestation.registryDomain(registry);
      const request = attestation.buildRequest({ schema, subject: dave.subject, data: daveCommit.data, expirationTime: expiry });
      const terms = { nonce: await registry.nonces(safeAddr), deadline: (await latestTime(ctx)) + 3600n };
      const digest = attestation.attestDigest(domain, request, safeAddr, terms);
      const delegation = { signer: safeAddr as Address, ...terms, signature: await ownerSignatures(signers, digest) };
      const { attestation: a } = await clients(stack, relayer!).attestBySig(request, delegation);
      if (a.attester !== safeAddr) throw new DrillFailure(`recorded attester ${a.attester} is not the Safe`);
      return a.uid;
    });

    await t.step("the Safe cancels an owner-signed delegation it no longer wants relayed (increaseNonce); relaying it is refused", async () => {
      const domain = await attestation.registryDomain(registry);
      const frank = attestation.commitFields(CITIZEN_FIELDS, { name: "Frank Example", birthDate: 883612800n, country: "0x4e4c", resident: true });
      const request = attestation.buildRequest({ schema, subject: "did:web:id.gov.example:frank", data: frank.data, expirationTime: expiry });
      const nonce = await registry.nonces(safeAddr);
      const terms = { nonce, deadline: (await latestTime(ctx)) + 3600n };
      const delegation = { signer: safeAddr as Address, ...terms, signature: await ownerSignatures(signers, attestation.attestDigest(domain, request, safeAddr, terms)) };
      await viaSafe(registryAddr, registry.interface.encodeFunctionData("increaseNonce", [nonce + 1n]));
      await expectRevert(clients(stack, relayer!).attestBySig(request, delegation), "InvalidAccountNonce");
    });

    await t.step("ministry revokes Bob's credential through its Safe", async () => {
      await viaSafe(registryAddr, registry.interface.encodeFunctionData("revoke", [issued[1]!, "0x"]));
    });
    await t.assert("Bob's credential is no longer valid; Alice's still is", !(await registry.isValid(issued[1]!)) && (await registry.isValid(issued[0]!)));

    // A regional issuing office with its own key; the key leaks and the attacker issues a forged credential.
    const officeClient = clients(stack, office!);
    const legit = await t.step("regional office issues a credential with its own key", async () =>
      (await officeClient.attest({ schema, subject: "did:web:id.gov.example:erin", data: attestation.commitFields(CITIZEN_FIELDS, { name: "Erin", birthDate: 1n, country: "0x4e4c", resident: true }).data, expirationTime: expiry })).attestation.uid,
    );
    const forged = await t.step("key compromise: the attacker issues a forged credential with the office key", async () =>
      (await officeClient.attest({ schema, subject: "did:web:evil.example:mallory", data: attestation.commitFields(CITIZEN_FIELDS, { name: "Mallory", birthDate: 1n, country: "0x4e4c", resident: true }).data, expirationTime: expiry })).attestation.uid,
    );
    await t.step("office epoch-revokes everything it issued under the schema before now, in one transaction", async () => {
      await officeClient.revokeIssuedBefore(schema, (await latestTime(ctx)) + 1n);
    });
    await t.assert("both office credentials are invalid; the ministry's are untouched", !(await registry.isValid(legit)) && !(await registry.isValid(forged)) && (await registry.isValid(delegated)));

    // Verifier: finds Alice's credential from logs, checks validity, and one disclosed field on-chain.
    const index = await t.step("verifier indexes the registry's logs (no on-chain index)", async () => attestation.AttestationIndex.fromChain(ctx.net.ethers.provider, registryAddr));
    t.note(`indexed ${index.size} attestations; by Safe: ${index.byIssuer(safeAddr).length}; under schema: ${index.bySchema(schema).length}`);
    const alice = index.bySubject(citizens[0]!.subject)[0];
    if (alice === undefined) throw new DrillFailure("Alice's credential is not in the index");
    await t.assert("isValid(Alice) on-chain", await registry.isValid(alice.uid));
    await t.assert("index agrees with the chain for every attestation", (await Promise.all(index.bySchema(schema).map(async (a) => index.isValid(a.uid, await latestTime(ctx)) === (await registry.isValid(a.uid))))).every(Boolean));
    const [country] = attestation.discloseFields(commitments[0]!, ["country"]);
    await t.step("Alice discloses only her country; the disclosure verifier contract checks it against her valid credential", async () => {
      if (!attestation.verifyDisclosedField(alice.data, country!)) throw new DrillFailure("SDK rejects the disclosed field");
      const uid = await stack.contracts.AttestationDisclosureVerifier.verifyField(attestation.attestationStruct(alice), country!.name, country!.salt, country!.encodedValue, [...country!.proof]);
      if (uid !== alice.uid) throw new DrillFailure("verifier checked another attestation");
    });
    t.note(`disclosed: country = ${String(country!.value)} (name, birthDate, resident stay hidden)`);
    await t.step("the same check on Bob's revoked credential is refused", async () => {
      const bob = index.get(issued[1]!)!;
      const [f] = attestation.discloseFields(commitments[1]!, ["country"]);
      await expectRevert(stack.contracts.AttestationDisclosureVerifier.verifyField(attestation.attestationStruct(bob), f!.name, f!.salt, f!.encodedValue, [...f!.proof]), "AttestationNotValid");
    });
  },
};
