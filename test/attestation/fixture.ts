/**
 * Shared fixture for the attestation tests: the real deploy pipeline (attestation components) on a fresh
 * embedded network, and the SDK connected to it by package name.
 */
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import { attestation, connect, type Stack } from "@sovereign-stack/sdk";

import { deployTo, openNetwork, type OpenNetwork } from "../../scripts/lib/network.ts";
import { attestationComponents } from "../../scripts/lib/stack/attestation.ts";

export interface AttestFixture {
  readonly net: OpenNetwork;
  readonly stack: Stack;
  readonly signers: HardhatEthersSigner[];
  /** A client acting as `signer` (default the deployer). */
  client(signer?: HardhatEthersSigner): attestation.AttestationClient;
  now(): Promise<bigint>;
  increaseTime(seconds: number): Promise<void>;
}

export async function deployAttestation(): Promise<AttestFixture> {
  const net = await openNetwork("hardhat");
  const signers = await net.signers();
  const { deployment } = await deployTo(net, attestationComponents(), { outFile: null });
  const stack = await connect(signers[0]!, deployment);
  return {
    net,
    stack,
    signers,
    client: (signer = signers[0]!) =>
      new attestation.AttestationClient(stack.contracts.AttestationRegistry.connect(signer), stack.contracts.AttestationSchemaRegistry.connect(signer)),
    async now() {
      const b = await net.ethers.provider.getBlock("latest");
      return BigInt(b!.timestamp);
    },
    async increaseTime(seconds) {
      await net.ethers.provider.send("evm_increaseTime", [seconds]);
      await net.ethers.provider.send("evm_mine", []);
    },
  };
}
