/**
 * Bench suite `identity`: our identity circuit (depth 20) beside Semaphore v4 at depth 20, in the same run.
 *  - constraints of the circuit (from the committed ceremony manifest);
 *  - witness time and prove time (witness + Groth16), medians of RUNS runs, runs interleaved with the peer's;
 *  - verify + nullifier gas: gasUsed of a real transaction (ZkIdentityVerifier.validateProof vs Semaphore.validateProof),
 *    both on the embedded network, both including the 21 000 intrinsic gas and calldata.
 */
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

import { ContractFactory, type Contract, type InterfaceAbi } from "ethers";
import { connect, identity as id } from "@sovereign-stack/sdk";

import { row, type BenchRow, type BenchSuite } from "../harness.ts";
import { deployTo, openNetwork } from "../../scripts/lib/network.ts";
import { identityComponents } from "../../scripts/lib/stack/identity.ts";

const here = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(here, "..", "..");
const ART = path.join(ROOT, "circuits", "artifacts", "identity_20");
const PEERS = path.join(ROOT, "bench", "peers");
const RUNS = 5;
const DEPTH = 20;
const PEER = "Semaphore v4 (depth 20)";

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

interface SolcOutput {
  errors?: { severity: string; formattedMessage: string }[];
  contracts: Record<string, Record<string, { abi: InterfaceAbi; evm: { bytecode: { object: string } } }>>;
}

/** Compiles the Semaphore contracts from bench/peers with the project's offline solc. */
function compileSemaphore(peerRequire: NodeJS.Require): SolcOutput {
  const require = createRequire(import.meta.url);
  const solc = require("solc") as { compile(input: string, opts: { import(p: string): { contents: string } | { error: string } }): string };
  const resolve = (p: string): string => peerRequire.resolve(p);
  const src = (p: string): string => require("node:fs").readFileSync(resolve(p), "utf8") as string;
  const input = {
    language: "Solidity",
    sources: {
      "@semaphore-protocol/contracts/Semaphore.sol": { content: src("@semaphore-protocol/contracts/Semaphore.sol") },
      "@semaphore-protocol/contracts/base/SemaphoreVerifier.sol": { content: src("@semaphore-protocol/contracts/base/SemaphoreVerifier.sol") },
    },
    settings: { optimizer: { enabled: true, runs: 200 }, evmVersion: "cancun", outputSelection: { "*": { "*": ["abi", "evm.bytecode.object"] } } },
  };
  const out = JSON.parse(
    solc.compile(JSON.stringify(input), {
      import: (p: string) => {
        try {
          return { contents: src(p) };
        } catch {
          return { error: `not found: ${p}` };
        }
      },
    }),
  ) as SolcOutput;
  const errors = (out.errors ?? []).filter((e) => e.severity === "error");
  if (errors.length > 0) throw new Error(errors.map((e) => e.formattedMessage).join("\n"));
  return out;
}

