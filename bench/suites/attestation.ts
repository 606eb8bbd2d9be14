/**
 * Bench suite `attestation`: gas of our attestation registry beside EAS
 * (@ethereum-attestation-service/eas-contracts, deployed from the npm package's compiled artifacts) on the
 * embedded network, in the same run, with the same payloads (32-byte data, address subject, no hook).
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

import { AbiCoder, Contract, ContractFactory, Signature, Wallet, ZeroAddress, ZeroHash, hexlify, type InterfaceAbi, type Signer, type TransactionResponse } from "ethers";
import { attestation, type Hex } from "@sovereign-stack/sdk";
import * as typechain from "@sovereign-stack/sdk/typechain";

import { row, type BenchRow, type BenchSuite } from "../harness.ts";
import { openNetwork } from "../../scripts/lib/network.ts";

const here = path.dirname(fileURLToPath(import.meta.url));
const easDir = path.join(here, "..", "peers", "node_modules", "@ethereum-attestation-service", "eas-contracts");

interface Artifact {
  readonly abi: InterfaceAbi;
  readonly bytecode: string;
}

function easArtifact(name: string): Artifact {
  const file = path.join(easDir, "artifacts", "contracts", `${name}.sol`, `${name}.json`);
  try {
    return JSON.parse(readFileSync(file, "utf8")) as Artifact;
  } catch (e) {
    throw new Error(`cannot read the EAS artifact ${file} (${(e as Error).message}); run \`npm run bench\` without --no-install so bench/peers is installed`);
  }
}

async function gasOf(tx: Promise<TransactionResponse>): Promise<bigint> {
  const receipt = await (await tx).wait();
  if (receipt === null || receipt.status !== 1) throw new Error("bench transaction failed");
  return receipt.gasUsed;
}

const coder = AbiCoder.defaultAbiCoder();
const payload = (i: number): Hex => <Hex>coder.encode(["bytes32"], [hexlify(new Uint8Array(32).fill((i % 250) + 1))]);
const recipient = (i: number): string => "0x" + (0x1000 + i).toString(16).padStart(40, "0");

const suite: BenchSuite = {
  name: "attestation",
  description: "attestation registry gas vs EAS (same run, same payloads: 32-byte data, address subject, no hook)",
  async run(log) {
    const net = await openNetwork("hardhat");
    const [deployer] = await net.signers();
    const signer = deployer! as unknown as Signer;
    const delegate = Wallet.createRandom().connect(net.ethers.provider);

    // ---- ours ----
    const schemas = await new typechain.AttestationSchemaRegistry__factory(signer).deploy();
    const reg = await new typechain.AttestationRegistry__factory(signer).deploy(await schemas.getAddress());
    const def = { definition: "bytes32 payload", hook: ZeroAddress, revocable: true, maxValidity: 0, location: 0, dataReference: "" };
    const oursSchemaGas = await gasOf(schemas.register(def, "bench", ""));
    const schemaId = attestation.schemaUid(def);
    const req = (i: number) => ({ schema: schemaId as Hex, subject: attestation.encodeSubject(recipient(i)), expirationTime: 0n, refUID: ZeroHash as Hex, data: payload(i), value: 0n, hookData: "0x" as Hex });
    const oursAttest = await gasOf(reg.attest(req(0)));
    const oursMulti1 = await gasOf(reg.multiAttest([req(1000)]));
    const batch = Array.from({ length: 50 }, (_, i) => req(1 + i));
    const multiReceipt = await (await reg.multiAttest(batch)).wait();
    const oursMulti50 = multiReceipt!.gasUsed;
    const uids = multiReceipt!.logs.map((l) => reg.interface.parseLog(l)).filter((p) => p?.name === "Attested").map((p) => p!.args[0] as string);
    const firstUid = uids[0]!;
    const oursRevoke = await gasOf(reg.revoke(firstUid, "0x"));
    const oursMultiRevoke10 = await gasOf(reg.multiRevoke(uids.slice(1, 11)));
    const domain = await attestation.registryDomain(reg);
    const dreq = req(5000);
    const delegation = await attestation.signDelegatedAttest(delegate, domain, dreq, { nonce: 0n, deadline: BigInt(Math.floor(Date.now() / 1000) + 3600) });
    const oursDelegated = await gasOf(reg.attestBySig(dreq, delegation));
    log(`ours deployed at ${await reg.getAddress()}`);

    // ---- EAS ----
    const srArt = easArtifact("SchemaRegistry");
    const easArt = easArtifact("EAS");
    const sr = (await new ContractFactory(srArt.abi, srArt.bytecode, signer).deploy()) as Contract;
    await sr.waitForDeployment();
    const eas = (await new ContractFactory(easArt.abi, easArt.bytecode, signer).deploy(await sr.getAddress())) as Contract;
    await eas.waitForDeployment();
    const easSchemaTx = (await sr.getFunction("register")("bytes32 payload", ZeroAddress, true)) as TransactionResponse;
    const easSchemaReceipt = await easSchemaTx.wait();
    const easSchemaGas = easSchemaReceipt!.gasUsed;
    const easSchema = sr.interface.parseLog(easSchemaReceipt!.logs[0]!)!.args[0] as string;
    const ereq = (i: number) => ({ recipient: recipient(i), expirationTime: 0n, revocable: true, refUID: ZeroHash, data: payload(i), value: 0n });
    const easAttest = await gasOf(eas.getFunction("attest")({ schema: easSchema, data: ereq(0) }));
    const easMulti1 = await gasOf(eas.getFunction("multiAttest")([{ schema: easSchema, data: [ereq(1000)] }]));
    const easMultiTx = (await eas.getFunction("multiAttest")([{ schema: easSchema, data: Array.from({ length: 50 }, (_, i) => ereq(1 + i)) }])) as TransactionResponse;
    const easMultiReceipt = await easMultiTx.wait();
    const easMulti50 = easMultiReceipt!.gasUsed;
    const easUids = easMultiReceipt!.logs.map((l) => eas.interface.parseLog(l)).filter((p) => p?.name === "Attested").map((p) => p!.args[2] as string);
    const easRevoke = await gasOf(eas.getFunction("revoke")({ schema: easSchema, data: { uid: easUids[0]!, value: 0n } }));
    const easMultiRevoke10 = await gasOf(eas.getFunction("multiRevoke")([{ schema: easSchema, data: easUids.slice(1, 11).map((uid) => ({ uid, value: 0n })) }]));
    const easDomainRaw = (await eas.getFunction("eip712Domain")()) as unknown as [string, string, string, bigint, string];
    const easDomain = { name: easDomainRaw[1], version: easDomainRaw[2], chainId: easDomainRaw[3], verifyingContract: easDomainRaw[4] };
    const easDelegate = Wallet.createRandom().connect(net.ethers.provider);
    const edata = ereq(5000);
    const deadline = BigInt(Math.floor(Date.now() / 1000) + 3600);
    const sigHex = await easDelegate.signTypedData(
      easDomain,
      {
        Attest: [
          { name: "attester", type: "address" },
          { name: "schema", type: "bytes32" },
          { name: "recipient", type: "address" },
          { name: "expirationTime", type: "uint64" },
          { name: "revocable", type: "bool" },
          { name: "refUID", type: "bytes32" },
          { name: "data", type: "bytes" },
          { name: "value", type: "uint256" },
          { name: "nonce", type: "uint256" },
          { name: "deadline", type: "uint64" },
        ],
      },
      { attester: easDelegate.address, schema: easSchema, ...edata, nonce: 0n, deadline },
    );
    const sig = Signature.from(sigHex);
    const easDelegated = await gasOf(
      eas.getFunction("attestByDelegation")({ schema: easSchema, data: edata, signature: { v: sig.v, r: sig.r, s: sig.s }, attester: easDelegate.address, deadline }),
    );
    log(`EAS deployed at ${await eas.getAddress()}`);

    const perExtra = (n50: bigint, n1: bigint) => Number(n50 - n1) / 49;
    const rows: BenchRow[] = [
      row("attest (single, 32-byte payload, no hook)", "gas", oursAttest, easAttest, "EAS"),
      row("multiAttest per extra item (N=50)", "gas", Math.round(perExtra(oursMulti50, oursMulti1)), Math.round(perExtra(easMulti50, easMulti1)), "EAS"),
      row("revoke (single)", "gas", oursRevoke, easRevoke, "EAS"),
      row("multiRevoke per item (N=10)", "gas", Math.round(Number(oursMultiRevoke10) / 10), Math.round(Number(easMultiRevoke10) / 10), "EAS"),
      row("delegated attest (EIP-712)", "gas", oursDelegated, easDelegated, "EAS"),
      row("register schema", "gas", oursSchemaGas, easSchemaGas, "EAS"),
    ];
    await net.connection.close();
    return rows;
  },
};

export default suite;
