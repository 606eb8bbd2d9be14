/**
 * End to end, as an official would: a real `hardhat node` on a loopback port, the deploy tool, and the exit
 * tool's commands run as separate processes (through the `sovereign-exit` bin) with keys from the environment and
 * from an encrypted JSON keystore. stdin is never a terminal here, so every run is non-interactive.
 */
import { expect } from "chai";
import { spawn, execFile, type ChildProcess } from "node:child_process";
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from "node:fs/promises";
import { createServer as createHttpServer } from "node:http";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";

import { HDNodeWallet, JsonRpcProvider, Mnemonic, Wallet } from "ethers";
import { connect, triggerExitDigest, parseTriggerExit } from "@sovereign-stack/sdk";

import { ROOT } from "../../scripts/lib/network.ts";

const run = promisify(execFile);
const PORT = 18545 + Math.floor(Math.random() * 1000);
// A clean environment: no key, no RPC URL and no CI flag leak in from the developer's shell.
const BASE_ENV: Record<string, string> = Object.fromEntries(
  Object.entries(process.env).filter(
    (e): e is [string, string] => e[1] !== undefined && !/^(COUNCIL_KEY|RELAYER_KEY|DEPLOYER_KEY|RPC_URL|ETH_RPC_URL|MAINNET_RPC_URL|KEYSTORE_PASSWORD|CI|INIT_CWD)$/.test(e[0]),
  ),
);
const ENV = { ...BASE_ENV, LOCALHOST_URL: `http://127.0.0.1:${PORT}` };
// Hardhat's public, well-known test mnemonic: these keys only ever hold test ether on a local node.
const TEST_MNEMONIC = Mnemonic.fromPhrase("test test test test test test test test test test test junk");
const account = (i: number) => HDNodeWallet.fromMnemonic(TEST_MNEMONIC, `m/44'/60'/0'/0/${i}`);
const EXIT_BIN = path.join(ROOT, "bin/sovereign-exit.js");
/**
 * A dry run's plan of an empty chain: every component is "new", the summary counts them, and nothing was sent.
 * Returns the count (so the tests follow the stack manifest instead of a number written twice).
 */
function planCount(stdout: string, status: "new"): number {
  const m = /plan: 0 unchanged, (\d+) new, 0 changed; nothing was sent/.exec(stdout);
  expect(m, stdout).to.not.equal(null);
  const n = Number(m![1]);
  expect(stdout.split("\n").filter((l) => new RegExp(`^\\s*\\+ \\S+ +${status}\\b`).test(l)).length, stdout).to.equal(n);
  return n;
}

const DEPLOY_BIN = path.join(ROOT, "bin/sovereign-deploy.js");

let deploymentArg: string[] = [];

interface Result {
  code: number;
  stdout: string;
  stderr: string;
  out: string;
  ms: number;
}

async function exec(file: string, args: string[], env: Record<string, string>, cwd = ROOT): Promise<Result> {
  const t0 = Date.now();
  try {
    const { stdout, stderr } = await run(process.execPath, [file, ...args], { cwd, env });
    return { code: 0, stdout, stderr, out: stdout + stderr, ms: Date.now() - t0 };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr, out: err.stdout + err.stderr, ms: Date.now() - t0 };
  }
}

async function cli(args: string[], env: Record<string, string> = {}, cwd = ROOT): Promise<Result> {
  // commands that talk to the chain read the temporary deployment record
  const extra = args.includes("--network") && args[args.indexOf("--network") + 1] === "localhost" && !args.includes("--deployment") ? deploymentArg : [];
  return exec(EXIT_BIN, [...args, ...extra], { ...ENV, ...env }, cwd);
}

