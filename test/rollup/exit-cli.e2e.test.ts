/**
 * End to end, as an official would: a real `hardhat node` on a loopback port, `npm run deploy`, and the
 * exit tool's commands run as separate processes with keys from the environment and from an encrypted
 * JSON keystore.
 */
import { expect } from "chai";
import { spawn, execFile, type ChildProcess } from "node:child_process";
import { mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";

import { HDNodeWallet, Mnemonic } from "ethers";

import { ROOT } from "../../scripts/lib/network.ts";

const run = promisify(execFile);
const PORT = 18545 + Math.floor(Math.random() * 1000);
const ENV = { ...process.env, LOCALHOST_URL: `http://127.0.0.1:${PORT}` };
// Hardhat's public, well-known test mnemonic: these keys only ever hold test ether on a local node.
const TEST_MNEMONIC = Mnemonic.fromPhrase("test test test test test test test test test test test junk");
const account = (i: number) => HDNodeWallet.fromMnemonic(TEST_MNEMONIC, `m/44'/60'/0'/0/${i}`);

let deploymentArg: string[] = [];

async function cli(args: string[], env: Record<string, string> = {}, cwd = ROOT): Promise<{ code: number; out: string }> {
  // commands that talk to the chain read the temporary deployment record
  const extra = args.includes("--network") && args[args.indexOf("--network") + 1] === "localhost" ? deploymentArg : [];
  try {
    const { stdout, stderr } = await run(process.execPath, [path.join(ROOT, "scripts/exit/cli.ts"), ...args, ...extra], { cwd, env: { ...ENV, ...env } });
    return { code: 0, out: stdout + stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, out: err.stdout + err.stderr };
  }
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
    const { stdout } = await run(process.execPath, [path.join(ROOT, "scripts/deploy.ts"), "--network", "localhost", "--out", deployment], { cwd: ROOT, env: ENV });
    expect(stdout).to.match(/deploy: done; \d+ deployed/);
    deploymentArg = ["--deployment", deployment];
  });

  after(async () => {
    node?.kill();
    await rm(dir, { recursive: true, force: true });
  });

  it("status shows the mode, sequencers, queue, finality and the automatic trigger", async () => {
    const { code, out } = await cli(["status", "--network", "localhost"]);
    expect(code).to.equal(0);
    expect(out).to.match(/MODE: normal/);
    expect(out).to.match(/standby 1 .* may claim at/);
    expect(out).to.match(/Automatic exit trigger: closed; opens at/);
    const json = await cli(["status", "--network", "localhost", "--json"]);
    expect(JSON.parse(json.out).liveness.sla.inclusionWindow).to.equal(3600);
  });

  it("officials sign off-line (env key and encrypted keystore); submit reports, rejects bad files, then triggers the exit", async () => {
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
    expect(wrongPw.code).to.not.equal(0);
    expect(wrongPw.out).to.match(/cannot decrypt it.*check the password/);
    // a non-member signs too
    const outsider = await cli(["sign", "--payload", "payload.json", "--out", "outsider.sig.json"], { COUNCIL_KEY: account(17).privateKey, INIT_CWD: dir });
    expect(outsider.code).to.equal(0);

    const short = await cli(["submit", "--network", "localhost", "--payload", "payload.json", "--sig", "."], { INIT_CWD: dir });
    expect(short.code).to.not.equal(0);
    expect(short.out).to.match(/valid signatures: 5 of 6 needed/);
    expect(short.out).to.match(/outsider\.sig\.json .*not a council member/);
    expect(short.out).to.match(/not enough valid signatures: 5 of 6; collect signatures from/);

    const sixth = await cli(["sign", "--payload", "payload.json", "--out", "m6.sig.json"], { COUNCIL_KEY: keys[5]!.privateKey, INIT_CWD: dir });
    expect(sixth.code).to.equal(0);
    const status = await cli(["status", "--network", "localhost", "--payload", "payload.json", "--sig", "."], { INIT_CWD: dir });
    expect(status.out).to.match(/signed \(6\/6\)/);
    const ok = await cli(["submit", "--network", "localhost", "--payload", "payload.json", "--sig", "."], { INIT_CWD: dir });
    expect(ok.code, ok.out).to.equal(0);
    expect(ok.out).to.match(/EXIT TRIGGERED by the council/);
    const after = await cli(["status", "--network", "localhost"]);
    expect(after.out).to.match(/MODE: EXIT/);
    expect((await readdir(dir)).filter((f) => f.endsWith(".sig.json"))).to.have.length(7);
  });

  it("trigger-auto and force-include explain why they cannot act", async () => {
    const auto = await cli(["trigger-auto", "--network", "localhost"]);
    expect(auto.code).to.not.equal(0);
    expect(auto.out).to.match(/already in exit mode/);
    const force = await cli(["force-include", "--network", "localhost"]);
    expect(force.code).to.not.equal(0);
    expect(force.out).to.match(/exit mode: the queue is frozen/);
  });

  it("rejects bad input with errors that say what to fix", async () => {
    expect((await cli(["status"])).out).to.match(/required option '--network <name>'/);
    expect((await cli(["status", "--network", "nowhere"])).out).to.match(/--network nowhere is not configured/);
    expect((await cli(["sign", "--payload", "missing.json"], { COUNCIL_KEY: account(1).privateKey, INIT_CWD: dir })).out).to.match(/payload file .*missing\.json: cannot read it \(ENOENT\)/);
    expect((await cli(["sign", "--payload", "payload.json"], { COUNCIL_KEY: "0x1234", INIT_CWD: dir })).out).to.match(/COUNCIL_KEY is not a 32-byte hex private key/);
    expect((await cli(["sign", "--network", "localhost"], { INIT_CWD: dir })).out).to.match(/--reason is required/);
    expect((await cli(["sign", "--payload", "payload.json"], { INIT_CWD: dir, COUNCIL_KEY: "" })).out).to.match(/no key found in COUNCIL_KEY/);
    expect((await cli(["--help"])).out).to.match(/trigger-auto/);
  });
});
