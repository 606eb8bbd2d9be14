/**
 * `npm run chain -- devnet` as a user runs it: a real `hardhat node`, the deploy pipeline, a sequencer and three
 * validators as separate processes. An L2 transaction sent with plain ethers lands, is posted to L1 and committed by
 * the validators; SIGINT then stops every process (none outlives the devnet) and removes its data directory.
 */
import { spawn, execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";

import { expect } from "chai";
import { Contract, JsonRpcProvider, Wallet } from "ethers";

import { L2_BRIDGE_ADDRESS } from "@sovereign-stack/node";

import { ROOT } from "../../scripts/lib/network.ts";

const STATE_COMMITMENT_ABI = ["function count() view returns (uint256)"];

describe("chain devnet (separate processes)", function () {
  this.timeout(300_000);

  it("prints the L2 RPC and dev keys, credits an L1 deposit on L2, includes, posts and commits an L2 transaction, and stops every process on SIGINT", async () => {
    const child = spawn(process.execPath, [path.join(ROOT, "bin", "sovereign-chain.js"), "devnet", "--seal-interval", "300"], { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.stderr.on("data", (d: Buffer) => (out += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
    const wait = async (re: RegExp, ms: number): Promise<RegExpExecArray> => {
      const end = Date.now() + ms;
      for (;;) {
        const m = re.exec(out);
        if (m !== null) return m;
        if (Date.now() > end || child.exitCode !== null) throw new Error(`devnet: ${re} not seen within ${ms / 1000} s; output:\n${out.slice(-3000)}`);
        await new Promise((r) => setTimeout(r, 200));
      }
    };
    let l1: JsonRpcProvider | undefined;
    let l2: JsonRpcProvider | undefined;
    let dir = "";
    let l1Port = "";
    try {
      dir = (await wait(/data directory (\S+)/, 30_000))[1]!;
      await wait(/devnet ready/, 240_000);
      const l1Url = (await wait(/L1 RPC\s+(\S+)/, 1000))[1]!;
      l1Port = new URL(l1Url).port;
      const l2Url = (await wait(/L2 RPC\s+(\S+)/, 1000))[1]!;
      const key = (await wait(/DEV KEYS[\s\S]*?\n\s+0x[0-9a-fA-F]{40}\s+(0x[0-9a-f]{64})/, 1000))[1]!;
      const deployment = JSON.parse(readFileSync(path.join(dir, "deployment.json"), "utf8")) as { contracts: Record<string, { address: string }> };

      l2 = new JsonRpcProvider(l2Url, undefined, { cacheTimeout: -1, pollingInterval: 100 });
      expect((await l2.getNetwork()).chainId).to.equal(31338n);
      const to = Wallet.createRandom().address;
      const receipt = await (await new Wallet(key, l2).sendTransaction({ to, value: 777n })).wait();
      expect(receipt?.status).to.equal(1);
      expect(await l2.getBalance(to)).to.equal(777n);

      l1 = new JsonRpcProvider(l1Url, undefined, { cacheTimeout: -1, pollingInterval: 100 });
      // A deposit of the devnet's test token on L1 is credited on L2 to the same key, by the sequencer process.
      const tokenAddr = (await wait(/A test ERC-20 on L1 .*: (0x[0-9a-fA-F]{40})/, 1000))[1]!;
      const citizen = new Wallet(key, l1);
      const vault = deployment.contracts["RollupVault"]!.address;
      await (await new Contract(tokenAddr, ["function approve(address,uint256) returns (bool)"], citizen).getFunction("approve")(vault, 5000n)).wait();
      await (await new Contract(vault, ["function deposit(address token, uint256 amount, address l2Recipient)"], citizen).getFunction("deposit")(tokenAddr, 5000n, citizen.address)).wait();
      const l2Bridge = new Contract(L2_BRIDGE_ADDRESS, ["function l2TokenOf(address) view returns (address)"], l2);
      const credited = Date.now() + 30_000;
      for (;;) {
        const l2Token = (await l2Bridge.getFunction("l2TokenOf")(tokenAddr)) as string;
        if (BigInt(l2Token) !== 0n && ((await new Contract(l2Token, ["function balanceOf(address) view returns (uint256)"], l2).getFunction("balanceOf")(citizen.address)) as bigint) === 5000n) break;
        if (Date.now() > credited) throw new Error(`the deposit was not credited on L2 within 30 s; output:\n${out.slice(-3000)}`);
        await new Promise((r) => setTimeout(r, 300));
      }

      const sc = new Contract(deployment.contracts["StateCommitment"]!.address, STATE_COMMITMENT_ABI, l1);
      const end = Date.now() + 60_000;
      while (((await sc.getFunction("count")()) as bigint) === 0n) {
        if (Date.now() > end) throw new Error(`no commitment on L1 within 60 s; output:\n${out.slice(-3000)}`);
        await new Promise((r) => setTimeout(r, 500));
      }
      await wait(/\[sequencer\] sequencer: posted batch/, 1000);
      await wait(/\[validator-\d\] validator 0x[0-9a-fA-F]+: submitted commitment/, 1000);
    } finally {
      l1?.destroy();
      l2?.destroy();
      child.kill("SIGINT");
    }
    expect(await exited, `devnet output:\n${out.slice(-2000)}`).to.equal(0);
    expect(out).to.match(/devnet: every process stopped/);
    expect(out).to.match(/\[sequencer\] sequencer: stopped/);
    for (const n of [1, 2, 3]) expect(out).to.match(new RegExp(`\\[validator-${n}\\] validator: stopped`));
    const left = execFileSync("ps", ["-eo", "pid,args"]).toString().split("\n").filter((l) => l.includes(dir) || (l1Port !== "" && l.includes(`node --port ${l1Port} `)));
    expect(left, "no devnet process outlives it").to.deep.equal([]);
    expect(existsSync(dir), "the data directory is removed").to.equal(false);
  });
});
