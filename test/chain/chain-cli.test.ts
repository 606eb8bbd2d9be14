/**
 * `sovereign-chain` as a process: help, usage errors naming the field (exit code 2, JSON envelope with --json), and the
 * genesis file the escape commands read.
 */
import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import path from "node:path";

import { expect } from "chai";

import { Engine } from "@sovereign-stack/node";

import { engineFromDataDir } from "../../scripts/chain/escape.ts";
import { genesisToJson, readGenesisFile } from "../../scripts/chain/genesis-file.ts";
import { ROOT } from "../../scripts/lib/rpc.ts";
import { cleanupDirs, tempDir } from "./helpers.ts";
import { l2Genesis } from "./l2.ts";
import { testKeys } from "./workload.ts";

function chain(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [path.join(ROOT, "bin", "sovereign-chain.js"), ...args], { encoding: "utf8", timeout: 60_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe("sovereign-chain CLI", function () {
  this.timeout(120_000);
  after(cleanupDirs);

  it("answers --help with both escape commands, derivation from L1 by default and the --data-dir shortcut", () => {
    const r = chain("--help");
    expect(r.status).to.equal(0);
    expect(r.stdout).to.match(/exit-tree/).and.match(/escape-proof/).and.match(/--data-dir/).and.match(/derives it from L1 alone/);
  });

  it("rejects bad input with exit code 2 and a message naming the field", () => {
    const bad = chain("escape-proof", "--account", "0x12", "--rpc-url", "http://127.0.0.1:1", "--json");
    expect(bad.status).to.equal(2);
    const env = JSON.parse(bad.stdout) as { ok: boolean; error: { kind: string; message: string } };
    expect(env.ok).to.equal(false);
    expect(env.error.message).to.match(/--account must be an address/);
    const noGenesis = chain("exit-tree", "--rpc-url", "http://127.0.0.1:1");
    expect(noGenesis.status).to.equal(2);
    expect(noGenesis.stderr).to.match(/--genesis <file> is required/);
    const noAccount = chain("escape-proof", "--rpc-url", "http://127.0.0.1:1");
    expect(noAccount.status).to.equal(2);
    expect(noAccount.stderr).to.match(/--account/);
  });

  it("names the problem with a data directory: missing, empty, in use by a running node, from another genesis", async () => {
    const [a, gov] = testKeys(2);
    const genesis = l2Genesis([a!], gov!.address);
    const failure = async (dir: string, g = genesis): Promise<Error> => {
      try {
        const e = await engineFromDataDir(dir, g)({ index: 0n, batchIndex: 0n, exitRoot: "0x", identityRoot: "0x" });
        await e.close();
      } catch (e) {
        return e as Error;
      }
      throw new Error(`opening ${dir} did not fail`);
    };
    expect((await failure(path.join(tempDir("none"), "missing"))).message).to.match(/holds no node data/);
    expect((await failure(tempDir("empty"))).message).to.match(/holds no node data/);
    const dir = tempDir("busy");
    const running = await Engine.open({ dataDir: dir, genesis });
    try {
      const busy = await failure(dir);
      expect(busy.name).to.equal("CliError");
      expect(busy.message).to.match(/in use by a running node/);
    } finally {
      await running.close();
    }
    expect((await failure(dir, { ...genesis, chainId: genesis.chainId + 1 })).message).to.match(/created from another genesis/);
  });

  it("reads back the genesis it wrote (same genesis state root), and names the bad field of a broken file", async () => {
    const [a, gov] = testKeys(2);
    const genesis = l2Genesis([a!], gov!.address);
    const dir = tempDir("genesis-file");
    const file = path.join(dir, "genesis.json");
    writeFileSync(file, genesisToJson(genesis));
    const back = await readGenesisFile(file);
    const e1 = await Engine.open({ dataDir: tempDir("g1"), genesis });
    const e2 = await Engine.open({ dataDir: tempDir("g2"), genesis: back });
    try {
      expect(e2.head().stateRoot).to.equal(e1.head().stateRoot);
    } finally {
      await e1.close();
      await e2.close();
    }
    writeFileSync(file, JSON.stringify({ ...JSON.parse(genesisToJson(genesis)), gasLimit: "lots" }));
    let err: Error | undefined;
    try {
      await readGenesisFile(file);
    } catch (e) {
      err = e as Error;
    }
    expect(err?.name).to.equal("CliError");
    expect(err?.message).to.match(/gasLimit must be a non-negative integer/);
  });
});
