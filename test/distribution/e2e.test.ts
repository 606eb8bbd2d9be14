/**
 * End to end: `npm run distribution -- build` on a 1,000-row CSV → a campaign with that root → the proof service
 * answers → a relayer claims 100 recipients in one batch through the SDK → all paid; a second batch skips them and a
 * single claim is refused. Also the CLI's exit codes and the HTTP service's 400s.
 */
import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

import { expect } from "chai";
import { ContractRevertedError } from "@sovereign-stack/sdk";
import { claimCampaign, claimCampaignMany, type RecipientProof } from "@sovereign-stack/sdk/distribution";
import { serveProofs, type ProofServer } from "@sovereign-stack/sdk/node";
import type { Contract } from "ethers";

import { openNetwork, type OpenNetwork } from "../../scripts/lib/network.ts";
import { csvOf, ozCampaignTree, randomRows } from "./helpers.ts";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
const CLI = path.join(ROOT, "scripts", "distribution.ts");
const run = promisify(execFile);

async function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [CLI, ...args], { cwd: ROOT });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const x = e as { code: number; stdout: string; stderr: string };
    return { code: x.code, stdout: x.stdout, stderr: x.stderr };
  }
}

interface ProofBody {
  index: string;
  account: string;
  amount: string;
  proof: string[];
  root: string;
}

