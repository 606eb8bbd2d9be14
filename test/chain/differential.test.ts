/**
 * Differential test: the engine (ethereumjs 10 on LevelDB, driven through the embedded log) and Hardhat's EDR
 * must reach the same state root, transactions root and receipts root at every block of a generated workload.
 *
 * Modelled differences (EDR is a dev node with a mempool; our engine applies the log):
 * - invalid transactions EDR refuses at `eth_sendRawTransaction` (bad signature, insufficient balance, over
 *   the block gas limit, intrinsic gas) are expected to throw there, and to be in the engine's `rejected`;
 * - a nonce-gapped transaction is accepted by EDR and kept queued (it would be mined later, once the gap
 *   closes): the test checks it is still pending after the block and drops it (`hardhat_dropTransaction`),
 *   while the engine rejects it for good.
 */
import { expect } from "chai";

import { hexlify } from "ethers";
import { ChainQueries, EmbeddedLog, Engine, applyLog, nativeRecoveries, type BlockResult } from "@sovereign-stack/node";
import type { EthereumProvider } from "hardhat/types/providers";

import { blockEntries, cleanupDirs, openOracle, oraclePredeploys, tempDir, tokenBytecode } from "./helpers.ts";
import { buildWorkload, makeGenesis, type Workload } from "./workload.ts";

type RpcBlock = { stateRoot: string; gasUsed: string; transactions: string[]; timestamp: string; transactionsRoot: string; receiptsRoot: string };

async function rpc<T>(p: EthereumProvider, method: string, params: unknown[] = []): Promise<T> {
  return (await p.request({ method, params })) as T;
}

describe("chain engine: differential, EDR vs ethereumjs", function () {
  this.timeout(300_000);
  after(cleanupDirs);

  let w: Workload;
  let edr: EthereumProvider;
  before(async () => {
    w = buildWorkload({ tokenBytecode: await tokenBytecode(), nBlocks: 24, perBlock: 15, invalid: true });
    edr = await openOracle(w.keys);
  });

  it("reaches EDR's state root, transactions and receipts roots, gas used and transaction set at every block (≥ 300 txs, ≥ 20 blocks, invalid txs modelled)", async () => {
    expect(w.validCount).to.be.at.least(300);
    expect(w.blocks.length).to.be.at.least(20);
    const genesis = makeGenesis(w.keys, await oraclePredeploys(edr));
    const engine = await Engine.open({ dataDir: tempDir("diff-engine"), genesis });
    const queries = new ChainQueries(engine);
    const log = await EmbeddedLog.open({ dir: tempDir("diff-log") });
    const recoveriesBefore = nativeRecoveries.count;
    try {
      const g = await rpc<RpcBlock>(edr, "eth_getBlockByNumber", ["0x0", false]);
      expect(engine.head().stateRoot, "genesis state root").to.equal(g.stateRoot);

      let erc20Transfers = 0;
      for (const b of w.blocks) {
        // EDR: submit every tx, expecting refusals for the invalid ones EDR checks at submission.
        const gapped: string[] = [];
        for (const t of b.txs) {
          const raw = "0x" + Buffer.from(t.raw).toString("hex");
          if (t.invalid === undefined) {
            await rpc(edr, "eth_sendRawTransaction", [raw]);
          } else if (t.invalid === "nonce-gap") {
            gapped.push(await rpc<string>(edr, "eth_sendRawTransaction", [raw]));
          } else {
            let refused = false;
            try {
              await rpc(edr, "eth_sendRawTransaction", [raw]);
            } catch {
              refused = true;
            }
            expect(refused, `EDR refuses the ${t.invalid} tx of block ${b.number}`).to.equal(true);
          }
        }
        await rpc(edr, "evm_setNextBlockTimestamp", [Number(b.timestamp)]);
        await rpc(edr, "evm_mine");
        for (const h of gapped) {
          const pending = await rpc<{ blockNumber: string | null } | null>(edr, "eth_getTransactionByHash", [h]);
          expect(pending, "EDR keeps a nonce-gapped tx queued").to.not.equal(null);
          expect(pending!.blockNumber).to.equal(null);
          expect(await rpc<boolean>(edr, "hardhat_dropTransaction", [h])).to.equal(true);
        }
        const eb = await rpc<RpcBlock>(edr, "eth_getBlockByNumber", ["0x" + b.number.toString(16), false]);

        // Ours: through the log.
        await log.append(blockEntries(b));
        const report = await applyLog(engine, log);
        expect(report.blocks).to.have.length(1);
        const r: BlockResult = report.blocks[0]!;

        const invalidIdx = b.txs.flatMap((t, i) => (t.invalid === undefined ? [] : [i]));
        expect(r.rejected.map((x) => x.index), `rejected in block ${b.number}: ${JSON.stringify(r.rejected)}`).to.deep.equal(invalidIdx);
        expect(r.receipts.map((x) => x.txHash), `tx set of block ${b.number}`).to.deep.equal(eb.transactions);
        expect(r.receipts.every((x) => x.status === 1), "every valid tx succeeds").to.equal(true);
        expect(r.gasUsed, `gas used in block ${b.number}`).to.equal(BigInt(eb.gasUsed));
        expect(r.stateRoot, `state root of block ${b.number}`).to.equal(eb.stateRoot);
        // The transactions and receipts roots (our ordered-trie builder, not an MPT insertion per item) agree too.
        const header = (await queries.header(b.number))!;
        expect(hexlify(header.transactionsTrie), `transactions root of block ${b.number}`).to.equal(eb.transactionsRoot);
        expect(hexlify(header.receiptTrie), `receipts root of block ${b.number}`).to.equal(eb.receiptsRoot);
        erc20Transfers += r.receipts.filter((x) => x.to === w.token.toLowerCase() && x.logs.length === 1).length;
      }
      expect(erc20Transfers, "ERC-20 mints and transfers emitted Transfer").to.be.greaterThan(50);
      expect(nativeRecoveries.count - recoveriesBefore, "senders recovered through native secp256k1").to.be.at.least(w.validCount);
      // The token state agrees too (balanceOf through engine.call vs EDR eth_call).
      const data = "0x70a08231" + w.keys[3]!.address.slice(2).toLowerCase().padStart(64, "0");
      const ours = await engine.call({ to: w.token, data });
      expect(ours.success).to.equal(true);
      expect(ours.returnData).to.equal(await rpc<string>(edr, "eth_call", [{ to: w.token, data }, "latest"]));
    } finally {
      await engine.close();
      await log.close();
    }
  });
});
