/** The node processes' configuration: every bad flag or variable is refused naming it; keys never from the repository. */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

import { expect } from "chai";

import { ConfigError, LogError, haKeys, startPostingLoop, parseHandoverRequest, parseNodeArgs, parseNodeStatus, readL1Key } from "@sovereign-stack/node";

const KEY = "0x" + "ab".repeat(32);
const base = ["--data-dir", "/tmp/x", "--l1-rpc", "http://127.0.0.1:8545", "--deployment", "/tmp/d.json", "--genesis", "/tmp/g.json"];

function refused(f: () => unknown, re: RegExp, type: new (...args: never[]) => Error = ConfigError): void {
  let err: unknown;
  try {
    f();
  } catch (e) {
    err = e;
  }
  expect(err, "refused").to.be.instanceOf(type);
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

  it("turns a sequencer into an HA node with --etcd (or SOVEREIGN_ETCD) and names every bad HA flag", () => {
    const env = { SOVEREIGN_L1_KEY: KEY };
    const single = parseNodeArgs(["sequencer", ...base], env);
    expect(single.role === "sequencer" && single.ha).to.equal(undefined);
    const ha = parseNodeArgs(["sequencer", ...base, "--etcd", "http://127.0.0.1:2379,http://127.0.0.1:2381", "--node-id", "seq-1", "--lease-ttl", "3", "--no-auto-claim"], env);
    expect(ha.role === "sequencer" ? ha.ha : undefined).to.deep.equal({ etcdHosts: ["http://127.0.0.1:2379", "http://127.0.0.1:2381"], prefix: undefined, nodeId: "seq-1", leaseTtlSeconds: 3, heartbeatIntervalMs: 10_000, autoClaim: false });
    const fromEnv = parseNodeArgs(["sequencer", ...base], { ...env, SOVEREIGN_ETCD: "http://e:2379", SOVEREIGN_ETCD_PREFIX: "gov/chain/", SOVEREIGN_HEARTBEAT_INTERVAL_MS: "5000" });
    expect(fromEnv.role === "sequencer" ? fromEnv.ha : undefined).to.include({ prefix: "gov/chain/", heartbeatIntervalMs: 5000, leaseTtlSeconds: 2, autoClaim: true });
    refused(() => parseNodeArgs(["sequencer", ...base, "--node-id", "seq-1"], env), /--node-id: only with --etcd/);
    refused(() => parseNodeArgs(["sequencer", ...base, "--etcd", "127.0.0.1:2379"], env), /--etcd .*member URLs like http:\/\/127\.0\.0\.1:2379, got "127\.0\.0\.1:2379"/);
    refused(() => parseNodeArgs(["sequencer", ...base, "--etcd", "http://e:1", "--lease-ttl", "5"], env), /--lease-ttl .*\[2, 3\]/);
    refused(() => parseNodeArgs(["sequencer", ...base, "--etcd", "http://e:1", "--node-id", "a b"], env), /--node-id .*got "a b"/);
    refused(() => parseNodeArgs(["sequencer", ...base, "--etcd", "http://e:1", "--etcd-prefix", "noslash"], env), /--etcd-prefix .*ending in "\/"/);
    refused(() => parseNodeArgs(["sequencer", ...base, "--etcd", "http://e:1", "--heartbeat-interval", "10"], env), /--heartbeat-interval .*\[1000, /);
    refused(() => parseNodeArgs(["validator", ...base, "--board", "/b", "--etcd", "http://e:1"], env), /--etcd: not an option of the validator/);
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

describe("HA keys on etcd: stored values are validated, never trusted", () => {
  const keys = haKeys("chain/1/");
  const status = { id: "seq-0", address: "0x" + "11".repeat(20), rpcUrl: "http://127.0.0.1:1", role: "leader", appliedSeq: "5", headBlock: "2", l1Active: true, rank: 0, updatedAt: 1, lastHeartbeat: null };

  it("lays the keys out under the chain's prefix and refuses a bad node id", () => {
    expect(keys.node("seq-0")).to.equal("chain/1/nodes/seq-0");
    expect([keys.handover, keys.posted, keys.l1Cursor]).to.deep.equal(["chain/1/handover", "chain/1/meta/posted", "chain/1/meta/l1cursor"]);
    refused(() => keys.node("a/b"), /node id: expected 1 to 64 letters/, LogError);
    refused(() => haKeys(""), /etcd prefix: must be a non-empty string/, LogError);
  });

  it("parses a node status and a handover request, naming the key and the bad field", () => {
    expect(parseNodeStatus(JSON.stringify(status), "k")).to.deep.equal(status);
    refused(() => parseNodeStatus("{", "k"), /k: not JSON/, LogError);
    refused(() => parseNodeStatus("[]", "k"), /k: expected an object/, LogError);
    refused(() => parseNodeStatus(JSON.stringify({ ...status, role: "king" }), "k"), /k: role must be leader, standby/, LogError);
    refused(() => parseNodeStatus(JSON.stringify({ ...status, appliedSeq: 5 }), "k"), /k: appliedSeq must be a decimal string/, LogError);
    refused(() => parseNodeStatus(JSON.stringify({ ...status, address: "0x12" }), "k"), /k: address must be an address/, LogError);
    refused(() => parseNodeStatus(JSON.stringify({ ...status, lastHeartbeat: { accumulator: "0x" } }), "k"), /k: lastHeartbeat must be null or/, LogError);
    expect(parseHandoverRequest(JSON.stringify({ to: "seq-1", requestedAt: 5, by: "ops" }), "h")).to.deep.equal({ to: "seq-1", requestedAt: 5, by: "ops" });
    refused(() => parseHandoverRequest(JSON.stringify({ to: "", requestedAt: 5, by: "ops" }), "h"), /h: to must be a node id/, LogError);
    refused(() => parseHandoverRequest(JSON.stringify({ to: "x", requestedAt: "now", by: "ops" }), "h"), /h: requestedAt must be milliseconds/, LogError);
  });
});

describe("posting loop options", () => {
  it("refuses a bad posting or idle interval, naming it, before any round runs", () => {
    const poster = {} as Parameters<typeof startPostingLoop>[0]["poster"]; // never used: the options are refused first
    expect(() => startPostingLoop({ poster, intervalMs: -1 })).to.throw(RangeError, /postIntervalMs must be a non-negative integer, got -1/);
    expect(() => startPostingLoop({ poster, intervalMs: 0, idlePostIntervalMs: 1.5 })).to.throw(RangeError, /idlePostIntervalMs must be a non-negative integer, got 1\.5/);
  });
});
