/**
 * The bridge inside the node: deposits as system calls that only DELAYED Deposit messages can make, each credited
 * once; the predeploys in the genesis; the exit root and the identity root read from L2 state, and the escape rule for
 * bridged tokens held by contracts.
 */
import { StandardMerkleTree } from "@openzeppelin/merkle-tree";
import { ExitTree, type Address } from "@sovereign-stack/sdk";
import { expect } from "chai";
import { AbiCoder, Interface, ZeroHash, getAddress, getCreate2Address, getCreateAddress, keccak256 } from "ethers";

import {
  DEPOSIT_CALL_GAS,
  DelayedMessageKind,
  EmbeddedLog,
  Engine,
  L2_BRIDGE_ADDRESS,
  L2_IDENTITY_REGISTRY_ADDRESS,
  SYSTEM_SENDER,
  applyLog,
  computeRoots,
  exitTree,
  identityTree,
  type DelayedMessage,
  type LogEntry,
} from "@sovereign-stack/node";

import { hre } from "../../scripts/lib/network.ts";
import { cleanupDirs, tempDir } from "./helpers.ts";
import { bridgeAbi, depositMessage, erc20Abi, l2Genesis, message, registryAbi, signL2 } from "./l2.ts";
import { T0, prng, testKeys } from "./workload.ts";

const L1_TOKEN = getAddress("0x00000000000000000000000000000000000a11ce");
const L1_TOKEN_B = getAddress("0x00000000000000000000000000000000000b0b0b");