describe("exit CLI against a real localhost node (e2e)", function () {
  this.timeout(120_000);
  let node: ChildProcess;
  let dir: string;
  let deployment: string; // a temporary record: a developer's deployments/localhost.json is never touched

  before(async () => {
    dir = await mkdtemp(path.join(tmpdir(), "sov-exit-cli-"));
    deployment = path.join(dir, "localhost.json");
    node = spawn(process.execPath, [path.join(ROOT, "node_modules/hardhat/dist/src/cli.js"), "node", "--port", String(PORT)], { cwd: ROOT, env: ENV, stdio: ["ignore", "pipe", "pipe"] });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error("hardhat node did not start in 60 s")), 60_000);
      node.stdout!.on("data", (d: Buffer) => {
        if (d.toString().includes("Started HTTP")) {
          clearTimeout(timer);
          resolve();
        }
      });
      node.on("exit", (code) => reject(new Error(`hardhat node exited with ${code}`)));
    });
    const dep = await exec(DEPLOY_BIN, ["--network", "localhost", "--out", deployment], ENV);
    expect(dep.code, dep.out).to.equal(0);
    expect(dep.stdout).to.match(/deploy: done; \d+ deployed/);
    deploymentArg = ["--deployment", deployment];
  });

  after(async () => {
    node?.kill();
    await rm(dir, { recursive: true, force: true });
  });

  it("--help answers at once, before any build or connection, and lists the exit codes", async () => {
    const help = await cli(["--help"]);
    expect(help.code).to.equal(0);
    expect(help.stdout).to.match(/trigger-auto/).and.match(/0 ok, 1 failure, 2 usage, 3 not yet/).and.match(/RELAYER_KEY/);
    expect(help.ms, `--help took ${help.ms} ms`).to.be.below(4000);
    const bad = await cli(["status", "--network", "mainnet-typo"]);
    expect(bad.code).to.equal(2);
    expect(bad.stderr).to.match(/Allowed choices are mainnet, sepolia, holesky, remote, localhost\./);
    expect(bad.stderr.split("\n")[0]).to.not.match(/\bdefault\b|\bnode\b/);
  });

  it("status is read-only: no key at all, by --network or --rpc-url; --json is one clean JSON document with schemaVersion 1", async () => {
    const { code, stdout, stderr } = await cli(["status", "--network", "localhost"]);
    expect(code, stdout + stderr).to.equal(0);
    expect(stdout).to.match(/^network localhost \(chain 31337\) via 127\.0\.0\.1:\d+$/m);
    expect(stdout).to.match(/MODE: normal/);
    expect(stdout).to.match(/standby 1 .*not ready \(never heartbeated\); cannot claim until it heartbeats the current head/);
    expect(stdout).to.not.match(/never heartbeated\); may claim now/);
    expect(stdout).to.match(/Last finalized commitment: none yet \(genesis\)/);
    expect(stdout).to.match(/Automatic exit trigger: closed; opens at/);
    const json = await cli(["status", "--rpc-url", `http://127.0.0.1:${PORT}`, "--deployment", deployment, "--json"]);
    expect(json.code).to.equal(0);
    const doc = JSON.parse(json.stdout) as { schemaVersion: number; ok: boolean; network: { chainId: number }; liveness: { sla: { inclusionWindow: number } } };
    expect(doc.schemaVersion).to.equal(1);
    expect(doc.ok).to.equal(true);
    expect(doc.network.chainId).to.equal(31337);
    expect(doc.liveness.sla.inclusionWindow).to.equal(3600);
    expect(json.stderr).to.match(/network custom \(chain 31337\) via 127\.0\.0\.1/);
    // `remote` reads RPC_URL; no DEPLOYER_KEY is needed to read
    const remote = await cli(["status", "--network", "remote", "--deployment", deployment], { RPC_URL: `http://127.0.0.1:${PORT}` });
    expect(remote.code, remote.out).to.equal(0);
    expect(remote.out).to.not.match(/DEPLOYER_KEY/);
  });

  it("npm run --silent exit -- … --json is clean JSON too, and a failure is a JSON error", async () => {
    const npm = await new Promise<Result>((resolve) => {
      execFile("npm", ["run", "--silent", "exit", "--", "status", "--network", "localhost", "--deployment", deployment, "--json"], { cwd: ROOT, env: ENV }, (err, stdout, stderr) =>
        resolve({ code: err === null ? 0 : ((err as { code?: number }).code ?? 1), stdout, stderr, out: stdout + stderr, ms: 0 }),
      );
    });
    expect(npm.code, npm.out).to.equal(0);
    expect((JSON.parse(npm.stdout) as { schemaVersion: number }).schemaVersion).to.equal(1);
    const missing = await cli(["status", "--network", "localhost", "--deployment", path.join(dir, "nope.json"), "--json"]);
    expect(missing.code).to.equal(1);
    const err = JSON.parse(missing.stdout) as { ok: boolean; error: { message: string; exitCode: number } };
    expect(err.ok).to.equal(false);
    expect(err.error.exitCode).to.equal(1);
    expect(err.error.message).to.match(/no deployment record at .*nope\.json/);
    const usage = await cli(["status", "--json"]);
    expect(usage.code).to.equal(2);
    expect((JSON.parse(usage.stdout) as { error: { exitCode: number; message: string } }).error.message).to.match(/--network .* or --rpc-url/);
  });

  it("gives up on an RPC that accepts the connection but never answers, naming it", async () => {
    const sockets: import("node:net").Socket[] = [];
    const server: Server = createServer((s) => void sockets.push(s));
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const port = (server.address() as { port: number }).port;
    try {
      const r = await cli(["status", "--rpc-url", `http://127.0.0.1:${port}`, "--deployment", deployment, "--timeout", "1"]);
      expect(r.code).to.equal(1);
      expect(r.stderr).to.match(new RegExp(`connecting to 127\\.0\\.0\\.1:${port}`));
      expect(r.stderr).to.match(new RegExp(`no answer from 127\\.0\\.0\\.1:${port} within 1 s`));
      expect(r.ms).to.be.below(10_000);
    } finally {
      for (const s of sockets) s.destroy();
      server.close();
    }
    // an endpoint that answers the chain id, then goes silent: every later call has the timeout too
    const pending: import("node:http").ServerResponse[] = [];
    const half = createHttpServer((req, res) => {
      let body = "";
      req.on("data", (d: Buffer) => (body += d.toString()));
      req.on("end", () => {
        const call = JSON.parse(body) as { id: number; method: string };
        if (call.method === "eth_chainId") res.end(JSON.stringify({ jsonrpc: "2.0", id: call.id, result: "0x7a69" }));
        else pending.push(res);
      });
    });
    await new Promise<void>((r) => half.listen(0, "127.0.0.1", r));
    const halfPort = (half.address() as { port: number }).port;
    try {
      const r = await cli(["status", "--rpc-url", `http://127.0.0.1:${halfPort}`, "--deployment", deployment, "--timeout", "1"]);
      expect(r.code).to.equal(1);
      expect(r.stderr).to.match(new RegExp(`no answer from 127\\.0\\.0\\.1:${halfPort} within 1 s; check the RPC URL or raise --timeout`));
      expect(r.stderr).to.not.match(/at async/);
      expect(r.ms).to.be.below(10_000);
    } finally {
      for (const res of pending) res.destroy();
      half.closeAllConnections();
      half.close();
    }
  });

  it("a stale record (contracts with no code: a reset chain) is reported, not a BAD_DATA stack", async () => {
    const rec = JSON.parse(await readFile(deployment, "utf8")) as { contracts: Record<string, { address: string }> };
    for (const c of Object.values(rec.contracts)) c.address = Wallet.createRandom().address;
    const stale = path.join(dir, "stale.json");
    await writeFile(stale, JSON.stringify(rec));
    const r = await cli(["status", "--network", "localhost", "--deployment", stale]);
    expect(r.code).to.equal(1);
    expect(r.stderr).to.match(/deployment\.contracts\.\w+: the recorded address 0x[0-9a-fA-F]{40} holds no code on chain 31337: the deployment record is wrong or stale \(was the chain reset\?\)/);
    expect(r.out).to.not.match(/BAD_DATA|at async/);
  });

  it("distinct exit codes: 3 for not yet (trigger-auto, force-include inside the window), 2 for a missing --yes; force-include once the window passed", async () => {
    const early = await cli(["trigger-auto", "--network", "localhost", "--yes"]);
    expect(early.code, early.out).to.equal(3);
    expect(early.stderr).to.match(/not yet: the automatic exit trigger is not possible yet \(maxDowntime is not breached; the council path works meanwhile\): try again from \d{4}-/);
    const earlyJson = await cli(["trigger-auto", "--network", "localhost", "--yes", "--json"]);
    expect(earlyJson.code).to.equal(3);
    const doc = JSON.parse(earlyJson.stdout) as { schemaVersion: number; error: { kind: string; exitCode: number; opensAt: number } };
    expect(doc.schemaVersion).to.equal(1);
    expect(doc.error.kind).to.equal("NotYetError");
    expect(doc.error.opensAt).to.be.a("number");
    const noYes = await cli(["trigger-auto", "--network", "localhost"]);
    expect(noYes.code).to.equal(2);
    expect(noYes.stderr).to.match(/irreversible: pass --yes/);
    // a citizen's message, inside its inclusion window
    const provider = new JsonRpcProvider(`http://127.0.0.1:${PORT}`);
    const citizen = account(18).connect(provider);
    const stack = await connect(citizen, deployment);
    await (await stack.contracts.DelayedInbox.enqueue("0xf00d")).wait();
    const force = await cli(["force-include", "--network", "localhost"]);
    expect(force.code, force.out).to.equal(3);
    expect(force.stderr).to.match(/forcing queue message \d+ in is not possible yet \(it is still within its inclusion window\): try again from \d{4}-.* and L1 block \d+/);
    const st = await cli(["status", "--network", "localhost"]);
    expect(st.stdout).to.match(/Forced-inclusion queue: 1 pending/);
    // past the window (1 h and 300 L1 blocks): anyone forces it, and sees progress while it confirms
    await provider.send("evm_increaseTime", [3601]);
    await provider.send("hardhat_mine", ["0x12e"]);
    const forced = await cli(["force-include", "--network", "localhost"]);
    expect(forced.code, forced.out).to.equal(0);
    expect(forced.out).to.match(/paying gas from 0x[0-9a-fA-F]{40} \(the local node's first account\)/);
    expect(forced.out).to.match(/sent 0x[0-9a-f]{64}, waiting for confirmation…/);
    expect(forced.stdout).to.match(/forced 1 message\(s\) into the canonical sequence/);
    provider.destroy();
  });

  it("sign prints the EIP-712 digest, refuses to overwrite, and refuses a non-member when it can reach the chain", async () => {
    const d = path.join(dir, "sign");
    await mkdir(d);
    const first = await cli(["sign", "--network", "localhost", "--reason", "overwrite drill", "--payload-out", "payload.json", "--out", "m1.sig.json"], { COUNCIL_KEY: account(1).privateKey, INIT_CWD: d });
    expect(first.code, first.out).to.equal(0);
    const payload = parseTriggerExit(JSON.parse(await readFile(path.join(d, "payload.json"), "utf8")));
    expect(first.stdout).to.include(`EIP-712 digest: ${triggerExitDigest(payload)}`);
    expect(first.stdout).to.match(/a member of the council on chain 31337/);
    const before = await readFile(path.join(d, "m1.sig.json"), "utf8");
    const again = await cli(["sign", "--payload", "payload.json", "--out", "m1.sig.json"], { COUNCIL_KEY: account(2).privateKey, INIT_CWD: d });
    expect(again.code).to.equal(1);
    expect(again.stderr).to.match(/m1\.sig\.json already exists: refusing to overwrite it \(pass --force/);
    expect(await readFile(path.join(d, "m1.sig.json"), "utf8")).to.equal(before);
    const payloadAgain = await cli(["sign", "--network", "localhost", "--reason", "again", "--payload-out", "payload.json", "--out", "x.sig.json"], { COUNCIL_KEY: account(1).privateKey, INIT_CWD: d });
    expect(payloadAgain.code).to.equal(1);
    expect(payloadAgain.stderr).to.match(/payload\.json already exists/);
    const forced = await cli(["sign", "--payload", "payload.json", "--out", "m1.sig.json", "--force"], { COUNCIL_KEY: account(1).privateKey, INIT_CWD: d });
    expect(forced.code, forced.out).to.equal(0);
    const outsider = await cli(["sign", "--payload", "payload.json", "--network", "localhost", "--out", "outsider.sig.json"], { COUNCIL_KEY: account(17).privateKey, INIT_CWD: d });
    expect(outsider.code).to.equal(1);
    expect(outsider.stderr).to.match(new RegExp(`${account(17).address} is not a member of the exit council on chain 31337`));
    expect((await readdir(d)).includes("outsider.sig.json")).to.equal(false);
    // --private-key-env reads only that variable
    const env = await cli(["sign", "--payload", "payload.json", "--private-key-env", "MY_SIGNER", "--out", "m3.sig.json"], { MY_SIGNER: account(3).privateKey, INIT_CWD: d });
    expect(env.code, env.out).to.equal(0);
    expect(env.stdout).to.match(/not checked against the council \(off-line\)/);
  });

  it("a Safe council member gets the digest to sign and a signature file from its signature bytes", async () => {
    const d = path.join(dir, "safe");
    await mkdir(d);
    const p = await cli(["sign", "--network", "localhost", "--reason", "safe drill", "--payload-out", "payload.json", "--out", "m1.sig.json"], { COUNCIL_KEY: account(1).privateKey, INIT_CWD: d });
    expect(p.code, p.out).to.equal(0);
    const payload = parseTriggerExit(JSON.parse(await readFile(path.join(d, "payload.json"), "utf8")));
    const safe = Wallet.createRandom().address;
    const digest = await cli(["sign", "--payload", "payload.json", "--safe", safe, "--digest-only", "--json"], { INIT_CWD: d });
    expect(digest.code, digest.out).to.equal(0);
    const doc = JSON.parse(digest.stdout) as { digest: string; typedData: { primaryType: string } };
    expect(doc.digest).to.equal(triggerExitDigest(payload));
    expect(doc.typedData.primaryType).to.equal("TriggerExit");
    const bytes = "0x" + "ab".repeat(65);
    const file = await cli(["sign", "--payload", "payload.json", "--safe", safe, "--signature", bytes], { INIT_CWD: d });
    expect(file.code, file.out).to.equal(0);
    const written = JSON.parse(await readFile(path.join(d, `${safe}.sig.json`), "utf8")) as { signer: string; signature: string };
    expect(written.signer).to.equal(safe);
    expect(written.signature).to.equal(bytes);
    // on-line, a Safe that is not on the council is refused
    const online = await cli(["sign", "--payload", "payload.json", "--network", "localhost", "--safe", safe, "--signature", bytes, "--out", "x.sig.json"], { INIT_CWD: d });
    expect(online.code).to.equal(1);
    expect(online.stderr).to.match(/is not a member of the exit council/);
    expect((await cli(["sign", "--payload", "payload.json", "--signature", bytes], { INIT_CWD: d })).code).to.equal(2);
  });

  it("a non-interactive run with a Hardhat keystore present fails with what to export instead of blocking on the password prompt", async () => {
    const config = path.join(dir, "xdg");
    await mkdir(path.join(config, "hardhat-nodejs"), { recursive: true });
    await writeFile(path.join(config, "hardhat-nodejs", "keystore.json"), JSON.stringify({ _format: "hh-unencrypted-keystore" }));
    const r = await cli(["sign", "--payload", path.join(dir, "sign", "payload.json"), "--out", path.join(dir, "ks.sig.json")], { XDG_CONFIG_HOME: config, CI: "" });
    expect(r.code).to.equal(1);
    expect(r.stderr).to.match(/no key found in COUNCIL_KEY: it is not set in the environment, and a non-interactive run .* does not prompt for the Hardhat keystore password; export COUNCIL_KEY=/);
    const mainnet = await cli(["status", "--network", "mainnet"], { XDG_CONFIG_HOME: config });
    expect(mainnet.code).to.equal(1);
    expect(mainnet.stderr).to.match(/MAINNET_RPC_URL is not set in the environment/);
  });

  it("officials sign off-line (env key and encrypted keystore); submit reports, rejects bad and corrupt files, then triggers the exit", async () => {
    const keys = [1, 2, 3, 4, 5, 6].map(account);
    const first = await cli(["sign", "--network", "localhost", "--reason", "e2e drill", "--payload-out", "payload.json", "--out", "m1.sig.json"], { COUNCIL_KEY: keys[0]!.privateKey, INIT_CWD: dir });
    expect(first.code, first.out).to.equal(0);
    // the others sign from the payload file alone, as on an air-gapped machine (no network option)
    for (const [i, k] of keys.slice(1, 4).entries()) {
      const r = await cli(["sign", "--payload", "payload.json", "--out", `m${i + 2}.sig.json`], { COUNCIL_KEY: k.privateKey, INIT_CWD: dir, LOCALHOST_URL: "http://127.0.0.1:1" });
      expect(r.code, r.out).to.equal(0);
    }
    const password = "correct horse battery staple";
    await writeFile(path.join(dir, "m5.keystore.json"), await keys[4]!.encrypt(password));
    const ks = await cli(["sign", "--payload", "payload.json", "--keystore", "m5.keystore.json", "--out", "m5.sig.json"], { KEYSTORE_PASSWORD: password, INIT_CWD: dir });
    expect(ks.code, ks.out).to.equal(0);
    const wrongPw = await cli(["sign", "--payload", "payload.json", "--keystore", "m5.keystore.json"], { KEYSTORE_PASSWORD: "nope", INIT_CWD: dir });
    expect(wrongPw.code).to.equal(1);
    expect(wrongPw.out).to.match(/cannot decrypt it.*check the password/);
    // a non-member signs too, off-line (nothing to check against)
    const outsider = await cli(["sign", "--payload", "payload.json", "--out", "outsider.sig.json"], { COUNCIL_KEY: account(17).privateKey, INIT_CWD: dir });
    expect(outsider.code).to.equal(0);
    // a truncated file among the valid ones
    const valid = await readFile(path.join(dir, "m2.sig.json"), "utf8");
    await writeFile(path.join(dir, "truncated.sig.json"), valid.slice(0, valid.length / 2));

    const short = await cli(["submit", "--network", "localhost", "--payload", "payload.json", "--sig", ".", "--yes"], { INIT_CWD: dir });
    expect(short.code).to.equal(1);
    expect(short.out).to.match(/valid signatures: 5 of 6 needed/);
    expect(short.out).to.match(/outsider\.sig\.json .*not a council member/);
    expect(short.out).to.match(/truncated\.sig\.json \(\?\): not valid JSON/);
    expect(short.out).to.match(/not enough valid signatures: 5 of 6; collect signatures from/);
    const shortJson = await cli(["submit", "--network", "localhost", "--payload", "payload.json", "--sig", ".", "--dry-run", "--json"], { INIT_CWD: dir });
    const shortDoc = JSON.parse(shortJson.stdout) as { ok: boolean; error: { details: { valid: unknown[]; problems: { source: string }[] } } };
    expect(shortDoc.ok).to.equal(false);
    expect(shortDoc.error.details.valid).to.have.length(5);
    expect(shortDoc.error.details.problems.map((p) => path.basename(p.source))).to.include.members(["outsider.sig.json", "truncated.sig.json"]);

    const sixth = await cli(["sign", "--payload", "payload.json", "--out", "m6.sig.json"], { COUNCIL_KEY: keys[5]!.privateKey, INIT_CWD: dir });
    expect(sixth.code).to.equal(0);
    const status = await cli(["status", "--network", "localhost", "--payload", "payload.json", "--sig", "."], { INIT_CWD: dir });
    expect(status.out).to.match(/signed \(6\/6\)/);
    expect(status.out).to.match(/rejected .*truncated\.sig\.json/);
    const unconfirmed = await cli(["submit", "--network", "localhost", "--payload", "payload.json", "--sig", "."], { INIT_CWD: dir });
    expect(unconfirmed.code).to.equal(2);
    expect(unconfirmed.stderr).to.match(/irreversible: pass --yes/);
    const relayer = account(19);
    const ok = await cli(["submit", "--network", "localhost", "--payload", "payload.json", "--sig", ".", "--yes"], { INIT_CWD: dir, RELAYER_KEY: relayer.privateKey });
    expect(ok.code, ok.out).to.equal(0);
    expect(ok.out).to.match(/valid signatures: 6 of 6 needed/);
    expect(ok.out).to.include(`paying gas from ${relayer.address}`);
    expect(ok.out).to.match(/sent 0x[0-9a-f]{64}, waiting for confirmation…/);
    expect(ok.out).to.match(/EXIT TRIGGERED by the council/);
    const after = await cli(["status", "--network", "localhost"]);
    expect(after.out).to.match(/MODE: EXIT/);
    expect((await readdir(dir)).filter((f) => f.endsWith(".sig.json"))).to.have.length(8);
  });

  it("trigger-auto and force-include explain why they cannot act", async () => {
    const auto = await cli(["trigger-auto", "--network", "localhost", "--yes"]);
    expect(auto.code).to.equal(1);
    expect(auto.out).to.match(/already in exit mode/);
    const force = await cli(["force-include", "--network", "localhost"]);
    expect(force.code).to.equal(1);
    expect(force.out).to.match(/exit mode: the queue is frozen/);
  });

  it("rejects bad input with errors that say what to fix, usage errors with exit code 2", async () => {
    const noNet = await cli(["status"]);
    expect(noNet.code).to.equal(2);
    expect(noNet.out).to.match(/say which chain: --network <mainnet\|sepolia\|holesky\|remote\|localhost> or --rpc-url <url>/);
    expect((await cli(["status", "--network", "nowhere"])).code).to.equal(2);
    expect((await cli(["status", "--network", "localhost", "--timeout", "soon"])).out).to.match(/--timeout must be a number of seconds/);
    // a named public network checks that its endpoint is that chain
    const wrongChain = await cli(["status", "--network", "mainnet", "--rpc-url", `http://127.0.0.1:${PORT}`, "--deployment", deployment]);
    expect(wrongChain.code).to.equal(1);
    expect(wrongChain.stderr).to.match(/127\.0\.0\.1:\d+ is chain 31337, not mainnet \(chain 1\); check the RPC URL/);
    const viaEnv = await cli(["status", "--network", "mainnet", "--deployment", deployment], { MAINNET_RPC_URL: `http://127.0.0.1:${PORT}` });
    expect(viaEnv.stderr).to.match(/is chain 31337, not mainnet/);
    expect((await cli(["sign", "--payload", "missing.json"], { COUNCIL_KEY: account(1).privateKey, INIT_CWD: dir })).out).to.match(/payload file .*missing\.json: cannot read it \(ENOENT\)/);
    expect((await cli(["sign", "--payload", "payload.json", "--out", "k.sig.json"], { COUNCIL_KEY: "0x1234", INIT_CWD: dir })).out).to.match(/COUNCIL_KEY is not a 32-byte hex private key/);
    const noReason = await cli(["sign", "--network", "localhost"], { INIT_CWD: dir });
    expect(noReason.code).to.equal(2);
    expect(noReason.out).to.match(/--reason is required/);
    expect((await cli(["sign", "--payload", "payload.json", "--out", "e.sig.json"], { INIT_CWD: dir, COUNCIL_KEY: "" })).out).to.match(/no key found in COUNCIL_KEY/);
  });
});

describe("deploy CLI against a real localhost node (e2e)", function () {
  this.timeout(120_000);
  let node: ChildProcess;
  let dir: string;
  const port = PORT + 1000;
  const env = { ...BASE_ENV, LOCALHOST_URL: `http://127.0.0.1:${port}` };

  before(async () => {
    dir = await mkdtemp(path.join(tmpdir(), "sov-deploy-cli-"));
    node = spawn(process.execPath, [path.join(ROOT, "node_modules/hardhat/dist/src/cli.js"), "node", "--port", String(port)], { cwd: ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error("hardhat node did not start in 60 s")), 60_000);
      node.stdout!.on("data", (d: Buffer) => {
        if (d.toString().includes("Started HTTP")) {
          clearTimeout(timer);
          resolve();
        }
      });
      node.on("exit", (code) => reject(new Error(`hardhat node exited with ${code}`)));
    });
  });

  after(async () => {
    node?.kill();
    await rm(dir, { recursive: true, force: true });
  });

  it("--help lists every environment variable with examples, at once", async () => {
    const r = await exec(DEPLOY_BIN, ["--help"], env);
    expect(r.code).to.equal(0);
    for (const v of ["MAINNET_RPC_URL", "SEPOLIA_RPC_URL", "HOLESKY_RPC_URL", "RPC_URL", "DEPLOYER_KEY", "IDENTITY_CIRCUIT_DEPTH", "IDENTITY_GOVERNANCE", "LOCALHOST_URL"]) expect(r.stdout).to.match(new RegExp(`^  ${v} +\\S`, "m"));
    expect(r.ms, `--help took ${r.ms} ms`).to.be.below(4000);
    const bad = await exec(DEPLOY_BIN, ["--network", "nowhere"], env);
    expect(bad.code).to.equal(2);
    expect(bad.stderr).to.match(/Allowed choices are mainnet, sepolia, holesky, remote, localhost, hardhat\./);
  });

  it("names the missing variable instead of blaming the RPC, and never blocks on a keystore prompt", async () => {
    const r = await exec(DEPLOY_BIN, ["--network", "remote"], { ...env, RPC_URL: `http://127.0.0.1:${port}` });
    expect(r.code).to.equal(1);
    expect(r.stderr).to.match(/network remote needs DEPLOYER_KEY, not set in the environment/);
    expect(r.stderr).to.not.match(/does not answer/);
    const m = await exec(DEPLOY_BIN, ["--network", "mainnet"], env);
    expect(m.stderr).to.match(/network mainnet needs MAINNET_RPC_URL and DEPLOYER_KEY/);
    // a named network refuses an endpoint of another chain; --rpc-url alone means remote
    const key = { ...env, DEPLOYER_KEY: account(0).privateKey };
    const params = path.join(ROOT, "deployments/params.example.json");
    const wrong = await exec(DEPLOY_BIN, ["--network", "mainnet", "--rpc-url", `http://127.0.0.1:${port}`, "--params", params, "--dry-run"], key);
    expect(wrong.code).to.equal(1);
    expect(wrong.stderr).to.match(/the RPC URL of mainnet \(MAINNET_RPC_URL\) answers chain 31337, not mainnet \(chain 1\)/);
    const bare = await exec(DEPLOY_BIN, ["--rpc-url", `http://127.0.0.1:${port}`, "--params", params, "--out", path.join(dir, "remote.json"), "--dry-run"], key);
    expect(bare.code, bare.out).to.equal(0);
    expect(bare.stdout).to.match(/deploy: network remote \(chain 31337\)/);
    expect(planCount(bare.stdout, "new")).to.be.greaterThan(10);
    expect((await exec(DEPLOY_BIN, ["--params", params], key)).code).to.equal(2);
  });

  it("--dry-run prints a plan (unchanged / new / changed: arguments) and sends nothing; a stale record is reported", async () => {
    const out = path.join(dir, "localhost.json");
    const provider = new JsonRpcProvider(`http://127.0.0.1:${port}`);
    const fresh = await exec(DEPLOY_BIN, ["--network", "localhost", "--out", out, "--dry-run"], env);
    expect(fresh.code, fresh.out).to.equal(0);
    expect(fresh.stdout).to.match(/\+ IdentityRegistry +new/);
    const components = planCount(fresh.stdout, "new");
    expect(await provider.getBlockNumber()).to.equal(0);
    const dep = await exec(DEPLOY_BIN, ["--network", "localhost", "--out", out], env);
    expect(dep.code, dep.out).to.equal(0);
    const height = await provider.getBlockNumber();
    const same = await exec(DEPLOY_BIN, ["--network", "localhost", "--out", out, "--dry-run"], env);
    expect(same.stdout).to.include(`plan: ${components} unchanged, 0 new, 0 changed`);
    const changed = await exec(DEPLOY_BIN, ["--network", "localhost", "--out", out, "--dry-run"], { ...env, IDENTITY_GOVERNANCE: "0x1111111111111111111111111111111111111111" });
    expect(changed.code, changed.out).to.equal(0);
    expect(changed.stdout).to.match(/~ IdentityRegistry +changed: arguments/);
    expect(changed.stdout).to.include(`plan: ${components - 1} unchanged, 0 new, 1 changed`);
    expect(await provider.getBlockNumber()).to.equal(height);
    // the same record read as a public network whose chain was reset: reported, not replaced
    const rec = JSON.parse(await readFile(out, "utf8")) as { contracts: Record<string, { address: string }> };
    rec.contracts.StackFactory!.address = Wallet.createRandom().address;
    const stale = path.join(dir, "stale.json");
    await writeFile(stale, JSON.stringify(rec));
    const params = path.join(ROOT, "deployments/params.example.json");
    const r = await exec(DEPLOY_BIN, ["--network", "remote", "--params", params, "--out", stale], { ...env, RPC_URL: `http://127.0.0.1:${port}`, DEPLOYER_KEY: account(0).privateKey });
    expect(r.code).to.equal(1);
    expect(r.stderr).to.match(/^deploy: error: .*stale\.json names StackFactory at 0x[0-9a-fA-F]{40}, but that address holds no code on remote: the record is stale \(was the chain reset\?\)/m);
    expect(r.stderr).to.not.match(/at async|DeployError:/);
    expect(await provider.getBlockNumber()).to.equal(height);
    provider.destroy();
  });
});
