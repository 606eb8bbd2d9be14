/**
 * The SDK decodes every custom error of OnePersonBenefit and ZkIdentityAttestationHook into a ContractRevertedError
 * (name and arguments), whether the revert comes from an SDK action (the relayed batch claim, the attestation client
 * through the registry that calls the hook) or from a raw ethers call passed through `wrapError`. Each error is
 * triggered on the embedded network; the one payment failure needs a real proof (payment follows verification).
 */
import { AbiCoder, ZeroAddress, type Signer } from "ethers";
import { expect } from "chai";

import { ContractRevertedError, InvalidInputError, attestation, connect, decodeRevert, identity as id, wrapError, type Stack } from "@sovereign-stack/sdk";
import * as typechain from "@sovereign-stack/sdk/typechain";

import { deployTo, openNetwork, type OpenNetwork } from "../../scripts/lib/network.ts";
import { attestationComponents } from "../../scripts/lib/stack/attestation.ts";
import { identityComponents } from "../../scripts/lib/stack/identity.ts";
import { POLICY, artifacts, world, type World } from "./fixture.ts";
import { rejection } from "../lib/rejection.ts";

const SCOPE = 0xe220n;
const AMOUNT = 10n ** 15n;
const PROOF_TYPE = "tuple(uint256 root, uint256 nullifier, uint256 issuerAx, uint256 message, uint32 date, uint8 mode, uint256[8] points)";

/** The ContractRevertedError the SDK makes of `e` (an SDK error already, or a raw ethers error). */
function decoded(e: unknown, contract?: string): ContractRevertedError {
  const w = wrapError(e, contract === undefined ? {} : { contract });
  expect(w, String(e)).to.be.instanceOf(ContractRevertedError);
  return w as ContractRevertedError;
}

/**
 * A prover's output shape holding values only (no valid Groth16 proof): enough for the checks a contract makes
 * before it verifies (funds, recipients), and for the SDK's own input checks.
 */
function unprovenProof(message: bigint, nullifier: bigint): id.IdentityProof {
  const policy = id.packPolicy(POLICY, SCOPE, 20260115, "membership");
  const publicSignals = [1n, nullifier, message, policy].map(String);
  return {
    proof: { pi_a: [], pi_b: [], pi_c: [], protocol: "groth16", curve: "bn128" },
    publicSignals,
    signals: id.decodeSignals(publicSignals),
    calldata: { proof: [1n, 2n, 3n, 4n, 5n, 6n, 7n, 8n], publicSignals: [1n, nullifier, 5n, message, policy] },
    timings: { witnessMs: 0, proveMs: 0 },
  };
}

