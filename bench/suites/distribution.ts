/**
 * npm run bench -- distribution
 *
 * TokenTable distribution, ours beside the peers in the same run:
 * - vesting gas (TokenVesting, a 1-year cliff then linear to 4 years) vs Sablier Lockup 4.0.1 `SablierLockup`
 *   (createWithDurationsLL with the same cliff and duration), deployed from its npm artifacts with its comptroller
 *   (fees 0). Each measured call is a steady-state one: a warm-up creation pays the one-time costs first; every
 *   recipient is fresh (first token balance), as in a real programme.
 * - campaign claim gas: MerkleCampaigns.claim with a 26-hash proof (a 2^26-leaf tree: two real sibling leaves and
 *   a path of 25 random nodes, which is all the contract sees of a tree) vs Uniswap MerkleDistributor 1.0.1 with a
 *   17-hash proof (100k leaves, built the same way). Warm-up claim first, then a claim in a fresh bitmap word to a
 *   fresh recipient, for both. The goal row is ours in a bitmap word pre-warmed at creation (`warmClaimBitmap`: every
 *   claim then writes a non-zero slot, where a cold word's first claimant pays for the slot): the warming's gas per
 *   recipient is its own row; the cold-word claim is kept beside it.
 * - relayer batch: claimMany of 100 leaves (indices 1000..1099, depth 26) per recipient vs Uniswap's single claim; and
 *   claimManyMultiproof of 100 leaves under one multiproof, per recipient vs the same: 100 of a real 128-leaf subtree
 *   (indices 2000..2099, the SDK's multiproof plus the 19 upper siblings: aligned to the subtree, the best case); 100
 *   consecutive indices (3000..3099, straddling two subtrees and two bitmap words) in an index-ordered 2^26-leaf tree
 *   (campaign trees keep leaves in index order: what a relayer batching by index meets at national scale; the goal
 *   row); and, informative, 100 random indices of such a tree, in 100 bitmap words that already hold a claim.
 * - tree build: 100k leaves from a CSV into a proof store (ours, including CSV parsing and writing the store; the
 *   median of 5 builds) vs `StandardMerkleTree.of(rows, types, { sortLeaves: false })` in memory (OpenZeppelin, one
 *   run), same root.
 * - tree build at DIST_BENCH_ROWS rows (default 40,000,000; e.g. DIST_BENCH_ROWS=1000000 for a smoke run) in a
 *   child process (its own peak RSS), vs the disk floor in the same run: `dd` reading the CSV plus `dd` writing a
 *   file of the store's size. Files go to os.tmpdir() and are deleted afterwards.
 * - proofs served per second over HTTP (16 concurrent clients, keep-alive) and one proof's latency, on that store.
 *
 * DIST_BENCH_PARTS=vesting,campaign,build100k,big runs only the parts named (default: all).
 */