describe("distribution end to end (CLI, proof service, relayer batch)", function () {
  this.timeout(300_000);
  let net: OpenNetwork;
  let work: string;
  let server: ProofServer | undefined;

  before(async () => {
    net = await openNetwork("hardhat");
    work = mkdtempSync(path.join(tmpdir(), "dist-e2e-"));
  });
  after(async () => {
    await server?.close();
    rmSync(work, { recursive: true, force: true });
  });

  it("CLI: usage errors exit 2 naming the flag; a bad row exits 1 naming its line and leaves nothing", async () => {
    const csv = path.join(work, "bad.csv");
    writeFileSync(csv, "index,account,amount\n0,0x70997970C51812dc3A010C7d01b50e0d17dc79C8,1\n1,0x70997970C51812dc3A010C7d01b50e0d17dc79C8,2\n");
    const missing = await cli(["build", "--csv", csv]);
    expect(missing.code).to.equal(2);
    expect(missing.stderr).to.match(/--out/);
    const noFile = await cli(["build", "--csv", path.join(work, "none.csv"), "--out", path.join(work, "x")]);
    expect(noFile.code).to.equal(2);
    expect(noFile.stderr).to.match(/--csv: cannot read/);
    const badIndex = await cli(["proof", "--store", work, "--index", "abc"]);
    expect(badIndex.code).to.equal(2);
    expect(badIndex.stderr).to.match(/--index/);
    const dup = await cli(["build", "--csv", csv, "--out", path.join(work, "bad-out"), "--quiet"]);
    expect(dup.code).to.equal(1);
    expect(dup.stderr).to.match(/csv: line 3: account 0x70997970C51812dc3A010C7d01b50e0d17dc79C8 is a duplicate \(first at line 2\)/);
    expect(existsSync(path.join(work, "bad-out"))).to.equal(false);
  });

  it("build 1,000 rows → campaign → proof service → relayer claimMany for 100 → all paid; again: skipped and refused", async () => {
    const signers = await net.signers();
    const [admin, relayer] = signers;
    const rows = randomRows(1000);
    const csv = path.join(work, "recipients.csv");
    writeFileSync(csv, csvOf(rows));
    const store = path.join(work, "store");
    const built = await cli(["build", "--csv", csv, "--out", store, "--progress-every", "250"]);
    expect(built.code, built.stderr).to.equal(0);
    expect(built.stderr).to.match(/parse: 250 rows/);
    const out = JSON.parse(built.stdout) as { root: string; count: number; total: string };
    expect(out.root).to.equal(ozCampaignTree(rows).root);
    expect(out.count).to.equal(1000);

    const proofCli = await cli(["proof", "--store", store, "--index", "7"]);
    expect(proofCli.code).to.equal(0);
    const p7 = JSON.parse(proofCli.stdout) as ProofBody;
    expect(p7.index).to.equal("7");

    server = await serveProofs({ store, port: 0 });
    expect(server.url).to.match(/^http:\/\/127\.0\.0\.1:\d+$/);
    const get = async (p: string): Promise<{ status: number; body: Record<string, unknown> }> => {
      const r = await fetch(server!.url + p);
      return { status: r.status, body: (await r.json()) as Record<string, unknown> };
    };
    expect((await get("/healthz")).body).to.include({ ok: true, root: out.root, count: 1000 });
    expect((await get("/root")).body).to.include({ root: out.root, total: out.total });
    expect((await get("/proof/7")).body).to.deep.equal({ ...p7, treeIndex: (await get("/proof/7")).body.treeIndex });
    const byAccount = await get(`/proof?account=${rows[5]![1].toLowerCase()}`);
    expect(byAccount.status).to.equal(200);
    expect(byAccount.body.index).to.equal(rows[5]![0]);
    for (const [p, field] of [
      ["/proof/abc", "index"],
      ["/proof/-1", "index"],
      ["/proof/1000", "index"],
      ["/proof?account=0x1234", "account"],
      ["/proof", "account"],
    ] as const) {
      const r = await get(p);
      expect(r.status, p).to.equal(400);
      expect(r.body.field, p).to.equal(field);
      expect(String(r.body.error), p).to.match(new RegExp(`^${field}: `));
    }
    expect((await get("/proof?account=0x000000000000000000000000000000000000dEaD")).status).to.equal(404);

    const token = (await net.ethers.deployContract("TestToken", ["Benefit", "BEN"])) as unknown as Contract;
    const mc = (await net.ethers.deployContract("MerkleCampaigns", ["0x0000000000000000000000000000000000000000", "0x0000000000000000000000000000000000000000"])) as unknown as Contract;
    const campaigns = await mc.getAddress();
    await (await token.getFunction("mint")(admin!.address, BigInt(out.total))).wait();
    await (await token.getFunction("approve")(campaigns, BigInt(out.total))).wait();
    const now = BigInt((await net.ethers.provider.getBlock("latest"))!.timestamp);
    await (await mc.getFunction("createCampaign")({ token: await token.getAddress(), funding: BigInt(out.total), root: out.root, start: now, deadline: now + 86_400n, clawbackTo: admin!.address, presetId: 0 })).wait();

    const claims: RecipientProof[] = [];
    for (let i = 0; i < 100; i++) {
      const b = (await get(`/proof/${i * 10}`)).body as unknown as ProofBody;
      claims.push({ index: BigInt(b.index), account: b.account as `0x${string}`, amount: BigInt(b.amount), proof: b.proof as `0x${string}`[] });
    }
    const res = await claimCampaignMany(relayer!, { campaigns, campaignId: 1, claims });
    expect(res.transactions).to.have.length(1);
    expect(res.skipped).to.deep.equal([]);
    for (const c of claims) expect(await token.getFunction("balanceOf")(c.account), c.account).to.equal(c.amount);
    const paid = claims.reduce((s, c) => s + c.amount, 0n);
    expect((await mc.getFunction("getCampaign")(1)).paid).to.equal(paid);

    const again = await claimCampaignMany(relayer!, { campaigns, campaignId: 1, claims });
    expect(again.transactions).to.have.length(0);
    expect(again.skipped).to.have.length(100);
    const single = await claimCampaign(relayer!, { campaigns, campaignId: 1, ...claims[3]! }).catch((e: unknown) => e);
    expect(single).to.be.instanceOf(ContractRevertedError).with.property("errorName", "AlreadyClaimed");
    expect((await mc.getFunction("getCampaign")(1)).paid).to.equal(paid);
  });
});