const suite: BenchSuite = {
  name: "identity",
  description: `ZK identity proof (EdDSA credential + LeanIMT membership + predicates + nullifier, depth ${DEPTH}) vs ${PEER}`,
  async run(log) {
    const peerRequire = createRequire(path.join(PEERS, "package.json"));
    const load = async <T>(name: string): Promise<T> => (await import(pathToFileURL(peerRequire.resolve(name)).href)) as T;
    const { Identity: SemIdentity } = await load<{ Identity: new (k?: string) => { commitment: bigint } }>("@semaphore-protocol/identity");
    const { Group } = await load<{ Group: new (members?: bigint[]) => { root: bigint } }>("@semaphore-protocol/group");
    const { generateProof } = await load<{
      generateProof(i: unknown, g: unknown, m: bigint, s: bigint, d: number, a: { wasm: string; zkey: string }): Promise<{
        merkleTreeDepth: number;
        merkleTreeRoot: string;
        nullifier: string;
        message: string;
        scope: string;
        points: string[];
      }>;
    }>("@semaphore-protocol/proof");
    const semArtifacts = {
      wasm: path.join(path.dirname(peerRequire.resolve("@zk-kit/semaphore-artifacts/package.json")), `semaphore-${DEPTH}.wasm`),
      zkey: path.join(path.dirname(peerRequire.resolve("@zk-kit/semaphore-artifacts/package.json")), `semaphore-${DEPTH}.zkey`),
    };

    const manifest = JSON.parse(await readFile(path.join(ART, "ceremony.json"), "utf8")) as { constraints: number };

    // ---- chain setup: ours through the stack manifest, Semaphore compiled from the peer package
    const net = await openNetwork("hardhat");
    const [deployer] = await net.signers();
    const result = await deployTo(net, identityComponents(), { outFile: null });
    const stack = await connect(deployer!, result.deployment);
    const issuer = new id.Issuer(id.IssuerKey.create());
    const people = Array.from({ length: 8 }, () => id.Identity.create());
    const creds = people.map((p) => issuer.enrol(p.commitment, { birthDate: 19900101, region: 7, expiry: 20991231 }));
    const k = issuer.key.publicKey;
    await (await stack.contracts.IdentityRegistry.registerIssuer(deployer!.address, k.x, k.y, 3600, "bench")).wait();
    await issuer.publishRoot(stack.contracts.IdentityRegistry, await stack.contracts.IdentityRegistry.issuerCount());

    log("compiling Semaphore v4 contracts (bench/peers) ...");
    const out = compileSemaphore(peerRequire);
    const art = (file: string, name: string) => out.contracts[file]![name]!;
    const poseidonArt = art("poseidon-solidity/PoseidonT3.sol", "PoseidonT3");
    const poseidon = await new ContractFactory(poseidonArt.abi, poseidonArt.evm.bytecode.object, deployer).deploy();
    const semVerifierArt = art("@semaphore-protocol/contracts/base/SemaphoreVerifier.sol", "SemaphoreVerifier");
    const semVerifier = await new ContractFactory(semVerifierArt.abi, semVerifierArt.evm.bytecode.object, deployer).deploy();
    const semArt = art("@semaphore-protocol/contracts/Semaphore.sol", "Semaphore");
    const linked = semArt.evm.bytecode.object.replace(/__\$[0-9a-f]{34}\$__/g, (await poseidon.getAddress()).slice(2).toLowerCase());
    const semaphore = (await new ContractFactory(semArt.abi, linked, deployer).deploy(await semVerifier.getAddress())) as unknown as Contract;
    const semIds = Array.from({ length: 8 }, (_, i) => new SemIdentity(`bench-${i}`));
    await (await semaphore["createGroup()"]!()).wait();
    await (await semaphore.addMembers!(0n, semIds.map((i) => i.commitment))).wait();
    const group = new Group(semIds.map((i) => i.commitment));

    // ---- proving, interleaved
    const block = await net.ethers.provider.getBlock("latest");
    const today = id.todayDateInt(new Date(block!.timestamp * 1000));
    const policy: id.IdentityPolicy = { minAge: 18, regions: [7], dateToleranceDays: 1 };
    const ours: id.IdentityProof[] = [];
    const oursWitness: number[] = [];
    const oursTotal: number[] = [];
    const peerTotal: number[] = [];
    let semProof: Awaited<ReturnType<typeof generateProof>> | undefined;
    // one warm-up each (wasm compilation, curve setup) is not counted
    for (let r = -1; r < RUNS; r++) {
      const who = r < 0 ? 0 : r;
      const t0 = performance.now();
      const p = await id.proveIdentity(
        {
          identity: people[who]!,
          credential: creds[who]!,
          membership: issuer.membershipProof(creds[who]!),
          policy,
          scope: 1n + BigInt(who),
          message: BigInt(deployer!.address),
          currentDate: today,
        },
        { wasm: path.join(ART, "identity_20.wasm"), zkey: path.join(ART, "identity_20.zkey") },
      );
      const t1 = performance.now();
      const sp = await generateProof(semIds[who]!, group, 42n, 1000n + BigInt(who), DEPTH, semArtifacts);
      const t2 = performance.now();
      if (r < 0) continue;
      ours.push(p);
      oursWitness.push(p.timings.witnessMs);
      oursTotal.push(t1 - t0);
      peerTotal.push(t2 - t1);
      semProof = sp;
      log(`run ${r + 1}/${RUNS}: ours ${(t1 - t0).toFixed(0)} ms (witness ${p.timings.witnessMs.toFixed(0)} ms), Semaphore ${(t2 - t1).toFixed(0)} ms`);
    }

    // ---- gas: a real verify + nullifier transaction each
    const p = ours[0]!;
    const v = stack.contracts.ZkIdentityVerifier;
    const oursTx = await (
      await v.validateProof(id.identityProofStruct(p), 1n, BigInt(deployer!.address), id.policyStruct(policy))
    ).wait();
    const semTx = await (await semaphore.validateProof!(0n, semProof!)).wait();
    const oursGas = oursTx!.gasUsed;
    const c = p.calldata.proof;
    const pairingGas = await stack.contracts.IdentityGroth16Verifier.verifyProof.estimateGas(
      [c[0]!, c[1]!],
      [
        [c[2]!, c[3]!],
        [c[4]!, c[5]!],
      ],
      [c[6]!, c[7]!],
      p.calldata.publicSignals,
    );
    const semGas = (semTx as { gasUsed: bigint }).gasUsed;
    log(`gasUsed: ours ${oursGas}, Semaphore validateProof ${semGas} (both include 21000 intrinsic gas)`);

    const rows: BenchRow[] = [
      row(`constraints (depth ${DEPTH})`, "constraints", manifest.constraints),
      row("witness generation (median)", "ms", Math.round(median(oursWitness))),
      row(`prove: witness + Groth16 (median of ${RUNS})`, "ms", Math.round(median(oursTotal)), Math.round(median(peerTotal)), PEER),
      row("verify + nullifier (tx gasUsed)", "gas", oursGas, semGas, PEER),
      row("verify + nullifier (execution, excl. 21000)", "gas", oursGas - 21000n, semGas - 21000n, PEER),
      row("  of which Groth16 verifyProof alone (tx)", "gas", pairingGas),
    ];
    return rows;
  },
};

export default suite;
