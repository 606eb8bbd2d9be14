/**
 * Semaphore v4 as a bench peer: its contracts compiled from bench/peers with the project's offline solc and deployed
 * on a network, a group of members, and its prover. Shared by the identity suites.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

import { ContractFactory, type Contract, type InterfaceAbi, type Signer } from "ethers";

const PEERS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "peers");

interface SolcOutput {
  errors?: { severity: string; formattedMessage: string }[];
  contracts: Record<string, Record<string, { abi: InterfaceAbi; evm: { bytecode: { object: string } } }>>;
}

/** A Semaphore v4 proof as its prover returns it (the `validateProof` struct). */
export interface SemaphoreProof {
  merkleTreeDepth: number;
  merkleTreeRoot: string;
  nullifier: string;
  message: string;
  scope: string;
  points: string[];
}

/** A deployed Semaphore with one group (id 0) of `members` identities, and a prover for them. */
export interface SemaphorePeer {
  readonly semaphore: Contract;
  /** A proof by member `i` for `message` and `scope`. */
  prove(i: number, message: bigint, scope: bigint): Promise<SemaphoreProof>;
}

const peerRequire = createRequire(path.join(PEERS, "package.json"));

function compile(): SolcOutput {
  const require = createRequire(import.meta.url);
  const solc = require("solc") as { compile(input: string, opts: { import(p: string): { contents: string } | { error: string } }): string };
  const src = (p: string): string => readFileSync(peerRequire.resolve(p), "utf8");
  const input = {
    language: "Solidity",
    sources: {
      "@semaphore-protocol/contracts/Semaphore.sol": { content: src("@semaphore-protocol/contracts/Semaphore.sol") },
      "@semaphore-protocol/contracts/base/SemaphoreVerifier.sol": { content: src("@semaphore-protocol/contracts/base/SemaphoreVerifier.sol") },
    },
    settings: { optimizer: { enabled: true, runs: 200 }, evmVersion: "cancun", outputSelection: { "*": { "*": ["abi", "evm.bytecode.object"] } } },
  };
  const importer = (p: string): { contents: string } | { error: string } => {
    try {
      return { contents: src(p) };
    } catch {
      return { error: `not found: ${p}` };
    }
  };
  const out = JSON.parse(solc.compile(JSON.stringify(input), { import: importer })) as SolcOutput;
  const errors = (out.errors ?? []).filter((e) => e.severity === "error");
  if (errors.length > 0) throw new Error(errors.map((e) => e.formattedMessage).join("\n"));
  return out;
}

async function load<T>(name: string): Promise<T> {
  return (await import(pathToFileURL(peerRequire.resolve(name)).href)) as T;
}

/** Deploys Semaphore v4 (PoseidonT3, SemaphoreVerifier, Semaphore), creates group 0 with `members` identities. */
export async function deploySemaphorePeer(deployer: Signer, members: number, depth: number): Promise<SemaphorePeer> {
  const { Identity } = await load<{ Identity: new (k?: string) => { commitment: bigint } }>("@semaphore-protocol/identity");
  const { Group } = await load<{ Group: new (members?: bigint[]) => { root: bigint } }>("@semaphore-protocol/group");
  const { generateProof } = await load<{
    generateProof(i: unknown, g: unknown, m: bigint, s: bigint, d: number, a: { wasm: string; zkey: string }): Promise<SemaphoreProof>;
  }>("@semaphore-protocol/proof");
  const artifactsDir = path.dirname(peerRequire.resolve("@zk-kit/semaphore-artifacts/package.json"));
  const artifacts = { wasm: path.join(artifactsDir, `semaphore-${depth}.wasm`), zkey: path.join(artifactsDir, `semaphore-${depth}.zkey`) };
  const out = compile();
  const art = (file: string, name: string) => out.contracts[file]![name]!;
  const poseidonArt = art("poseidon-solidity/PoseidonT3.sol", "PoseidonT3");
  const poseidon = await new ContractFactory(poseidonArt.abi, poseidonArt.evm.bytecode.object, deployer).deploy();
  const verifierArt = art("@semaphore-protocol/contracts/base/SemaphoreVerifier.sol", "SemaphoreVerifier");
  const verifier = await new ContractFactory(verifierArt.abi, verifierArt.evm.bytecode.object, deployer).deploy();
  const semArt = art("@semaphore-protocol/contracts/Semaphore.sol", "Semaphore");
  const linked = semArt.evm.bytecode.object.replace(/__\$[0-9a-f]{34}\$__/g, (await poseidon.getAddress()).slice(2).toLowerCase());
  const semaphore = (await new ContractFactory(semArt.abi, linked, deployer).deploy(await verifier.getAddress())) as unknown as Contract;
  const ids = Array.from({ length: members }, (_, i) => new Identity(`bench-${i}`));
  await (await semaphore["createGroup()"]!()).wait();
  await (await semaphore.addMembers!(0n, ids.map((i) => i.commitment))).wait();
  const group = new Group(ids.map((i) => i.commitment));
  return { semaphore, prove: (i, message, scope) => generateProof(ids[i]!, group, message, scope, depth, artifacts) };
}