describe("chain bridge: deposits as system calls, exit and identity roots", function () {
  this.timeout(300_000);
  after(cleanupDirs);

  const [alice, bob, carol, gov, publisher] = testKeys(5);
  const keys = [alice!, bob!, carol!, gov!, publisher!];

  async function open(label: string) {
    const engine = await Engine.open({ dataDir: tempDir(`${label}-engine`), genesis: l2Genesis(keys, gov!.address) });
    const log = await EmbeddedLog.open({ dir: tempDir(`${label}-log`) });
    return { engine, log };
  }
  const call = async (engine: Engine, to: string, data: string) => {
    const r = await engine.call({ to, data });
    expect(r.success, `call to ${to} succeeds`).to.equal(true);
    return r.returnData;
  };
  const balanceOf = async (engine: Engine, l1Token: string, who: string): Promise<bigint> => {
    const [l2] = bridgeAbi.decodeFunctionResult("l2TokenOf", await call(engine, L2_BRIDGE_ADDRESS, bridgeAbi.encodeFunctionData("l2TokenOf", [l1Token])));
    if (BigInt(l2 as string) === 0n) return 0n;
    return BigInt(await call(engine, l2 as string, erc20Abi.encodeFunctionData("balanceOf", [who])));
  };

  it("predeploys the bridge and the identity registry: constants agree, governance owns the registry", async () => {
    const { engine, log } = await open("genesis");
    try {
      const [sys] = bridgeAbi.decodeFunctionResult("SYSTEM_SENDER", await call(engine, L2_BRIDGE_ADDRESS, bridgeAbi.encodeFunctionData("SYSTEM_SENDER")));
      expect((sys as string).toLowerCase()).to.equal(SYSTEM_SENDER);
      const [owner] = registryAbi.decodeFunctionResult("owner", await call(engine, L2_IDENTITY_REGISTRY_ADDRESS, registryAbi.encodeFunctionData("owner")));
      expect(owner).to.equal(gov!.address);
      expect(await computeRoots(engine)).to.deep.equal({ exitRoot: ZeroHash, identityRoot: ZeroHash });
    } finally {
      await engine.close();
      await log.close();
    }
  });

  it("credits each deposit once: repeated and out-of-order DELAYED entries, forged TX entries and replayed items credit nothing", async () => {
    const { engine, log } = await open("deposits");
    try {
      const messages: DelayedMessage[] = [
        depositMessage(0n, L1_TOKEN, alice!.address, alice!.address, 1000n),
        message(1n, DelayedMessageKind.L2Transaction, signL2(bob!, { nonce: 0, to: carol!.address, value: 7n, gasLimit: 21_000n })),
        depositMessage(2n, L1_TOKEN, bob!.address, bob!.address, 250n),
        message(3n, 9 as DelayedMessage["kind"], new Uint8Array([1, 2, 3])), // unknown kind: consumed, no effect
        depositMessage(4n, L1_TOKEN_B, bob!.address, carol!.address, 5n),
      ];
      const delayed = (i: bigint) => messages[Number(i)];
      // A citizen (or the sequencer) puts a raw tx calling finalizeDeposit into a TX entry: the bridge refuses it.
      const forged = signL2(alice!, { nonce: 0, to: L2_BRIDGE_ADDRESS, data: bridgeAbi.encodeFunctionData("finalizeDeposit", [9n, L1_TOKEN, alice!.address, alice!.address, 10n ** 30n]) });
      const entries: LogEntry[] = [
        { kind: "delayed", index: 0n },
        { kind: "delayed", index: 0n }, // repeated: skipped
        { kind: "tx", raw: forged },
        { kind: "delayed", index: 1n },
        { kind: "seal", block: 1n, timestamp: T0 + 10n },
        { kind: "delayed", index: 1n }, // repeated across blocks: skipped
        { kind: "delayed", index: 3n }, // gap: skipped
        { kind: "delayed", index: 2n },
        { kind: "delayed", index: 3n },
        { kind: "delayed", index: 4n },
        { kind: "delayed", index: 2n }, // repeated again
        { kind: "seal", block: 2n, timestamp: T0 + 20n },
      ];
      await log.append(entries);
      const rep = await applyLog(engine, log, { delayed });
      expect(rep.blocks).to.have.length(2);
      const [b1, b2] = rep.blocks;
      expect(b1!.systemCalls.map((c) => [c.messageIndex, c.success])).to.deep.equal([[0n, true]]);
      expect(b1!.receipts.map((r) => [r.from.toLowerCase(), r.status])).to.deep.equal([
        [alice!.address.toLowerCase(), 0], // forged finalizeDeposit: NotSystemSender
        [bob!.address.toLowerCase(), 1], // the delayed L2 transaction ran as a normal tx
      ]);
      expect(b2!.systemCalls.map((c) => [c.messageIndex, c.success])).to.deep.equal([
        [2n, true],
        [4n, true],
      ]);
      expect(rep.skipped.map((s) => s.seq)).to.deep.equal([1n, 5n, 6n, 8n, 10n]);
      // Gas headroom: the first deposit of a token (which creates its L2 copy) stays well under the system call's gas.
      const [first, later] = [b1!.systemCalls[0]!.gasUsed, b2!.systemCalls[0]!.gasUsed];
      expect(first * 2n).to.be.lessThan(DEPOSIT_CALL_GAS);
      expect(later).to.be.lessThan(first);
      expect(await balanceOf(engine, L1_TOKEN, alice!.address)).to.equal(1000n);
      expect(await balanceOf(engine, L1_TOKEN, bob!.address)).to.equal(250n);
      expect(await balanceOf(engine, L1_TOKEN_B, carol!.address)).to.equal(5n);
      expect(await engine.getBalance(carol!.address)).to.equal(10n ** 21n + 7n);
      expect(await engine.getNonce(SYSTEM_SENDER), "system calls leave the system sender untouched").to.equal(0n);

      // A replayed deposit item handed straight to the engine (bypassing the applier): the bridge refuses it.
      const replay = await engine.applyBlock({ number: 3n, timestamp: T0 + 30n, txs: [{ kind: "deposit", messageIndex: 2n, data: messages[2]!.data }, { kind: "deposit", messageIndex: 5n, data: new Uint8Array(3) }] });
      expect(replay.systemCalls.map((c) => c.success)).to.deep.equal([false, false]);
      expect(await balanceOf(engine, L1_TOKEN, bob!.address)).to.equal(250n);
      const [next] = bridgeAbi.decodeFunctionResult("nextMessageIndex", await call(engine, L2_BRIDGE_ADDRESS, bridgeAbi.encodeFunctionData("nextMessageIndex")));
      expect(next).to.equal(5n);
    } finally {
      await engine.close();
      await log.close();
    }
  });

  it("property: any mix of repeated, gapped and in-order DELAYED entries credits exactly the FIFO-consumed deposits, each once", async () => {
    const recipients = [alice!, bob!, carol!];
    for (const seed of [11, 12, 13]) {
      const rnd = prng(seed);
      const msgs = Array.from({ length: 10 }, (_, i) => depositMessage(BigInt(i), i % 2 === 0 ? L1_TOKEN : L1_TOKEN_B, alice!.address, recipients[i % 3]!.address, BigInt(1 + Math.floor(rnd() * 1000))));
      const entries: LogEntry[] = [];
      let next = 0;
      let block = 0n;
      const credited = new Map<string, bigint>(); // `${token}:${recipient}` → expected balance
      for (let k = 0; k < 60; k++) {
        const r = rnd();
        if (r < 0.15) {
          block++;
          entries.push({ kind: "seal", block, timestamp: T0 + block * 10n });
        } else if (r < 0.2) {
          entries.push({ kind: "tx", raw: new Uint8Array([0x02, Math.floor(rnd() * 256)]) });
        } else {
          const index = next < msgs.length && rnd() < 0.5 ? next : Math.floor(rnd() * msgs.length);
          entries.push({ kind: "delayed", index: BigInt(index) });
          if (index === next) {
            const m = msgs[index]!;
            const [token, , to, amount] = AbiCoder.defaultAbiCoder().decode(["address", "address", "address", "uint256"], m.data) as unknown as [string, string, string, bigint];
            credited.set(`${token}:${to}`, (credited.get(`${token}:${to}`) ?? 0n) + amount);
            next++;
          }
        }
      }
      block++;
      entries.push({ kind: "seal", block, timestamp: T0 + block * 10n });
      expect(next, `seed ${seed} consumes several deposits`).to.be.at.least(5);
      expect(entries.filter((e) => e.kind === "delayed").length, `seed ${seed} repeats and gaps entries`).to.be.greaterThan(next + 5);
      const { engine, log } = await open(`prop-${seed}`);
      try {
        await log.append(entries);
        const rep = await applyLog(engine, log, { delayed: (i) => msgs[Number(i)] });
        expect(rep.blocks.flatMap((b) => b.systemCalls.map((c) => c.messageIndex)), `seed ${seed}: each consumed index once, in order`).to.deep.equal(
          Array.from({ length: next }, (_, i) => BigInt(i)),
        );
        expect(rep.blocks.every((b) => b.systemCalls.every((c) => c.success))).to.equal(true);
        for (const token of [L1_TOKEN, L1_TOKEN_B]) {
          for (const who of recipients) expect(await balanceOf(engine, token, who.address), `seed ${seed} ${token} ${who.address}`).to.equal(credited.get(`${token}:${who.address}`) ?? 0n);
        }
      } finally {
        await engine.close();
        await log.close();
      }
    }
  });

  it("gives the same roots on a fresh run of the same log (deterministic), and a different exit root when a balance differs", async () => {
    const run = async (label: string, amount: bigint) => {
      const { engine, log } = await open(label);
      try {
        await log.append([{ kind: "delayed", index: 0n }, { kind: "seal", block: 1n, timestamp: T0 + 1n }]);
        const rep = await applyLog(engine, log, { delayed: () => depositMessage(0n, L1_TOKEN, alice!.address, alice!.address, amount) });
        return { root: rep.blocks[0]!.stateRoot, ...(await computeRoots(engine)) };
      } finally {
        await engine.close();
        await log.close();
      }
    };
    const a = await run("det-a", 10n);
    expect(await run("det-b", 10n)).to.deep.equal(a);
    expect((await run("det-c", 11n)).exitRoot).to.not.equal(a.exitRoot);
  });

  it("exit tree: holders, withdrawals and the escape rule for contracts; identity root over (issuerId, root)", async () => {
    const { engine, log } = await open("roots");
    try {
      const escrowBytecode = (await hre.artifacts.readArtifact("L2EscrowMock")).bytecode;
      const escrow = getCreateAddress({ from: carol!.address, nonce: 0 });
      const lazyEscrow = getCreateAddress({ from: carol!.address, nonce: 1 });
      const l2Token = getCreate2Address(
        L2_BRIDGE_ADDRESS,
        AbiCoder.defaultAbiCoder().encode(["uint256"], [BigInt(L1_TOKEN)]),
        keccak256((await hre.artifacts.readArtifact("BridgedToken")).bytecode + AbiCoder.defaultAbiCoder().encode(["address"], [L1_TOKEN]).slice(2)),
      );
      const escrowAbi = new Interface(["function nameBeneficiary(address,address)"]);
      await log.append([
        { kind: "delayed", index: 0n },
        { kind: "delayed", index: 1n },
        { kind: "seal", block: 1n, timestamp: T0 + 10n },
        { kind: "tx", raw: signL2(carol!, { nonce: 0, data: escrowBytecode }) },
        { kind: "tx", raw: signL2(carol!, { nonce: 1, data: escrowBytecode }) },
        { kind: "tx", raw: signL2(alice!, { nonce: 0, to: l2Token, data: erc20Abi.encodeFunctionData("transfer", [escrow, 300n]) }) },
        { kind: "tx", raw: signL2(alice!, { nonce: 1, to: l2Token, data: erc20Abi.encodeFunctionData("transfer", [lazyEscrow, 50n]) }) },
        { kind: "tx", raw: signL2(carol!, { nonce: 2, to: escrow, data: escrowAbi.encodeFunctionData("nameBeneficiary", [L2_BRIDGE_ADDRESS, bob!.address]) }) },
        { kind: "tx", raw: signL2(alice!, { nonce: 2, to: L2_BRIDGE_ADDRESS, data: bridgeAbi.encodeFunctionData("withdraw", [L1_TOKEN, 100n, alice!.address]) }) },
        { kind: "tx", raw: signL2(gov!, { nonce: 0, to: L2_IDENTITY_REGISTRY_ADDRESS, data: registryAbi.encodeFunctionData("registerIssuer", [7, publisher!.address]) }) },
        { kind: "tx", raw: signL2(gov!, { nonce: 1, to: L2_IDENTITY_REGISTRY_ADDRESS, data: registryAbi.encodeFunctionData("registerIssuer", [3, publisher!.address]) }) },
        { kind: "tx", raw: signL2(publisher!, { nonce: 0, to: L2_IDENTITY_REGISTRY_ADDRESS, data: registryAbi.encodeFunctionData("publishRoot", [7, 777n]) }) },
        { kind: "tx", raw: signL2(bob!, { nonce: 0, to: L2_IDENTITY_REGISTRY_ADDRESS, data: registryAbi.encodeFunctionData("publishRoot", [3, 1n]) }) }, // not the publisher
        { kind: "seal", block: 2n, timestamp: T0 + 20n },
      ]);
      const msgs = [depositMessage(0n, L1_TOKEN, alice!.address, alice!.address, 1000n), depositMessage(1n, L1_TOKEN, bob!.address, bob!.address, 20n)];
      const rep = await applyLog(engine, log, { delayed: (i) => msgs[Number(i)] });
      expect(rep.blocks[1]!.receipts.map((r) => r.status)).to.deep.equal([1, 1, 1, 1, 1, 1, 1, 1, 1, 0]);

      const view = await exitTree(engine);
      const A = (s: string) => s as Address;
      // alice 1000 - 300 - 50 - 100 = 550; the escrow named bob: bob's 20 + 300; the lazy escrow named nobody: itself
      expect(new Set(view.balances.map((b) => `${b.account}:${b.token}:${b.amount}`))).to.deep.equal(
        new Set([`${alice!.address}:${L1_TOKEN}:550`, `${bob!.address}:${L1_TOKEN}:320`, `${lazyEscrow}:${L1_TOKEN}:50`]),
      );
      expect(view.withdrawals).to.have.length(1);
      expect(view.withdrawals[0]).to.deep.include({ account: alice!.address, token: L1_TOKEN, amount: 100n });
      const reference = new ExitTree(
        [
          { account: A(bob!.address), token: A(L1_TOKEN), amount: 320n },
          { account: A(lazyEscrow), token: A(L1_TOKEN), amount: 50n },
          { account: A(alice!.address), token: A(L1_TOKEN), amount: 550n },
        ],
        [...view.withdrawals],
      );
      expect(view.root, "root independent of leaf order, equal to the SDK's tree").to.equal(reference.root);
      const sum = view.balances.reduce((s, b) => s + b.amount, 0n) + view.withdrawals.reduce((s, w) => s + w.amount, 0n);
      expect(sum, "escape leaves + withdrawals = deposits").to.equal(1020n);

      const id = await identityTree(engine);
      expect(id.leaves).to.deep.equal([[7, 777n]]);
      expect(id.root).to.equal(StandardMerkleTree.of([[7, 777n]], ["uint32", "uint256"]).root);
      expect((await computeRoots(engine)).identityRoot).to.equal(id.root);
    } finally {
      await engine.close();
      await log.close();
    }
  });
});
