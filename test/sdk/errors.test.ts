/**
 * The SDK's error hierarchy: every public function throws a BaseError subclass, reverts are decoded through all the
 * deployable contracts' ABIs, and transport failures become RpcError.
 */
import { expect } from "chai";
import { Interface, JsonRpcProvider, Wallet, hexlify, makeError, randomBytes } from "ethers";

import {
  BaseError,
  ContractRevertedError,
  InvalidInputError,
  NotYetError,
  RpcError,
  SdkInputError,
  TransactionFailedError,
  connect,
  contractClient,
  decodeRevert,
  liveness,
  wrapError,
  type Stack,
} from "@sovereign-stack/sdk";
import { exitControllerAbi } from "@sovereign-stack/sdk/abi";

import { deployAttestation, type AttestFixture } from "../attestation/fixture.ts";

async function thrown(p: Promise<unknown> | (() => unknown)): Promise<unknown> {
  try {
    await (typeof p === "function" ? p() : p);
  } catch (e) {
    return e;
  }
  throw new Error("expected a throw");
}

describe("SDK errors", function () {
  this.timeout(120_000);

  describe("the hierarchy", () => {
    it("every error is a BaseError with a short message, a docs anchor and a cause chain to walk", () => {
      const root = new Error("socket hang up");
      const rpc = new RpcError({ url: "http://127.0.0.1:9", cause: root });
      expect(rpc).to.be.instanceOf(BaseError);
      expect(rpc.shortMessage).to.match(/^the RPC node at http:\/\/127\.0\.0\.1:9 failed: check the node URL/);
      expect(rpc.docsPath).to.equal("#sdk-errors-rpcerror");
      expect(rpc.message).to.include("Docs: README.md#sdk-errors-rpcerror");
      expect(rpc.details).to.equal("socket hang up");
      expect(rpc.walk()).to.equal(root);
      expect(rpc.walk((e) => e instanceof RpcError)).to.equal(rpc);
      expect(rpc.walk((e) => e instanceof NotYetError)).to.equal(null);
      for (const e of [
        new InvalidInputError("x", "must be y"),
        new ContractRevertedError({ errorName: "E", args: [] }),
        new NotYetError("it", { opensAt: 1n }),
        new TransactionFailedError({ hash: "0x01" }),
      ]) {
        expect(e).to.be.instanceOf(BaseError);
        expect(e.docsPath).to.match(/^#sdk-errors-/);
      }
    });

    it("SdkInputError is the same class as InvalidInputError, and keeps `field`", () => {
      const e = new SdkInputError("payload.nonce", "must be decimal");
      expect(e).to.be.instanceOf(InvalidInputError);
      expect(e.field).to.equal("payload.nonce");
      expect(e.message).to.match(/^payload\.nonce: must be decimal/);
    });

    it("NotYetError carries when the action opens", () => {
      const e = new NotYetError("forcing", { opensAt: 1_700_000_000n, opensAtBlock: 42n });
      expect([e.opensAt, e.opensAtBlock]).to.deep.equal([1_700_000_000n, 42n]);
      expect(e.shortMessage).to.match(/try again from 2023-11-14T22:13:20\.000Z and L1 block 42/);
    });
  });

  describe("decoding reverts", () => {
    let f: AttestFixture;
    before(async () => {
      f = await deployAttestation();
    });

    it("decodes UnknownAttestation(bytes32) (selector 0x7529e23c) from raw revert data", () => {
      const uid = hexlify(randomBytes(32));
      const data = new Interface(["error UnknownAttestation(bytes32 uid)"]).encodeErrorResult("UnknownAttestation", [uid]);
      expect(data.slice(0, 10)).to.equal("0x7529e23c");
      expect(decodeRevert(data)).to.deep.equal({ errorName: "UnknownAttestation", args: [uid] });
      expect(decodeRevert("0xdeadbeef")).to.equal(null);
    });

    it("ethers' 'execution reverted (unknown custom error) data=0x7529e23c…' becomes a ContractRevertedError with name, args and data", () => {
      const uid = hexlify(randomBytes(32));
      const data = "0x7529e23c" + uid.slice(2);
      // What ethers' JsonRpcProvider throws for a revert whose error is not in the called contract's ABI.
      const raw = makeError("execution reverted (unknown custom error)", "CALL_EXCEPTION", { action: "call", data, reason: null, transaction: { to: null, data: "0x" }, invocation: null, revert: null });
      const e = wrapError(raw, { contract: "AttestationDisclosureVerifier" });
      expect(e).to.be.instanceOf(ContractRevertedError);
      expect((e as ContractRevertedError).errorName).to.equal("UnknownAttestation");
      expect((e as ContractRevertedError).args).to.deep.equal([uid]);
      expect((e as ContractRevertedError).data).to.equal(data);
      expect(e.walk()).to.equal(raw);
    });

    it("a raw revert from the node through an interface lacking the error is decoded the same", async () => {
      const uid = hexlify(randomBytes(32));
      const registry = f.stack.contracts.AttestationRegistry;
      const bare = new Interface(["function revoke(bytes32 uid, bytes hookData) payable"]);
      const raw = await thrown(f.signers[0]!.call({ to: await registry.getAddress(), data: bare.encodeFunctionData("revoke", [uid, "0x"]) }));
      expect(raw).to.not.be.instanceOf(BaseError);
      const e = wrapError(raw, { contract: "AttestationRegistry" });
      expect(e).to.be.instanceOf(ContractRevertedError);
      const r = e as ContractRevertedError;
      expect(r.errorName).to.equal("UnknownAttestation");
      expect(r.args).to.deep.equal([uid]);
      expect(r.data!.slice(0, 10)).to.equal("0x7529e23c");
      expect(r.shortMessage).to.match(/^AttestationRegistry reverted with UnknownAttestation\(0x[0-9a-f]{64}\)/);
    });

    it("an SDK action that reverts throws a decoded ContractRevertedError", async () => {
      const uid = hexlify(randomBytes(32));
      const e = await thrown(f.client().revoke(uid));
      expect(e).to.be.instanceOf(ContractRevertedError);
      expect((e as ContractRevertedError).errorName).to.equal("UnknownAttestation");
      expect((e as ContractRevertedError).args).to.deep.equal([uid]);
    });

    it("every client decodes errors of the contracts it calls (a registry error through the disclosure verifier)", async () => {
      const c = f.stack.contracts;
      // Each client's interface carries every deployable contract's errors.
      expect(c.AttestationDisclosureVerifier.interface.getError("UnknownAttestation")).to.not.equal(null);
      const ec = contractClient("ExitController", await c.AttestationRegistry.getAddress(), null);
      expect(ec.interface.getError("UnknownAttestation")).to.not.equal(null);
    });
  });

  describe("no foreign error escapes", () => {
    let f: AttestFixture;
    before(async () => {
      f = await deployAttestation();
    });

    it("a short uid is an InvalidInputError naming `uid`, not a TypeError", async () => {
      const e = await thrown(f.client().revoke("0x1234"));
      expect(e).to.be.instanceOf(InvalidInputError);
      expect((e as InvalidInputError).field).to.equal("uid");
      expect(await thrown(f.client().isValid("0x12"))).to.be.instanceOf(InvalidInputError);
    });

    it("an invalid account is an InvalidInputError naming the field", async () => {
      const e = await thrown(f.client().nonce("not-an-address"));
      expect(e).to.be.instanceOf(InvalidInputError);
      expect((e as InvalidInputError).field).to.equal("signer");
      const idx = f.stack.contracts.AttestationRegistry;
      const { attestation } = await import("@sovereign-stack/sdk");
      const index = attestation.AttestationIndex.fromLogs(await idx.getAddress(), []);
      expect(await thrown(() => index.byIssuer("0x12"))).to.be.instanceOf(InvalidInputError);
      expect(await thrown(() => attestation.AttestationIndex.fromLogs("nope", []))).to.be.instanceOf(InvalidInputError);
    });

    it("liveness without a provider is an InvalidInputError, not a plain Error", async () => {
      const offline = Wallet.createRandom();
      const stack: Stack = await connect(offline, f.stack.deployment);
      const e = await thrown(liveness(stack));
      expect(e).to.be.instanceOf(InvalidInputError);
      expect((e as InvalidInputError).field).to.equal("stack.runner");
    });

    it("a refused connection is an RpcError (not a raw ECONNREFUSED)", async () => {
      const provider = new JsonRpcProvider("http://127.0.0.1:9", 31337, { staticNetwork: true });
      const e = await thrown(connect(provider, f.stack.deployment));
      provider.destroy();
      expect(e).to.be.instanceOf(RpcError);
      expect((e as RpcError).timeout).to.equal(false);
      expect((e as RpcError).shortMessage).to.match(/check the node URL/);
    });

    it("exports the ABIs as const, usable without ethers' factories", () => {
      const names = exitControllerAbi.filter((x) => x.type === "function").map((x) => x.name);
      expect(names).to.include.members(["triggerExit", "triggerExitAuto", "autoTriggerStatus", "triggerExitDigest", "isCouncilMember"]);
    });
  });
});