import { execFileSync, spawn } from "node:child_process";
import { mkdtempSync, openSync, readFileSync, rmSync, statSync, writeSync, closeSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

import { StandardMerkleTree } from "@openzeppelin/merkle-tree";
import { processMultiProof } from "@openzeppelin/merkle-tree/dist/core.js";
import { Contract, ContractFactory, concat, getAddress, hexlify, keccak256, randomBytes, solidityPackedKeccak256, toBeHex, type InterfaceAbi, type Signer, type TransactionReceipt } from "ethers";
import { DistributionTree, distributionLeaf, multiProofOfPositions, vestingPresets } from "@sovereign-stack/sdk/distribution";
import { ProofStore, buildDistribution } from "@sovereign-stack/sdk/node";

import { row, type BenchRow, type BenchSuite } from "../harness.ts";
import { benchParts } from "../lib/parts.ts";
import { openNetwork, type OpenNetwork } from "../../scripts/lib/network.ts";

const here = path.dirname(fileURLToPath(import.meta.url));
const PEERS = path.join(here, "..", "peers", "node_modules");
const ROOT = path.join(here, "..", "..");
const ZERO = "0x0000000000000000000000000000000000000000";
const YEAR = 365 * 86_400;
const SABLIER = "Sablier Lockup 4.0.1 (LL, cliff)";
const UNISWAP = "Uniswap MerkleDistributor 1.0.1 claim (100k leaves)";

interface Artifact {
  abi: InterfaceAbi;
  bytecode: string;
  linkReferences: Record<string, Record<string, { start: number; length: number }[]>>;
}

function readArtifact(rel: string): Artifact {
  const file = path.join(PEERS, rel);
  let j: { abi: InterfaceAbi; bytecode: string | { object: string; linkReferences?: Artifact["linkReferences"] } };
  try {
    j = JSON.parse(readFileSync(file, "utf8")) as typeof j;
  } catch (e) {
    throw new Error(`cannot read the peer artifact ${file} (${(e as Error).message.split("\n")[0]}); run \`npm run bench\` (it installs bench/peers)`);
  }
  const bc = typeof j.bytecode === "string" ? j.bytecode : j.bytecode.object;
  // Sablier's ABI names a Chainlink interface as a parameter type in two view functions; ethers cannot parse those
  // fragments (and the bench does not call them), so they are left out instead of warned about.
  const solidityType = /^(u?int\d*|address|bool|bytes\d*|string|tuple|function)(\[\d*\])*$/;
  type Param = { type: string; components?: Param[] };
  const valid = (ps: Param[] | undefined): boolean => (ps ?? []).every((p) => solidityType.test(p.type) && valid(p.components));
  const abi = (j.abi as { inputs?: Param[]; outputs?: Param[] }[]).filter((f) => valid(f.inputs) && valid(f.outputs)) as InterfaceAbi;
  return { abi, bytecode: bc.startsWith("0x") ? bc : "0x" + bc, linkReferences: typeof j.bytecode === "string" ? {} : (j.bytecode.linkReferences ?? {}) };
}

async function deploy(a: Artifact, signer: Signer, args: unknown[] = [], libs: Record<string, string> = {}): Promise<Contract> {
  let code = a.bytecode;
  for (const refs of Object.values(a.linkReferences)) {
    for (const [name, places] of Object.entries(refs)) {
      const lib = libs[name];
      if (lib === undefined) throw new Error(`library ${name} not deployed`);
      for (const { start, length } of places) code = code.slice(0, 2 + start * 2) + lib.slice(2).toLowerCase() + code.slice(2 + (start + length) * 2);
    }
  }
  const c = await new ContractFactory(a.abi, code, signer).deploy(...args);
  await c.waitForDeployment();
  return c as Contract;
}

/** Calldata bytes of every transaction `gasOf` measured last, by its data (for the logged gas breakdowns). */
let lastCalldata = "0x";

async function gasOf(p: Promise<{ data?: string; wait(): Promise<TransactionReceipt | null> }>): Promise<bigint> {
  const tx = await p;
  lastCalldata = tx.data ?? "0x";
  const r = await tx.wait();
  if (r === null || r.status !== 1) throw new Error("transaction failed");
  return r.gasUsed;
}

/** The intrinsic calldata gas of the last measured transaction (4 per zero byte, 16 per other byte). */
function lastCalldataGas(): bigint {
  const b = Buffer.from(lastCalldata.slice(2), "hex");
  let g = 0n;
  for (const x of b) g += x === 0 ? 4n : 16n;
  return g;
}

/** "total gas = 21000 + calldata + execution" of the last measured transaction, per recipient of `n`. */
function breakdown(gas: bigint, n: bigint): string {
  const cd = lastCalldataGas();
  return `per recipient ${gas / n} = calldata ${cd / n} + execution ${(gas - 21000n - cd) / n} + 21000/${n}`;
}

/** OpenZeppelin's commutative node hash (also Uniswap's MerkleProof rule). */
function hashPair(a: string, b: string): string {
  return BigInt(a) < BigInt(b) ? keccak256(concat([a, b])) : keccak256(concat([b, a]));
}

function foldPath(leaf: string, siblings: readonly string[]): string {
  return siblings.reduce((h, s) => hashPair(h, s), leaf);
}

const rand32 = (): string => hexlify(randomBytes(32));
const freshAccount = (): string => getAddress(hexlify(randomBytes(20)));

async function vestingRows(net: OpenNetwork, log: (l: string) => void): Promise<BenchRow[]> {
  const [admin] = await net.signers();
  const token = (await net.ethers.deployContract("TestToken", ["Vest", "VST"])) as unknown as Contract;
  const tokenAddr = await token.getAddress();
  await (await token.getFunction("mint")(admin!.address, 10n ** 30n)).wait();

  // ours
  const v = (await net.ethers.deployContract("TokenVesting", [admin!.address, true, true])) as unknown as Contract;
  const preset = vestingPresets.cliffLinear(YEAR, 3 * YEAR, 2500);
  await (await v.getFunction("createPreset")(preset.ends, preset.bips)).wait();
  await (await token.getFunction("approve")(await v.getAddress(), 2n ** 255n)).wait();
  // peer
  const comptroller = await deploy(readArtifact("@sablier/evm-utils/artifacts/SablierComptroller.json"), admin!, [admin!.address]);
  const helpers = await deploy(readArtifact("@sablier/lockup/artifacts/libraries/LockupHelpers.json"), admin!);
  const math = await deploy(readArtifact("@sablier/lockup/artifacts/libraries/LockupMath.json"), admin!);
  const sablier = await deploy(readArtifact("@sablier/lockup/artifacts/SablierLockup.json"), admin!, [await comptroller.getAddress(), admin!.address], {
    LockupHelpers: await helpers.getAddress(),
    LockupMath: await math.getAddress(),
  });
  await (await token.getFunction("approve")(await sablier.getAddress(), 2n ** 255n)).wait();

  const amount = 1_000_000n * 10n ** 18n;
  const now = BigInt((await net.ethers.provider.getBlock("latest"))!.timestamp) + 10n;
  const oursCreate = async (b: string): Promise<bigint> => gasOf(v.getFunction("createSchedules")(tokenAddr, 1, now, true, admin!.address, [b], [amount]));
  const peerCreate = async (b: string): Promise<bigint> =>
    gasOf(
      sablier.getFunction("createWithDurationsLL")(
        { sender: admin!.address, recipient: b, depositAmount: amount, token: tokenAddr, cancelable: true, transferable: true, shape: "cliff" },
        { start: 0, cliff: 0 },
        0,
        { cliff: YEAR, total: 4 * YEAR },
      ),
    );
  // warm-up, then the measured creations: schedule/stream 2 is withdrawn, 3 is cancelled
  await oursCreate(freshAccount());
  await peerCreate(freshAccount());
  const signers = await net.signers();
  const beneficiary = signers[15]!;
  const ourCreate = await oursCreate(beneficiary.address);
  const theirCreate = await peerCreate(beneficiary.address);
  await oursCreate(freshAccount());
  await peerCreate(freshAccount());
  await net.ethers.provider.send("evm_increaseTime", [2 * YEAR]);
  await net.ethers.provider.send("evm_mine", []);
  const ourClaim = await gasOf(v.connect(beneficiary).getFunction("claim")(2));
  const fee = (await sablier.getFunction("calculateMinFeeWei")(2)) as bigint;
  const theirWithdraw = await gasOf(sablier.connect(beneficiary).getFunction("withdrawMax")(2, beneficiary.address, { value: fee }));
  const ourCancel = await gasOf(v.getFunction("cancel")([3]));
  const theirCancel = await gasOf(sablier.getFunction("cancel")(3));
  log(`vesting: TokenVesting preset ends ${JSON.stringify(preset.ends)} bips ${JSON.stringify(preset.bips)}; Sablier createWithDurationsLL cliff ${YEAR} s, total ${4 * YEAR} s, fee ${fee} wei`);
  return [
    row("vesting create, 1 schedule (cliff + linear)", "gas", ourCreate, theirCreate, SABLIER),
    row("vesting claim (withdraw) at 2 years", "gas", ourClaim, theirWithdraw, SABLIER),
    row("vesting cancel (revocable, unclaimed)", "gas", ourCancel, theirCancel, SABLIER),
  ];
}

async function campaignRows(net: OpenNetwork, log: (l: string) => void): Promise<BenchRow[]> {
  const [admin, relayer] = await net.signers();
  const token = (await net.ethers.deployContract("TestToken", ["Benefit", "BEN"])) as unknown as Contract;
  const tokenAddr = await token.getAddress();
  const amount = 250n * 10n ** 18n;

  // Uniswap MerkleDistributor, 100k leaves: depth 17
  const a = { index: 5n, account: freshAccount() };
  const b = { index: 1000n, account: freshAccount() };
  const uniLeaf = (x: { index: bigint; account: string }): string => solidityPackedKeccak256(["uint256", "address", "uint256"], [x.index, x.account, amount]);
  const uniUpper = Array.from({ length: 16 }, rand32);
  const uniRoot = foldPath(hashPair(uniLeaf(a), uniLeaf(b)), uniUpper);
  const uni = await deploy(readArtifact("@uniswap/merkle-distributor/build/MerkleDistributor.json"), admin!, [tokenAddr, uniRoot]);
  await (await token.getFunction("mint")(await uni.getAddress(), 10n * amount)).wait();
  await gasOf(uni.getFunction("claim")(a.index, a.account, amount, [uniLeaf(b), ...uniUpper]));
  const uniClaim = await gasOf(uni.connect(relayer!).getFunction("claim")(b.index, b.account, amount, [uniLeaf(a), ...uniUpper]));

  // ours, depth 26
  const mc = (await net.ethers.deployContract("MerkleCampaigns", [ZERO, ZERO])) as unknown as Contract;
  const campaigns = await mc.getAddress();
  await (await token.getFunction("mint")(admin!.address, 10n ** 30n)).wait();
  await (await token.getFunction("approve")(campaigns, 2n ** 255n)).wait();
  const now = BigInt((await net.ethers.provider.getBlock("latest"))!.timestamp);
  const create = async (root: string): Promise<void> => {
    await (await mc.getFunction("createCampaign")({ token: tokenAddr, funding: 10n ** 27n, root, start: now, deadline: now + 86_400n * 365n, clawbackTo: admin!.address, presetId: 0 })).wait();
  };
  const ourLeaf = (x: { index: bigint; account: string }): string => distributionLeaf({ ...x, amount });
  // fresh recipients (a and b already hold tokens from the Uniswap claims), same indices
  const a2 = { index: a.index, account: freshAccount() };
  const b2 = { index: b.index, account: freshAccount() };
  const upper = Array.from({ length: 25 }, rand32);
  await create(foldPath(hashPair(ourLeaf(a2), ourLeaf(b2)), upper));
  await gasOf(mc.getFunction("claim")(1, a2.index, a2.account, amount, [ourLeaf(b2), ...upper]));
  const proofB = [ourLeaf(a2), ...upper];
  const ourClaim = await gasOf(mc.connect(relayer!).getFunction("claim")(1, b2.index, b2.account, amount, proofB));

  // the same claim at Uniswap's depth (17: 100k leaves), for the like-for-like figure
  const c = { index: 2000n, account: freshAccount() };
  const d = { index: 3000n, account: freshAccount() };
  const upper16 = Array.from({ length: 16 }, rand32);
  await create(foldPath(hashPair(ourLeaf(c), ourLeaf(d)), upper16));
  await gasOf(mc.getFunction("claim")(2, c.index, c.account, amount, [ourLeaf(d), ...upper16]));
  const ourClaim17 = await gasOf(mc.connect(relayer!).getFunction("claim")(2, d.index, d.account, amount, [ourLeaf(c), ...upper16]));

  // relayer batch: a real 128-leaf subtree (indices 1000..1127) under 19 random nodes: depth 26
  const sub = DistributionTree.of(Array.from({ length: 128 }, (_, i) => ({ index: 1000n + BigInt(i), account: freshAccount(), amount })));
  const upper19 = Array.from({ length: 19 }, rand32);
  await create(foldPath(sub.root, upper19));
  const warm = sub.proof(1127n);
  await gasOf(mc.getFunction("claim")(3, warm.index, warm.account, warm.amount, [...warm.proof, ...upper19]));
  const batch = Array.from({ length: 100 }, (_, i) => {
    const p = sub.proof(1000n + BigInt(i));
    return { index: p.index, account: p.account, amount: p.amount, proof: [...p.proof, ...upper19] };
  });
  if (batch[0]!.proof.length !== 26 || proofB.length !== 26) throw new Error("proof depth is not 26");
  const batchGas = await gasOf(mc.connect(relayer!).getFunction("claimMany")(3, batch));
  log(`campaign claim: claimMany of 100 (depth 26): ${breakdown(batchGas, 100n)}`);
  for (const c of batch.slice(0, 3)) if ((await token.getFunction("balanceOf")(c.account)) !== amount) throw new Error("batch did not pay");
  // relayer batch under one multiproof: another real 128-leaf subtree (indices 2000..2127) under 19 random nodes,
  // the multiproof of 100 of its leaves from the SDK, extended by the 19 upper siblings (flags false)
  const sub2 = DistributionTree.of(Array.from({ length: 128 }, (_, i) => ({ index: 2000n + BigInt(i), account: freshAccount(), amount })));
  const upper19b = Array.from({ length: 19 }, rand32);
  await create(foldPath(sub2.root, upper19b));
  const warm2 = sub2.proof(2127n);
  await gasOf(mc.getFunction("claim")(4, warm2.index, warm2.account, warm2.amount, [...warm2.proof, ...upper19b]));
  const sm = sub2.multiProof(Array.from({ length: 100 }, (_, i) => 2000n + BigInt(i)));
  const multiproof = { leaves: sm.leaves, proof: [...sm.proof, ...upper19b], proofFlags: [...sm.proofFlags, ...upper19b.map(() => false)] };
  const multiGas = await gasOf(mc.connect(relayer!).getFunction("claimManyMultiproof")(4, multiproof.leaves.map((l) => [l.index, l.account, l.amount]), multiproof.proof, multiproof.proofFlags));
  log(`campaign claim: multiproof of 100 in one 128-leaf subtree: ${breakdown(multiGas, 100n)}`);
  for (const l of multiproof.leaves.slice(0, 3)) if ((await token.getFunction("balanceOf")(l.account)) !== amount) throw new Error("multiproof batch did not pay");
  // relayer batch under one multiproof, what a relayer batching by index meets: 100 consecutive indices
  // (3000..3099, not aligned to a subtree: they straddle two 128-leaf blocks and two bitmap words) in an index-ordered
  // 2^26-leaf tree. Only the nodes the proof reads exist: each real leaf at its index's place, every other node a
  // hash of its position. Steady state: the warm-up claim (index 3100) already wrote the second bitmap word.
  const consecutive = indexOrderedPartialTree(
    Array.from({ length: 101 }, (_, i) => ({ index: 3000n + BigInt(i), account: freshAccount(), amount })),
    26,
  );
  await create(consecutive.root);
  const warm3 = consecutive.single(3100n);
  await gasOf(mc.getFunction("claim")(5, warm3.leaf.index, warm3.leaf.account, warm3.leaf.amount, warm3.proof));
  const cm = consecutive.batch(Array.from({ length: 100 }, (_, i) => 3000n + BigInt(i)));
  const consecutiveGas = await gasOf(mc.connect(relayer!).getFunction("claimManyMultiproof")(5, cm.leaves.map((l) => [l.index, l.account, l.amount]), cm.proof, cm.proofFlags));
  log(`campaign claim: multiproof of 100 consecutive indices in an index-ordered 2^26 tree: ${breakdown(consecutiveGas, 100n)}`);
  for (const l of cm.leaves.slice(0, 3)) if ((await token.getFunction("balanceOf")(l.account)) !== amount) throw new Error("consecutive multiproof batch did not pay");
  // informative: 100 random indices of the same tree (a relayer batching whoever asked), scattered over the tree and
  // over 100 of the 2^18 bitmap words; steady state: each of those words already holds an earlier claim (a
  // word-mate claimed singly first), as it does once a campaign is under way
  const words = new Set<bigint>();
  while (words.size < 100) words.add(BigInt(Math.floor(Math.random() * 2 ** 18)));
  const randomLeaves = [...words].map((w) => ({ index: w * 256n + 7n, account: freshAccount(), amount }));
  const mates = [...words].map((w) => ({ index: w * 256n + 8n, account: freshAccount(), amount }));
  const scattered = indexOrderedPartialTree([...randomLeaves, ...mates], 26);
  await create(scattered.root);
  for (const m of mates) {
    const w = scattered.single(m.index);
    await gasOf(mc.getFunction("claim")(6, w.leaf.index, w.leaf.account, w.leaf.amount, w.proof));
  }
  const sc = scattered.batch(randomLeaves.map((l) => l.index));
  const scatteredGas = await gasOf(mc.connect(relayer!).getFunction("claimManyMultiproof")(6, sc.leaves.map((l) => [l.index, l.account, l.amount]), sc.proof, sc.proofFlags));
  log(`campaign claim: multiproof of 100 random indices in 2^26 (bitmap words in use): ${breakdown(scatteredGas, 100n)}`);
  for (const l of sc.leaves.slice(0, 3)) if ((await token.getFunction("balanceOf")(l.account)) !== amount) throw new Error("random-index multiproof batch did not pay");
  // the single claim in a pre-warmed bitmap word: the campaign's words warmed at creation (warmClaimBitmap, 100 words
  // in one transaction), so the first claim of a word writes a non-zero slot like every other claim
  const a3 = { index: a.index, account: freshAccount() };
  const b3 = { index: b.index, account: freshAccount() };
  const upper3 = Array.from({ length: 25 }, rand32);
  await create(foldPath(hashPair(ourLeaf(a3), ourLeaf(b3)), upper3));
  const warmWords = 100n;
  if ((await mc.getFunction("claimBitmapWords")(b3.index + 1n)) > warmWords) throw new Error("the warmed words do not cover the measured index");
  const warmGas = await gasOf(mc.getFunction("warmClaimBitmap")(7, 0, warmWords));
  const warmPerRecipient = Number(warmGas) / Number(warmWords) / 255;
  await gasOf(mc.getFunction("claim")(7, a3.index, a3.account, amount, [ourLeaf(b3), ...upper3]));
  const ourWarmClaim = await gasOf(mc.connect(relayer!).getFunction("claim")(7, b3.index, b3.account, amount, [ourLeaf(a3), ...upper3]));
  log(`campaign claim: single claim at depth 26 in a pre-warmed bitmap word = ${ourWarmClaim} gas (cold word: ${ourClaim}); warming 100 words = ${warmGas} gas, ${warmPerRecipient.toFixed(1)} gas per recipient (255 per word)`);
  log(
    `campaign claim: ours proof 26 hashes (${proofB.length}), Uniswap 17 hashes; batch of 100 = ${batchGas} gas in one transaction; multiproof batch of 100 in one 128-leaf subtree = ${multiGas} gas (${multiproof.proof.length} siblings, ${multiproof.proofFlags.length} hashes); 100 consecutive indices in 2^26 = ${consecutiveGas} gas (${cm.proof.length} siblings, ${cm.proofFlags.length} hashes); 100 random indices = ${scatteredGas} gas (${sc.proof.length} siblings, ${sc.proofFlags.length} hashes)`,
  );
  return [
    row("campaign claim, single, 2^26-leaf proof depth, bitmap word pre-warmed at creation", "gas", ourWarmClaim, uniClaim, UNISWAP),
    row("campaign claim, single, 2^26-leaf proof depth, cold bitmap word (a word's first claim, campaign not warmed)", "gas", ourClaim, uniClaim, UNISWAP),
    row("warming the claim bitmap at creation, per recipient (one word per 255 leaves, 100 words per transaction)", "gas", Math.round(warmPerRecipient)),
    row("campaign claim, single, 100k-leaf depth (17), like for like", "gas", ourClaim17, uniClaim, UNISWAP),
    row("campaign claim, relayer batch of 100, per recipient (depth 26)", "gas", batchGas / 100n, uniClaim, UNISWAP),
    row("campaign claim, relayer multiproof batch of 100, per recipient (one 128-leaf subtree, depth 26)", "gas", multiGas / 100n, uniClaim, UNISWAP),
    row("campaign claim, relayer multiproof batch of 100 consecutive indices, per recipient (index-ordered 2^26-leaf tree)", "gas", consecutiveGas / 100n, uniClaim, UNISWAP),
    row("campaign claim, relayer multiproof batch of 100 random indices, per recipient (2^26 leaves, bitmap words in use; informative)", "gas", scatteredGas / 100n, uniClaim, UNISWAP),
  ];
}

/**
 * An index-ordered campaign tree of 2^depth leaves of which only `leaves` are real, each at its index's place (index
 * k at position 2^(depth+1) - 2 - k, as `StandardMerkleTree.of(values, types, { sortLeaves: false })` places value k);
 * every other node a hash of its position (ancestors of real leaves hashed from their children). Multiproofs come
 * from the SDK's `multiProofOfPositions`, checked against the root with OpenZeppelin's `processMultiProof`.
 */
function indexOrderedPartialTree(leaves: { index: bigint; account: string; amount: bigint }[], depth: number) {
  const treeLength = 2 ** (depth + 1) - 1;
  const positionOfIndex = (index: bigint): number => treeLength - 1 - Number(index);
  const at = new Map(leaves.map((l) => [positionOfIndex(l.index), { l, h: distributionLeaf(l) }] as const));
  // ancestors of real leaves are hashed from their children; every other node is a hash of its position
  const ancestors = new Set<number>();
  for (const p of at.keys()) for (let q = p; q > 0; ) ancestors.add((q = (q - 1) >> 1));
  const memo = new Map<number, `0x${string}`>();
  const nodeAt = (p: number): `0x${string}` => {
    const known = at.get(p)?.h ?? memo.get(p);
    if (known !== undefined) return known as `0x${string}`;
    const v = (ancestors.has(p) ? hashPair(nodeAt(2 * p + 1), nodeAt(2 * p + 2)) : keccak256(toBeHex(p, 32))) as `0x${string}`;
    memo.set(p, v);
    return v;
  };
  const batch = (indices: bigint[]) => {
    const m = multiProofOfPositions(indices.map(positionOfIndex), treeLength, nodeAt);
    return { leaves: m.positions.map((p) => at.get(p)!.l), proof: [...m.proof], proofFlags: [...m.proofFlags] };
  };
  const root = nodeAt(0);
  const all = batch(leaves.map((l) => l.index));
  if (processMultiProof({ leaves: all.leaves.map(distributionLeaf), proof: all.proof, proofFlags: all.proofFlags }) !== root) throw new Error("the partial tree's multiproof does not give its root");
  const single = (index: bigint) => {
    const m = batch([index]);
    return { leaf: m.leaves[0]!, proof: m.proof }; // one leaf: every flag false, the proof is the plain bottom-up path
  };
  return { root, batch, single };
}

async function build100k(work: string, log: (l: string) => void): Promise<BenchRow> {
  const n = 100_000;
  const rows: [string, string, string][] = [];
  for (let i = 0; i < n; i++) rows.push([String(i), getAddress(hexlify(randomBytes(20))), String(10n ** 18n + BigInt(i))]);
  const csv = path.join(work, "100k.csv");
  const fd = openSync(csv, "w");
  writeSync(fd, "index,account,amount\n" + rows.map((r) => r.join(",")).join("\n") + "\n");
  closeSync(fd);
  // The row compares building the tree with every proof available (root + proof store) to OpenZeppelin's `of`;
  // writing OpenZeppelin's dump() JSON as well is timed and logged apart.
  // Ours is the median of 5 builds (a build is about 0.3 s: one run is at the mercy of a burst of load from the
  // other processes on the machine; OpenZeppelin's single run is 50x longer and averages such bursts out).
  const withDump = await buildDistribution({ csv, out: path.join(work, "100k-dump") });
  const runs: Awaited<ReturnType<typeof buildDistribution>>[] = [];
  for (let k = 0; k < 5; k++) runs.push(await buildDistribution({ csv, out: path.join(work, "100k"), dumpLimit: 0, overwrite: true }));
  const r = [...runs].sort((a, b) => a.ms - b.ms)[2]!;
  const t = performance.now();
  const oz = StandardMerkleTree.of(rows, ["uint256", "address", "uint256"], { sortLeaves: false }); // rows in index order
  const ozMs = performance.now() - t;
  if (oz.root !== r.root) throw new Error(`roots differ: ours ${r.root}, OpenZeppelin ${oz.root}`);
  log(`tree build 100k: ours ${r.ms.toFixed(0)} ms (median of ${runs.map((x) => x.ms.toFixed(0)).join(", ")}; CSV → proof store on disk; ${withDump.ms.toFixed(0)} ms with OpenZeppelin's dump() JSON too), OpenZeppelin ${ozMs.toFixed(0)} ms (in memory); same root ${r.root}; ${(ozMs / r.ms).toFixed(1)}x faster`);
  return row("tree build, 100k leaves (same root)", "ms", Math.round(r.ms), Math.round(ozMs), "@openzeppelin/merkle-tree 1.0.8 StandardMerkleTree.of (sortLeaves: false)");
}

/**
 * Writes `n` rows of synthetic recipients straight as bytes: index, a lowercase account from a counter-based
 * xorshift (distinct: its last 4 bytes are the index), an amount of 19 to 21 digits.
 */
export function generateCsv(file: string, n: number, log: (l: string) => void): void {
  const fd = openSync(file, "w");
  writeSync(fd, "index,account,amount\n");
  const HEX = Buffer.from("0123456789abcdef");
  const buf = Buffer.allocUnsafe(1 << 24);
  const digits = new Uint8Array(12);
  const t = performance.now();
  let at = 0;
  for (let i = 0; i < n; i++) {
    if (at > buf.length - 128) {
      writeSync(fd, buf, 0, at);
      at = 0;
    }
    // index
    let v = i;
    let k = 0;
    do {
      digits[k++] = 0x30 + (v % 10);
      v = Math.floor(v / 10);
    } while (v > 0);
    while (k > 0) buf[at++] = digits[--k]!;
    buf[at++] = 0x2c;
    buf[at++] = 0x30;
    buf[at++] = 0x78;
    // account: 4 xorshift words, then the index
    let s = (Math.imul(i + 1, 0x9e3779b9) ^ 0x5bd1e995) | 1;
    for (let w = 0; w < 5; w++) {
      let word: number;
      if (w < 4) {
        s ^= s << 13;
        s ^= s >>> 17;
        s ^= s << 5;
        word = s >>> 0;
      } else word = i >>> 0;
      for (let sh = 28; sh >= 0; sh -= 4) buf[at++] = HEX[(word >>> sh) & 0xf]!;
    }
    buf[at++] = 0x2c;
    // amount: (1 + i mod 997) * 10^18
    v = 1 + (i % 997);
    k = 0;
    do {
      digits[k++] = 0x30 + (v % 10);
      v = Math.floor(v / 10);
    } while (v > 0);
    while (k > 0) buf[at++] = digits[--k]!;
    for (let z = 0; z < 18; z++) buf[at++] = 0x30;
    buf[at++] = 0x0a;
    if (i % 10_000_000 === 9_999_999) log(`  generated ${(i + 1).toLocaleString("en-US")} rows, ${((performance.now() - t) / 1000).toFixed(0)} s`);
  }
  writeSync(fd, buf, 0, at);
  closeSync(fd);
}

function ddMs(args: string[]): number {
  const t = performance.now();
  execFileSync("dd", [...args, "bs=8M", "status=none"]);
  return performance.now() - t;
}

async function proofServiceRows(store: string, log: (l: string) => void): Promise<BenchRow[]> {
  const s = ProofStore.open(store);
  const n = s.count;
  const direct: number[] = [];
  for (let k = 0; k < 2000; k++) {
    const i = Math.floor(Math.random() * n);
    const t = performance.now();
    s.proof(i);
    direct.push(performance.now() - t);
  }
  s.close();
  // the service runs in its own process (the CLI), so the clients below do not share its event loop
  const child = spawn(process.execPath, [path.join(ROOT, "scripts", "distribution.ts"), "serve", "--store", store, "--port", "0"], { stdio: ["ignore", "pipe", "inherit"] });
  try {
    const url = await new Promise<string>((resolve, reject) => {
      let out = "";
      child.stdout.on("data", (d: Buffer) => {
        out += d.toString();
        const m = /on (http:\/\/[^\s]+)/.exec(out);
        if (m !== null) resolve(m[1]!);
      });
      child.on("exit", (c) => reject(new Error(`the proof service exited with ${c}`)));
    });
    const lat: number[] = [];
    for (let k = 0; k < 500; k++) {
      const t = performance.now();
      const r = await fetch(`${url}/proof/${Math.floor(Math.random() * n)}`);
      await r.json();
      lat.push(performance.now() - t);
    }
    let served = 0;
    const until = performance.now() + 3000;
    const t0 = performance.now();
    await Promise.all(
      Array.from({ length: 16 }, async () => {
        while (performance.now() < until) {
          const r = await fetch(`${url}/proof/${Math.floor(Math.random() * n)}`);
          if (r.status !== 200) throw new Error(`proof service answered ${r.status}`);
          await r.arrayBuffer();
          served++;
        }
      }),
    );
    const perSec = served / ((performance.now() - t0) / 1000);
    const p50 = (xs: number[]): number => xs.sort((x, y) => x - y)[Math.floor(xs.length / 2)]!;
    log(`proofs: ${n.toLocaleString("en-US")}-leaf store; from the store p50 ${(p50(direct) * 1000).toFixed(0)} µs; over HTTP (service in its own process) p50 ${p50(lat).toFixed(2)} ms, ${perSec.toFixed(0)} proofs/s (16 clients)`);
    return [
      row(`proof from the store, p50 (${n.toLocaleString("en-US")} leaves, no HTTP)`, "ms", Math.round(p50(direct) * 1000) / 1000),
      row("proof over HTTP, one request p50", "ms", Math.round(p50(lat) * 1000) / 1000),
      row("proofs served over HTTP (16 clients)", "ops/s", Math.round(perSec)),
    ];
  } finally {
    child.kill("SIGTERM");
  }
}

async function bigBuildRows(work: string, log: (l: string) => void): Promise<BenchRow[]> {
  const n = Number(process.env.DIST_BENCH_ROWS ?? 40_000_000);
  if (!Number.isInteger(n) || n < 1) throw new Error(`DIST_BENCH_ROWS must be a positive integer, is ${process.env.DIST_BENCH_ROWS}`);
  const csv = path.join(work, "big.csv");
  log(`tree build at ${n.toLocaleString("en-US")} rows: generating the CSV in ${work} ...`);
  generateCsv(csv, n, log);
  const csvBytes = statSync(csv).size;
  const readMs = ddMs([`if=${csv}`, "of=/dev/null"]);
  const out = path.join(work, "big-store");
  const child = spawn(process.execPath, [path.join(ROOT, "bench", "lib", "dist-build-child.ts"), csv, out], { stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
  child.stderr.on("data", (d: Buffer) => log(d.toString().trimEnd()));
  const code = await new Promise<number>((resolve) => child.on("close", (c) => resolve(c ?? 1)));
  if (code !== 0) throw new Error(`the build child exited with ${code}`);
  const res = JSON.parse(stdout.trim().split("\n").at(-1)!) as { ms: number; root: string; count: number; storeBytes: number; maxRssMB: number };
  const floorFile = path.join(work, "floor.bin");
  const writeMs = ddMs(["if=/dev/zero", `of=${floorFile}`, `count=${Math.ceil(res.storeBytes / (8 << 20))}`]);
  rmSync(floorFile, { force: true });
  const floor = readMs + writeMs;
  log(
    `tree build ${res.count.toLocaleString("en-US")} rows: ${(res.ms / 1000).toFixed(1)} s, peak RSS ${res.maxRssMB.toFixed(0)} MB, root ${res.root}; CSV ${(csvBytes / 1e9).toFixed(2)} GB (dd read ${(readMs / 1000).toFixed(1)} s), store ${(res.storeBytes / 1e9).toFixed(2)} GB (dd write ${(writeMs / 1000).toFixed(1)} s); floor ${(floor / 1000).toFixed(1)} s; goals ≤ 5x floor (${(res.ms / floor).toFixed(2)}x) and ≤ 4096 MB`,
  );
  const label = `${(n / 1e6).toLocaleString("en-US")}M`;
  const rows = [
    row(`tree build, ${label} rows, vs disk floor (dd read CSV + dd write store)`, "ms", Math.round(res.ms), Math.round(floor), "dd floor, same run"),
    row(`tree build, ${label} rows, peak RSS (goal ≤ 4096)`, "MB", Math.round(res.maxRssMB)),
    ...(await proofServiceRows(out, log)),
  ];
  return rows;
}

const PARTS = ["vesting", "campaign", "build100k", "big"] as const;

const suite: BenchSuite = {
  name: "distribution",
  description: "TokenTable: vesting and campaign-claim gas vs Sablier Lockup and Uniswap MerkleDistributor; tree building vs OpenZeppelin and the disk floor; proof service",
  async run(log) {
    const parts = benchParts("DIST_BENCH_PARTS", PARTS);
    const work = mkdtempSync(path.join(tmpdir(), "dist-bench-"));
    try {
      const rows: BenchRow[] = [];
      if (parts.has("vesting") || parts.has("campaign")) {
        const net = await openNetwork("hardhat");
        if (parts.has("vesting")) rows.push(...(await vestingRows(net, log)));
        if (parts.has("campaign")) rows.push(...(await campaignRows(net, log)));
      }
      if (parts.has("build100k")) rows.push(await build100k(work, log));
      if (parts.has("big")) rows.push(...(await bigBuildRows(work, log)));
      return rows;
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  },
};
export default suite;
