/**
 * npm run bench -- bridge
 *
 * The L2 bridge on our engine (ethereumjs 10 + LevelDB), every figure from one run:
 * - gas of a deposit system call and of BridgedToken transfers (which keep the holder set the exit tree reads) beside
 *   the same operation on a plain OpenZeppelin ERC-20 (TestToken) deployed on the same L2: the ratio is the cost of the
 *   holder set and of the bridge's checks;
 * - time to build the exit tree from L2 state (paged `eth_call`s through the engine) for N holders, beside the SDK's
 *   `ExitTree` built from the same leaves already in memory: the ratio is the cost of reading the state.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

import { ExitTree } from "@sovereign-stack/sdk";
import { AbiCoder, Interface, Transaction, Wallet, getBytes, getCreateAddress, toBeHex, ZeroHash } from "ethers";

import { DelayedMessageKind, Engine, L2_BRIDGE_ADDRESS, exitTree, l2Predeploys, loadL2PredeployCode, type BlockItem, type DelayedMessage, type GenesisConfig } from "@sovereign-stack/node";

import { row, type BenchSuite } from "../harness.ts";
import { hre } from "../../scripts/lib/network.ts";

const CHAIN_ID = 31337;
const T0 = 1_700_000_000n;
const HOLDERS = 1000;
const L1_TOKEN = "0x00000000000000000000000000000000000a11ce";

const erc20 = new Interface(["function transfer(address,uint256) returns (bool)", "function mint(address,uint256)", "constructor(string,string)"]);
const bridge = new Interface(["function l2TokenOf(address) view returns (address)"]);

/** A call transaction's intrinsic gas: 21000 plus 4 per zero and 16 per non-zero calldata byte. */
const intrinsic = (data: string): bigint => getBytes(data).reduce((g, x) => g + (x === 0 ? 4n : 16n), 21_000n);