describe("SDK decoding of OnePersonBenefit's and ZkIdentityAttestationHook's errors", function () {
  this.timeout(600_000);
  let net: OpenNetwork;
  let stack: Stack;
  let w: World;
  let signers: Signer[];
  let today: number;

  after(() => id.releaseProver());
  before(async () => {
    net = await openNetwork("hardhat");
    const { deployment } = await deployTo(net, [...attestationComponents(), ...identityComponents()], { outFile: null });
    signers = await net.signers();
    stack = await connect(signers[0]!, deployment);
    w = world();
    const reg = stack.contracts.IdentityRegistry;
    const key = w.issuer.key.publicKey;
    await (await reg.registerIssuer(await signers[0]!.getAddress(), key.x, key.y, 3600n, "Civil Registry")).wait();
    await w.issuer.publishRoot(reg, await reg.issuerCount());
    const block = await net.ethers.provider.getBlock("latest");
    today = id.todayDateInt(new Date(block!.timestamp * 1000));
  });

  async function benefit(funds: bigint): Promise<typechain.OnePersonBenefit> {
    const b = await new typechain.OnePersonBenefit__factory(signers[0]!).deploy(stack.address("ZkIdentityVerifier"), SCOPE, AMOUNT, id.policyStruct(POLICY));
    if (funds > 0n) await (await signers[0]!.sendTransaction({ to: await b.getAddress(), value: funds })).wait();
    return b;
  }

  describe("OnePersonBenefit", () => {
    it("InsufficientFunds(needed, available) from the SDK's relayed batch claim", async () => {
      const b = await benefit(AMOUNT);
      const recipients = await Promise.all(signers.slice(3, 5).map((s) => s.getAddress()));
      const proofs = recipients.map((r, i) => unprovenProof(BigInt(r), 100n + BigInt(i)));
      const e = await rejection(id.relayBenefitClaims(signers[1]!, { benefit: await b.getAddress(), proofs }));
      const r = decoded(e);
      expect(e).to.equal(r); // the SDK action threw the decoded error itself
      expect([r.errorName, r.args]).to.deep.equal(["InsufficientFunds", [2n * AMOUNT, AMOUNT]]);
    });

    it("MessageNotAnAddress(index, message): refused by the SDK before sending, decoded when sent raw", async () => {
      const b = await benefit(10n * AMOUNT);
      const tooBig = 1n << 160n;
      const proofs = [unprovenProof(BigInt(await signers[3]!.getAddress()), 1n), unprovenProof(tooBig, 2n)];
      expect(() => id.prepareBenefitClaimMany({ benefit: ZeroAddress, proofs })).to.throw(InvalidInputError, /proofs\[1\]\.signals\.message/);
      const raw = await rejection(b.claimMany(proofs.map((p) => id.identityProofStruct(p))));
      const r = decoded(raw, "OnePersonBenefit");
      expect([r.errorName, r.args]).to.deep.equal(["MessageNotAnAddress", [1n, tooBig]]);
      expect(r.shortMessage).to.match(/^OnePersonBenefit reverted with MessageNotAnAddress\(1, 1461501637330902918203684832716283019655932542976\)/);
    });

    it("ZeroRecipient() and NothingOwed(recipient)", async () => {
      const b = await benefit(10n * AMOUNT);
      const zero = decoded(await rejection(b.claim(ZeroAddress, id.identityProofStruct(unprovenProof(1n, 3n)))));
      expect([zero.errorName, zero.args]).to.deep.equal(["ZeroRecipient", []]);
      const who = await signers[2]!.getAddress();
      const nothing = decoded(await rejection(b.connect(signers[2]!).withdrawOwed()));
      expect([nothing.errorName, nothing.args]).to.deep.equal(["NothingOwed", [who]]);
    });

    it("PaymentFailed(recipient) when a valid claim pays a recipient that refuses the coin", async () => {
      const b = await benefit(10n * AMOUNT);
      // the verifier has no receive function: a claim bound to it verifies, then its payment fails
      const refuser = stack.address("ZkIdentityVerifier");
      const p = await id.proveIdentity(
        { identity: w.bob, credential: w.bobCred, membership: w.issuer.membershipProof(w.bobCred), policy: POLICY, scope: SCOPE, message: id.messageForAddress(refuser), currentDate: today },
        artifacts(),
      );
      const r = decoded(await rejection(b.claim(refuser, id.identityProofStruct(p))));
      expect([r.errorName, r.args]).to.deep.equal(["PaymentFailed", [refuser]]);
    });
  });

  describe("ZkIdentityAttestationHook", () => {
    let hook: typechain.ZkIdentityAttestationHook;
    let schema: string;

    before(async () => {
      hook = await new typechain.ZkIdentityAttestationHook__factory(signers[0]!).deploy(stack.address("ZkIdentityVerifier"), stack.address("AttestationRegistry"), id.policyStruct(POLICY));
      const def = { definition: "string statement", hook: await hook.getAddress(), revocable: true, maxValidity: 0, location: 0, dataReference: "" };
      const schemas = stack.contracts.AttestationSchemaRegistry;
      await (await schemas.register(def, "sdk-errors", "")).wait();
      schema = await schemas.schemaUid(def);
    });

    const data = AbiCoder.defaultAbiCoder().encode(["string"], ["a statement"]);
    const client = () => new attestation.AttestationClient(stack.contracts.AttestationRegistry, stack.contracts.AttestationSchemaRegistry);

    it("MalformedProof(length) from the SDK's attestation client (the registry bubbles the hook's revert)", async () => {
      const e = await rejection(client().attest({ schema, subject: "", data, hookData: "0x1234" }));
      const r = decoded(e);
      expect(e).to.equal(r);
      expect([r.errorName, r.args]).to.deep.equal(["MalformedProof", [2n]]);
    });

    it("UnexpectedValue(value) when coin is sent with the request", async () => {
      const hookData = AbiCoder.defaultAbiCoder().encode([PROOF_TYPE], [[1n, 2n, 3n, 4n, 20260115, 0, [1n, 2n, 3n, 4n, 5n, 6n, 7n, 8n]]]);
      const e = await rejection(client().attest({ schema, subject: "", data, hookData, value: 7n }));
      const r = decoded(e);
      expect([r.errorName, r.args]).to.deep.equal(["UnexpectedValue", [7n]]);
    });

    it("NotRegistry(caller) on a direct call, and every selector decodes from raw revert data", async () => {
      const caller = await signers[0]!.getAddress();
      const a = { schema, attester: caller, time: 0n, expirationTime: 0n, refUID: "0x" + "00".repeat(32), subject: "0x", data };
      const r = decoded(await rejection(hook.onAttest("0x" + "11".repeat(32), a, caller, "0x")), "ZkIdentityAttestationHook");
      expect([r.errorName, r.args]).to.deep.equal(["NotRegistry", [caller]]);
      for (const [name, args] of [
        ["NotRegistry", [caller]],
        ["UnexpectedValue", [1n]],
        ["MalformedProof", [3n]],
      ] as const) {
        expect(decodeRevert(hook.interface.encodeErrorResult(name, args))).to.deep.equal({ errorName: name, args });
      }
    });
  });
});
