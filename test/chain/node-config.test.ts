/** The node processes' configuration: every bad flag or variable is refused naming it; keys never from the repository. */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

import { expect } from "chai";

import { ConfigError, parseNodeArgs, readL1Key } from "@sovereign-stack/node";

const KEY = "0x" + "ab".repeat(32);
const base = ["--data-dir", "/tmp/x", "--l1-rpc", "http://127.0.0.1:8545", "--deployment", "/tmp/d.json", "--genesis", "/tmp/g.json"];

function refused(f: () => unknown, re: RegExp): void {
  let err: unknown;
  try {
    f();
  } catch (e) {
    err = e;
  }
  expect(err, "refused").to.be.instanceOf(ConfigError);
  expect((err as Error).message).to.match(re);
}

describe("chain node process configuration", () => {
  it("parses both roles from flags and the environment, flags first", () => {
    const s = parseNodeArgs(["sequencer", ...base, "--rpc-port", "0", "--seal-interval", "250"], { SOVEREIGN_L1_KEY: KEY, SOVEREIGN_RPC_PORT: "9", SOVEREIGN_POST_INTERVAL_MS: "700" });
    expect(s).to.include({ role: "sequencer", rpcPort: 0, sealIntervalMs: 250, postIntervalMs: 700, idlePostIntervalMs: 60_000, l1Key: KEY, confirmations: 0 });
    const v = parseNodeArgs(["validator", "--board", "/tmp/b"], { SOVEREIGN_L1_KEY: KEY, SOVEREIGN_DATA_DIR: "/tmp/v", SOVEREIGN_L1_RPC: "http://l1:8545", SOVEREIGN_DEPLOYMENT: "/tmp/d.json", SOVEREIGN_GENESIS: "/tmp/g.json", SOVEREIGN_COMMIT_EVERY: "4" });
    expect(v).to.include({ role: "validator", boardDir: "/tmp/b", commitEvery: 4, stepIntervalMs: 2000, dataDir: "/tmp/v" });
  });

  it("refuses a missing role, unknown or misplaced flags, missing values and bad numbers, naming each", () => {
    const env = { SOVEREIGN_L1_KEY: KEY };
    refused(() => parseNodeArgs([], env), /role: expected "sequencer" or "validator"/);
    refused(() => parseNodeArgs(["standby", ...base], env), /role: .*"standby"/);
    refused(() => parseNodeArgs(["sequencer", ...base, "--board", "/tmp/b"], env), /--board: not an option of the sequencer/);
    refused(() => parseNodeArgs(["validator", ...base, "--rpc-port", "1"], env), /--rpc-port: not an option of the validator/);
    refused(() => parseNodeArgs(["validator", ...base], env), /--board \(or SOVEREIGN_BOARD_DIR\): required/);
    refused(() => parseNodeArgs(["sequencer", "--data-dir", "/tmp/x"], env), /--l1-rpc \(or SOVEREIGN_L1_RPC\): required/);
    refused(() => parseNodeArgs(["sequencer", ...base.slice(0, 2), "--l1-rpc", "ws://x", ...base.slice(4)], env), /--l1-rpc .*http\(s\) URL/);
    refused(() => parseNodeArgs(["sequencer", ...base, "--rpc-port", "70000"], env), /--rpc-port .*\[0, 65535\]/);
    refused(() => parseNodeArgs(["validator", ...base, "--board", "/b", "--commit-every", "0"], env), /--commit-every .*\[1, /);
    refused(() => parseNodeArgs(["sequencer", ...base, "--nope"], env), /nope/);
  });

  it("reads the L1 key from the environment or a key file outside the repository, and refuses anything else", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "chain-keys-"));
    try {
      const file = path.join(dir, "seq.key");
      writeFileSync(file, KEY + "\n", { mode: 0o600 });
      expect(readL1Key(file, undefined)).to.equal(KEY);
      expect(readL1Key(undefined, KEY)).to.equal(KEY);
      refused(() => readL1Key(undefined, undefined), /SOVEREIGN_L1_KEY=0x… or pass --key-file/);
      refused(() => readL1Key(undefined, "0x1234"), /SOVEREIGN_L1_KEY: expected a 0x-prefixed 32-byte hex private key/);
      refused(() => readL1Key(path.join(dir, "missing.key"), undefined), /cannot read it/);
      refused(() => readL1Key(path.resolve("package.json"), undefined), /must live outside the repository/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