const suite: BenchSuite = {
  name: "bridge",
  description: `L2 bridge: deposit and transfer gas vs a plain OZ ERC-20; exit tree from L2 state (${HOLDERS} holders) vs in memory`,
  async run(log) {
    const [a, b, gov] = [1, 2, 3].map((i) => new Wallet(toBeHex(BigInt(i), 32)));
    const alloc: GenesisConfig["alloc"] = { [a!.address]: { balance: 10n ** 21n }, [b!.address]: { balance: 10n ** 21n }, ...l2Predeploys(loadL2PredeployCode(hre.config.paths.artifacts), gov!.address) };
    const genesis: GenesisConfig = { chainId: CHAIN_ID, hardfork: "prague", timestamp: T0, gasLimit: 30_000_000n, baseFeePerGas: 1_000_000_000n, coinbase: "0x00000000000000000000000000000000000000c0", alloc };
    const dir = mkdtempSync(path.join(tmpdir(), "bench-bridge-"));
    const engine = await Engine.open({ dataDir: dir, genesis });
    let block = 0n;
    const nonces = new Map<string, number>();
    const tx = (w: Wallet, to: string | null, data: string): Uint8Array => {
      const nonce = nonces.get(w.address) ?? 0;
      nonces.set(w.address, nonce + 1);
      const t = Transaction.from({ type: 2, chainId: CHAIN_ID, nonce, to, data, value: 0n, gasLimit: 3_000_000n, maxFeePerGas: 10n ** 10n, maxPriorityFeePerGas: 1n });
      t.signature = w.signingKey.sign(t.unsignedHash);
      return getBytes(t.serialized);
    };
    const deposit = (index: number, to: string, amount: bigint): BlockItem => ({ kind: "deposit", messageIndex: BigInt(index), data: getBytes(AbiCoder.defaultAbiCoder().encode(["address", "address", "address", "uint256"], [L1_TOKEN, a!.address, to, amount])) });
    const apply = async (txs: BlockItem[]) => {
      block++;
      const r = await engine.applyBlock({ number: block, timestamp: T0 + block, txs });
      if (r.rejected.length > 0 || r.receipts.some((x) => x.status !== 1) || r.systemCalls.some((c) => !c.success)) throw new Error(`block ${block} failed: ${JSON.stringify(r.rejected)}`);
      return r;
    };
    try {
      const kind: DelayedMessage["kind"] = DelayedMessageKind.Deposit;
      log(`deposits are DELAYED messages of kind ${kind}, run as system calls`);
      // setup: the bridged token (first deposit creates it) and a plain OZ ERC-20 on the same L2
      const first = await apply([deposit(0, a!.address, 10n ** 24n)]);
      const testToken = getCreateAddress({ from: a!.address, nonce: 0 });
      const tokenCode = (await hre.artifacts.readArtifact("TestToken")).bytecode + erc20.encodeDeploy(["T", "T"]).slice(2);
      await apply([tx(a!, null, tokenCode), tx(a!, testToken, erc20.encodeFunctionData("mint", [a!.address, 10n ** 24n]))]);
      const l2Token = bridge.decodeFunctionResult("l2TokenOf", (await engine.call({ to: L2_BRIDGE_ADDRESS, data: bridge.encodeFunctionData("l2TokenOf", [L1_TOKEN]) })).returnData)[0] as string;

      const newHolder = Wallet.createRandom().address;
      const dep = await apply([deposit(1, newHolder, 5n)]);
      const mintData = erc20.encodeFunctionData("mint", [newHolder, 5n]);
      const mint = await apply([tx(a!, testToken, mintData)]);
      const toNew = Wallet.createRandom().address;
      const tNew = await apply([tx(a!, l2Token, erc20.encodeFunctionData("transfer", [toNew, 5n])), tx(a!, testToken, erc20.encodeFunctionData("transfer", [toNew, 5n]))]);
      const tOld = await apply([tx(a!, l2Token, erc20.encodeFunctionData("transfer", [toNew, 5n])), tx(a!, testToken, erc20.encodeFunctionData("transfer", [toNew, 5n]))]);
      log(`first deposit of a token (creates its L2 copy): ${first.systemCalls[0]!.gasUsed} gas (no peer: a system call, not a transaction)`);
      const rows = [
        row("deposit system call (token exists, new holder), execution gas", "gas", dep.systemCalls[0]!.gasUsed, mint.receipts[0]!.gasUsed - intrinsic(mintData), "OZ ERC-20 mint to a new holder, execution gas (tx − intrinsic)"),
        row("BridgedToken transfer to a new holder", "gas", tNew.receipts[0]!.gasUsed, tNew.receipts[1]!.gasUsed, "OZ ERC-20 transfer to a new holder"),
        row("BridgedToken transfer to an existing holder", "gas", tOld.receipts[0]!.gasUsed, tOld.receipts[1]!.gasUsed, "OZ ERC-20 transfer to an existing holder"),
      ];

      // exit tree: HOLDERS holders, 100 deposits per block
      for (let i = 0; i < HOLDERS; i += 100) {
        await apply(Array.from({ length: 100 }, (_, j) => deposit(2 + i + j, Wallet.createRandom().address, BigInt(1 + i + j))));
      }
      const t0 = performance.now();
      const view = await exitTree(engine);
      const fromState = performance.now() - t0;
      const t1 = performance.now();
      const inMemory = new ExitTree(view.balances, view.withdrawals);
      const memMs = performance.now() - t1;
      if (inMemory.root !== view.root || view.root === ZeroHash) throw new Error("exit tree roots differ");
      log(`exit tree: ${view.balances.length} escape leaves, root ${view.root.slice(0, 18)}…`);
      rows.push(row(`exit tree from L2 state, ${view.balances.length} leaves`, "ms", Math.round(fromState), Math.round(memMs), "SDK ExitTree from the same leaves in memory"));
      return rows;
    } finally {
      await engine.close();
      rmSync(dir, { recursive: true, force: true });
    }
  },
};

export default suite;
