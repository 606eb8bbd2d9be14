/**
 * Escape hatch end to end: deposits on Hardhat's in-process L1 (the real rollup stack) → the L2 engine credits them as
 * system calls (once, even with repeated DELAYED entries) → L2 transfers and withdrawals → roots → a commitment with
 * that exit root is finalized on L1 → a withdrawal pays, the council exits, and escapes pay from the proofs the chain
 * tool prints (one of them from `sovereign-chain escape-proof --json` run as a separate process against the L1 served
 * over HTTP), rebuilt from a node's data directory and checked against L1. Payouts never exceed deposits.
 */
import { execFile } from "node:child_process";
import { writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { promisify } from "node:util";

import { DEFAULT_SLA } from "@sovereign-stack/sdk";
import { expect } from "chai";
import type { Contract } from "ethers";
import { getBytes } from "ethers";

import { EmbeddedLog, Engine, L2_BRIDGE_ADDRESS, applyLog, computeRoots, type DelayedMessage, type LogEntry } from "@sovereign-stack/node";

import { engineFromDataDir, escapeProofs, exitTreeJson, verifiedExitTree } from "../../scripts/chain/escape.ts";
import { genesisToJson } from "../../scripts/chain/genesis-file.ts";
import { toJson } from "../../scripts/lib/cli.ts";
import { ROOT } from "../../scripts/lib/rpc.ts";
import { deployRollup, type Rollup } from "../rollup/fixture.ts";
import { cleanupDirs, tempDir } from "./helpers.ts";
import { bridgeAbi, erc20Abi, l2Genesis, signL2 } from "./l2.ts";
import { T0, testKeys } from "./workload.ts";

/** Every delayed message on L1, from `DelayedInbox`'s events (what the node's L1 reader provides). */
async function readDelayed(r: Rollup): Promise<DelayedMessage[]> {
  const inbox = r.stack.contracts.DelayedInbox;
  const events = await inbox.queryFilter(inbox.filters.MessageEnqueued());
  return events.map((e) => ({
    index: e.args.index,
    sender: e.args.sender.toLowerCase(),
    kind: Number(e.args.kind) as DelayedMessage["kind"],
    data: getBytes(e.args.data),
    timestamp: e.args.timestamp,
    blockNumber: e.args.blockNumber,
    accumulator: e.args.accumulator,
  }));
}

/** Serves an in-process provider over HTTP JSON-RPC on a loopback port (what the CLI, a separate process, talks to). */
async function serveOverHttp(p: { request(a: { method: string; params?: unknown[] }): Promise<unknown> }): Promise<{ url: string; server: Server }> {
  const server = createServer((req, res) => {
    let body = "";
    req.on("data", (d: Buffer) => (body += d.toString()));
    req.on("end", () => {
      const one = async (m: { id: unknown; method: string; params?: unknown[] }) => {
        try {
          return { jsonrpc: "2.0", id: m.id, result: await p.request({ method: m.method, params: m.params ?? [] }) };
        } catch (e) {
          return { jsonrpc: "2.0", id: m.id, error: { code: -32000, message: (e as Error).message } };
        }
      };
      const parsed = JSON.parse(body) as Parameters<typeof one>[0] | Parameters<typeof one>[0][];
      void (Array.isArray(parsed) ? Promise.all(parsed.map(one)) : one(parsed)).then((out) => {
        res.setHeader("content-type", "application/json");
        res.end(JSON.stringify(out));
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

describe("chain escape hatch: L1 deposits → L2 → exit root → withdraw and escape on L1", function () {
  this.timeout(300_000);
  after(cleanupDirs);

  it("credits each deposit once, pays a withdrawal and escapes from the printed proofs, never more than deposited; refuses a state that is not the committed one", async () => {
    const r = await deployRollup();
    const [alice, bob, gov] = testKeys(3, 500);
    const token = (await r.net.ethers.deployContract("TestToken", ["T", "T"])) as unknown as Contract;
    const tokenAddr = await token.getAddress();
    const vault = r.stack.contracts.RollupVault;
    const vaultAddr = await vault.getAddress();
    for (const s of [r.citizen, r.stranger]) {
      await (await (token.connect(s) as Contract).getFunction("mint")(s.address, 10_000n)).wait();
      await (await (token.connect(s) as Contract).getFunction("approve")(vaultAddr, 10_000n)).wait();
    }
    await (await vault.connect(r.citizen).deposit(tokenAddr, 1000n, alice!.address)).wait();
    await (await vault.connect(r.stranger).deposit(tokenAddr, 500n, bob!.address)).wait();
    const delayed = await readDelayed(r);
    expect(delayed.map((m) => [m.index, m.kind])).to.deep.equal([
      [0n, 1],
      [1n, 1],
    ]);

    // L2: the sequencer's engine applies the log; DELAYED entries are repeated on purpose.
    const genesis = l2Genesis([alice!, bob!, gov!], gov!.address);
    const dataDir = tempDir("escape-engine");
    const engine = await Engine.open({ dataDir, genesis });
    const log = await EmbeddedLog.open({ dir: tempDir("escape-log") });
    const l2Token = await (async () => {
      await log.append([{ kind: "delayed", index: 0n }, { kind: "delayed", index: 1n }, { kind: "delayed", index: 0n }, { kind: "seal", block: 1n, timestamp: T0 + 10n }]);
      await applyLog(engine, log, { delayed: (i) => delayed[Number(i)] });
      const res = await engine.call({ to: L2_BRIDGE_ADDRESS, data: bridgeAbi.encodeFunctionData("l2TokenOf", [tokenAddr]) });
      return bridgeAbi.decodeFunctionResult("l2TokenOf", res.returnData)[0] as string;
    })();
    const entries: LogEntry[] = [
      { kind: "tx", raw: signL2(alice!, { nonce: 0, to: l2Token, data: erc20Abi.encodeFunctionData("transfer", [bob!.address, 200n]) }) },
      { kind: "tx", raw: signL2(alice!, { nonce: 1, to: L2_BRIDGE_ADDRESS, data: bridgeAbi.encodeFunctionData("withdraw", [tokenAddr, 300n, r.citizen.address]) }) },
      { kind: "tx", raw: signL2(bob!, { nonce: 0, to: L2_BRIDGE_ADDRESS, data: bridgeAbi.encodeFunctionData("withdraw", [l2Token, 100n, r.stranger.address]) }) },
      { kind: "delayed", index: 1n }, // a repeat in a later block: skipped
      { kind: "seal", block: 2n, timestamp: T0 + 20n },
    ];
    await log.append(entries);
    const rep = await applyLog(engine, log, { delayed: (i) => delayed[Number(i)] });
    expect(rep.blocks[0]!.receipts.map((x) => x.status)).to.deep.equal([1, 1, 1]);
    expect(rep.skipped).to.have.length(1);
    const supply = BigInt((await engine.call({ to: l2Token, data: erc20Abi.encodeFunctionData("totalSupply") })).returnData);
    expect(supply, "each deposit credited once: 1500 deposited − 400 withdrawn").to.equal(1100n);
    const sequencerRoots = await computeRoots(engine);
    await engine.close();
    await log.close();

    // L1: a batch consuming both deposits, committed with the sequencer's roots and finalized.
    const batch = await r.postBatch({ delayedCount: 2n });
    await r.commit(batch, { exitRoot: sequencerRoots.exitRoot, identityRoot: sequencerRoots.identityRoot });
    await r.increaseTime(DEFAULT_SLA.finalityDelay + 1n);

    // A stranger rebuilds the tree from a node's data directory; the root is checked against L1.
    const source = engineFromDataDir(dataDir, genesis);
    const tree = await verifiedExitTree(r.stack, source);
    expect(tree.view.root, "the rebuilt exit tree equals the sequencer's view").to.equal(sequencerRoots.exitRoot);
    expect(tree.identityRootMatches).to.equal(true);
    expect(JSON.parse(toJson(exitTreeJson(tree))).balances).to.have.length(2);

    // What `escape-proof --json` prints, parsed back: bigints are decimal strings there.
    type Printed = { escapes: { account: string; token: string; amount: string; proof: string[] }[]; withdrawals: { commitmentIndex: string; withdrawalId: string; account: string; token: string; amount: string; proof: string[] }[] };
    const printed = async (account: string): Promise<Printed> => JSON.parse(toJson(await escapeProofs(r.stack, await verifiedExitTree(r.stack, source), account))) as Printed;

    // Withdrawal: pays the citizen on L1 before any exit.
    const citizenClaims = await printed(r.citizen.address);
    expect(citizenClaims.escapes).to.have.length(0);
    const w = citizenClaims.withdrawals[0]!;
    await (await vault.connect(r.stranger).withdraw(w.commitmentIndex, w.withdrawalId, w.account, w.token, w.amount, w.proof)).wait();
    expect(await token.getFunction("balanceOf")(r.citizen.address)).to.equal(10_000n - 1000n + 300n);

    // Exit mode; then escapes pay alice and bob from the printed proofs, and the stranger's withdrawal pays too.
    const { payload, sigs } = await r.exitSignatures(6);
    await (await r.stack.contracts.ExitController.triggerExit(payload.reason, payload.nonce, payload.deadline, sigs)).wait();
    // alice's proof comes from the real tool, a separate process talking to L1 over HTTP.
    const { url, server } = await serveOverHttp(r.net.connection.provider);
    const files = tempDir("escape-cli");
    const deploymentFile = path.join(files, "deployment.json");
    const genesisFile = path.join(files, "genesis.json");
    writeFileSync(deploymentFile, toJson(r.stack.deployment));
    writeFileSync(genesisFile, genesisToJson(genesis));
    let cliOut: Printed & { ok: boolean; command: string };
    try {
      const { stdout } = await promisify(execFile)(
        process.execPath,
        [path.join(ROOT, "bin", "sovereign-chain.js"), "escape-proof", "--rpc-url", url, "--deployment", deploymentFile, "--data-dir", dataDir, "--genesis", genesisFile, "--account", alice!.address, "--json"],
        { cwd: ROOT, timeout: 120_000 },
      );
      cliOut = JSON.parse(stdout) as typeof cliOut;
    } finally {
      server.close();
    }
    expect(cliOut.ok).to.equal(true);
    expect(cliOut.command).to.equal("escape-proof");
    for (const [who, expected] of [
      [alice!.address, 500n],
      [bob!.address, 600n],
    ] as const) {
      const claims = who === alice!.address ? cliOut : await printed(who);
      expect(claims.escapes).to.have.length(1);
      const e = claims.escapes[0]!;
      expect(BigInt(e.amount)).to.equal(expected);
      await (await vault.connect(r.stranger).escape(e.account, e.token, e.amount, e.proof)).wait();
      expect(await token.getFunction("balanceOf")(who)).to.equal(expected);
      await expect(vault.escape(e.account, e.token, e.amount, e.proof)).to.be.revertedWithCustomError(vault, "AlreadyPaid");
    }
    const sw = (await printed(r.stranger.address)).withdrawals[0]!;
    await (await vault.withdraw(sw.commitmentIndex, sw.withdrawalId, sw.account, sw.token, sw.amount, sw.proof)).wait();
    const again = await escapeProofs(r.stack, tree, alice!.address);
    expect(again.escapes[0]!.paid, "the report shows what is already paid").to.equal(true);

    const paid = await vault.totalPaidOut(tokenAddr);
    const deposited = await vault.totalDeposited(tokenAddr);
    expect(deposited).to.equal(1500n);
    expect(paid, "payouts ≤ deposits (here: everything, once)").to.equal(1500n);
    expect(await token.getFunction("balanceOf")(vaultAddr)).to.equal(0n);

    // A state that is not the committed one (one more L2 block) is refused before anything is printed.
    const ahead = await Engine.open({ dataDir, genesis });
    await ahead.applyBlock({ number: 3n, timestamp: T0 + 30n, txs: [signL2(alice!, { nonce: 2, to: l2Token, data: erc20Abi.encodeFunctionData("transfer", [bob!.address, 1n]) })] });
    await ahead.close();
    let err: Error | undefined;
    try {
      await verifiedExitTree(r.stack, source);
    } catch (e) {
      err = e as Error;
    }
    expect(err?.name).to.equal("CliError");
    expect(err?.message).to.match(/L2 state at block 3 .* but finalized commitment 0 .*nothing printed/);
  });
});
