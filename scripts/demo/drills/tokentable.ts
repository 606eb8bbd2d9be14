/**
 * Drill: TokenTable. A ministry vests grants to three agencies on one cliff + linear preset and cancels one (the
 * unvested part returns to its treasury, the vested part stays the agency's); a 10,000-recipient benefit campaign is
 * built by the distribution CLI and a relayer claims for 100 citizens in one transaction; an attestation-gated
 * campaign refuses citizens without a valid credential; an anonymous once-per-person campaign refuses a second claim
 * on the nullifier; the unclaimed rest is clawed back only after the deadline; and no campaign paid out more than it
 * was funded with.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";

import { Contract, Wallet, dataSlice, formatUnits, getAddress, keccak256, parseUnits, toBeHex, type ContractRunner, type ContractTransactionReceipt, type ContractTransactionResponse, type Signer } from "ethers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import { attestation, distribution, identity as id, type Address, type Hex, type Stack } from "@sovereign-stack/sdk";
import { ProofStore } from "@sovereign-stack/sdk/node";
import * as typechain from "@sovereign-stack/sdk/typechain";

import { ROOT } from "../../lib/network.ts";
import type { Drill, DrillContext } from "../drills.ts";
import { DrillFailure, expectRevert, type Timeline } from "../timeline.ts";

const DAY = 86_400;
const BEN = (n: number | string): bigint => parseUnits(String(n), 18);
const fmt = (v: bigint): string => `${Number(formatUnits(v, 18)).toLocaleString("en-US", { maximumFractionDigits: 3 })} BEN`;

/** Grants: a 90-day cliff releasing 25%, then the rest linearly over 360 days. */
const CLIFF = 90 * DAY;
const LINEAR = 360 * DAY;
const CLIFF_BIPS = 2_500;
const GRANTS = [BEN(1_000_000), BEN(600_000), BEN(400_000)] as const;

/** The benefit campaign: 10,000 recipients, 100 of them claimed by a relayer in one transaction. */
const RECIPIENTS = 10_000;
const RELAYED = 100;
const CAMPAIGN_DAYS = 30;

/** The anonymous campaign's rule and its fixed payment. */
const REGION = 7;
const POLICY: id.IdentityPolicy = { minAge: 18, regions: [REGION], dateToleranceDays: 2 };
const PER_PERSON = BEN(500);
const ZK_ARTIFACTS = {
  wasm: path.join(ROOT, "circuits", "artifacts", "identity_20", "identity_20.wasm"),
  zkey: path.join(ROOT, "circuits", "artifacts", "identity_20", "identity_20.zkey"),
};
const CLI = path.join(ROOT, "bin", "sovereign-distribution.js");
const run = promisify(execFile);

function must(condition: boolean, what: string): asserts condition {
  if (!condition) throw new DrillFailure(what);
}

/** The slice of the test double test/mocks/TestToken.sol the drill drives (mocks are not in the SDK's typechain). */
interface TestToken {
  readonly address: Address;
  mint(to: string, amount: bigint): Promise<ContractTransactionResponse>;
  approve(spender: string, amount: bigint): Promise<ContractTransactionResponse>;
  balanceOf(account: string): Promise<bigint>;
}

const TEST_TOKEN_ABI = [
  "function mint(address to, uint256 amount)",
  "function approve(address spender, uint256 amount) returns (bool)",
  "function balanceOf(address account) view returns (uint256)",
];

function testToken(address: string, runner: ContractRunner): TestToken {
  const c = new Contract(address, TEST_TOKEN_ABI, runner);
  return {
    address: getAddress(address) as Address,
    mint: (to, amount) => c.getFunction("mint")(to, amount),
    approve: (spender, amount) => c.getFunction("approve")(spender, amount),
    balanceOf: (account) => c.getFunction("balanceOf")(account),
  };
}

async function mined(p: Promise<ContractTransactionResponse>): Promise<ContractTransactionReceipt> {
  const r = await (await p).wait();
  if (r === null || r.status !== 1) throw new DrillFailure("transaction failed");
  return r;
}

/** A direct TokenVesting call whose custom errors (not in the SDK's shared table) decode by name for `expectRevert`. */
async function vestingCall<T>(p: Promise<T>): Promise<T> {
  try {
    return await p;
  } catch (e) {
    throw distribution.tokenTableError(e, "TokenVesting");
  }
}

interface TokenTableContext {
  readonly ctx: DrillContext;
  readonly t: Timeline;
  readonly ministry: HardhatEthersSigner;
  readonly relayer: HardhatEthersSigner;
  readonly token: TestToken;
  readonly campaigns: typechain.MerkleCampaigns;
  /** Every campaign the drill creates, for the final accounting. */
  readonly created: { id: bigint; name: string }[];
}

async function latestTime(ctx: DrillContext): Promise<number> {
  const b = await ctx.net.ethers.provider.getBlock("latest");
  if (b === null) throw new DrillFailure("no latest block");
  return b.timestamp;
}

async function setNextTime(ctx: DrillContext, at: number): Promise<void> {
  await ctx.net.ethers.provider.send("evm_setNextBlockTimestamp", [at]);
}

/** Creates a campaign with `send` (the ministry funds it in BEN) and records its id from the `CampaignCreated` log. */
async function createCampaign(tt: TokenTableContext, name: string, funding: bigint, send: () => Promise<ContractTransactionResponse>): Promise<bigint> {
  await mined(tt.token.approve(await tt.campaigns.getAddress(), funding));
  const receipt = await mined(send());
  const ev = receipt.logs.map((l) => tt.campaigns.interface.parseLog(l)).find((p) => p?.name === "CampaignCreated");
  must(ev !== undefined && ev !== null, `${name}: no CampaignCreated event`);
  const campaignId = ev.args[0] as bigint;
  const c = await tt.campaigns.getCampaign(campaignId);
  must(c.funded === funding, `${name}: funded ${c.funded}, expected ${funding}`);
  tt.created.push({ id: campaignId, name });
  return campaignId;
}

// ---------------------------------------------------------------- 1. vesting

async function vestingGrants(tt: TokenTableContext, agencies: readonly HardhatEthersSigner[], treasury: string): Promise<{ vesting: typechain.TokenVesting; ids: bigint[] }> {
  const { ctx, t, ministry, token } = tt;
  const preset = distribution.vestingPresets.cliffLinear(CLIFF, LINEAR, CLIFF_BIPS);

  const { vesting, presetId } = await t.step("the ministry deploys its grant programme (TokenVesting) and a 90-day cliff (25%) + 360-day linear preset", async () => {
    const v = await new typechain.TokenVesting__factory(ministry).deploy(ministry.address, true, true);
    await v.waitForDeployment();
    await mined(v.createPreset([...preset.ends], [...preset.bips]));
    const pid = await v.presetIdOf([...preset.ends], [...preset.bips]);
    must(pid !== 0n, "the preset was not created");
    return { vesting: v, presetId: pid };
  });
  const vestingAddr = await vesting.getAddress();

  const total = GRANTS.reduce((s, g) => s + g, 0n);
  const { start, ids } = await t.step(`one batch creates 3 revocable grants (${GRANTS.map(fmt).join(", ")}), unvested part to the treasury`, async () => {
    await mined(token.mint(ministry.address, total));
    await mined(token.approve(vestingAddr, total));
    const s = (await latestTime(ctx)) + 10;
    const firstId = await vesting.createSchedules.staticCall(token.address, presetId, s, true, treasury, agencies.map((a) => a.address), [...GRANTS]);
    await mined(vesting.createSchedules(token.address, presetId, s, true, treasury, agencies.map((a) => a.address), [...GRANTS]));
    must((await token.balanceOf(vestingAddr)) === total, "the programme does not hold the grants");
    return { start: s, ids: GRANTS.map((_, i) => firstId + BigInt(i)) };
  });
  const [idA, idB] = [ids[0]!, ids[1]!];
  const sdkVested = (amount: bigint, at: number): bigint => distribution.vestedAmount({ total: amount, start, preset, at });

  await t.step("before the cliff nothing has vested; 180 days in, agency A claims exactly 43.75% (25% + 75% × 90/360)", async () => {
    must((await vesting.vestedAmount(idA, start + CLIFF - 1)) === 0n, "something vested before the cliff");
    const at = start + 180 * DAY;
    await setNextTime(ctx, at);
    const { receipt } = await distribution.claimVesting(agencies[0]!, { vesting: vestingAddr, scheduleId: idA });
    const paid = await token.balanceOf(agencies[0]!.address);
    const expected = (GRANTS[0] * 4375n) / 10_000n;
    must(paid === expected, `agency A got ${fmt(paid)}, expected ${fmt(expected)}`);
    must((await vesting.vestedAmount(idA, at)) === expected && sdkVested(GRANTS[0], at) === expected, "contract view and SDK mirror disagree with the claim");
    must((await vesting.getSchedule(idA)).claimed === expected, "the schedule does not record the claim");
    t.note(`agency A paid ${fmt(paid)} (gasUsed ${receipt.gasUsed}); ${fmt(GRANTS[0] - expected)} still vesting`);
  });

  await t.step("270 days in, the ministry cancels agency B: the unvested 37.5% returns to the treasury, the vested 62.5% stays B's", async () => {
    const at = start + 270 * DAY;
    const before = await token.balanceOf(treasury);
    await setNextTime(ctx, at);
    await mined(vesting.connect(ministry).cancel([idB]));
    const vested = (GRANTS[1] * 6_250n) / 10_000n;
    const returned = (await token.balanceOf(treasury)) - before;
    must(returned === GRANTS[1] - vested, `treasury got ${fmt(returned)}, expected ${fmt(GRANTS[1] - vested)}`);
    const s = await vesting.getSchedule(idB);
    must(s.cancelled && s.total === vested && s.claimed === 0n, `schedule B after cancel: total ${s.total}, claimed ${s.claimed}`);
    must(sdkVested(GRANTS[1], at) === vested, "SDK mirror disagrees with the cancel");
    must((await vesting.claimable(idB, at + 10 * 365 * DAY)) === vested, "B's claimable is not frozen at what had vested");
    await expectRevert(vestingCall(vesting.connect(ministry).cancel([idB])), "AlreadyCancelled");
    t.note(`treasury got back ${fmt(returned)}; agency B keeps ${fmt(vested)}`);
  });

  await t.step("agency B still claims its vested part after the cancel; nothing more", async () => {
    const vested = (GRANTS[1] * 6_250n) / 10_000n;
    await distribution.claimVesting(agencies[1]!, { vesting: vestingAddr, scheduleId: idB });
    must((await token.balanceOf(agencies[1]!.address)) === vested, "agency B was not paid its vested part");
    await expectRevert(distribution.claimVesting(agencies[1]!, { vesting: vestingAddr, scheduleId: idB }), "NothingToClaim");
  });
  return { vesting, ids };
}

// ---------------------------------------------------------------- 2. the 10,000-recipient campaign

/** A deterministic citizen address per row (no keys: the relayer claims for them). */
function citizen(i: number): Address {
  return getAddress(dataSlice(keccak256(toBeHex(0xbe9ef17n * 1_000_000n + BigInt(i), 32)), 12)) as Address;
}

/** The benefit campaign, and the proof of a citizen who never claims (kept to show a late claim is refused). */
async function benefitCampaign(tt: TokenTableContext, work: string): Promise<{ campaignId: bigint; unclaimed: distribution.RecipientProof }> {
  const { ctx, t, ministry, relayer, token, campaigns } = tt;
  const campaignsAddr = await campaigns.getAddress();
  const csv = path.join(work, "benefit.csv");
  const out = path.join(work, "benefit-store");
  const amountOf = (i: number): bigint => BEN(250 + (i % 7) * 10);

  const built = await t.step(`the distribution CLI builds the tree of a ${RECIPIENTS.toLocaleString("en-US")}-recipient benefit CSV (sovereign-distribution build, what npm run distribution runs)`, async () => {
    const rows = ["index,account,amount"];
    let sum = 0n;
    for (let i = 0; i < RECIPIENTS; i++) {
      rows.push(`${i},${citizen(i)},${amountOf(i)}`);
      sum += amountOf(i);
    }
    writeFileSync(csv, rows.join("\n") + "\n");
    const t0 = performance.now();
    const { stdout } = await run(process.execPath, [CLI, "build", "--csv", csv, "--out", out, "--quiet"], { cwd: ROOT });
    const ms = performance.now() - t0;
    const r = JSON.parse(stdout.trim().split("\n").pop()!) as { root: string; count: number; total: string };
    must(r.count === RECIPIENTS && BigInt(r.total) === sum, `the CLI built ${r.count} rows totalling ${r.total}, expected ${RECIPIENTS} totalling ${sum}`);
    const store = ProofStore.open(out);
    must(store.root === r.root && store.count === RECIPIENTS, "the proof store disagrees with the CLI's root");
    t.note(`root ${r.root.slice(0, 18)}…, total ${fmt(sum)}; CLI process ${ms.toFixed(0)} ms`);
    return { root: r.root, total: sum, store };
  });

  try {
    const campaignId = await t.step("the ministry creates and funds the campaign from the built root (30-day claim window)", async () => {
      await mined(token.mint(ministry.address, built.total));
      const now = await latestTime(ctx);
      const params = { token: token.address, funding: built.total, root: built.root, start: now, deadline: now + CAMPAIGN_DAYS * DAY, clawbackTo: ministry.address, presetId: 0 };
      return createCampaign(tt, "benefit", built.total, () => campaigns.connect(ministry).createCampaign(params));
    });

    await t.step("the ministry pre-warms the campaign's claim bitmap (one word per 255 citizens), so that every citizen's claim writes a non-zero slot and none pays for a fresh word", async () => {
      const words = await campaigns.claimBitmapWords(BigInt(RECIPIENTS));
      const receipt = await mined(campaigns.connect(ministry).warmClaimBitmap(campaignId, 0n, words));
      must(!(await campaigns.isClaimed(campaignId, 0n)) && !(await campaigns.isClaimed(campaignId, BigInt(RECIPIENTS - 1))), "warming marked a leaf claimed");
      t.note(`${words} words warmed for ${RECIPIENTS} citizens: ${receipt.gasUsed} gas, ${(Number(receipt.gasUsed) / RECIPIENTS).toFixed(0)} per citizen`);
    });

    // the relayer batches by index: campaign trees keep leaves in index order, so 100 consecutive citizens are
    // neighbours in the tree and share their multiproof's siblings and their claim-bitmap words (leaf 0 is kept out,
    // to show a late claim refused at the end)
    const indices = Array.from({ length: RELAYED }, (_, k) => BigInt(4200 + k));
    const claims = indices.map((i) => built.store.proof(i));
    await t.step(`a relayer claims for ${RELAYED} citizens (consecutive indices, neighbours in the tree) in one transaction under one multiproof from the proof store (SDK claimCampaignMultiProof); each is paid its leaf`, async () => {
      const multiproof = built.store.multiProof(indices);
      const { receipt } = await distribution.claimCampaignMultiProof(relayer, { campaigns: campaignsAddr, campaignId, multiproof });
      for (const c of claims) {
        must((await token.balanceOf(c.account)) === c.amount, `citizen ${c.index} (${c.account}) was not paid ${fmt(c.amount)}`);
        must(await campaigns.isClaimed(campaignId, c.index), `leaf ${c.index} is not marked claimed`);
      }
      must(!(await campaigns.isClaimed(campaignId, 0n)), "an unclaimed leaf is marked claimed");
      const sum = claims.reduce((s, c) => s + c.amount, 0n);
      must((await campaigns.getCampaign(campaignId)).paid === sum, "the campaign's paid total is not the batch's sum");
      const gas = receipt.gasUsed;
      t.note(`${fmt(sum)} to ${RELAYED} citizens; gasUsed ${gas} (${(gas / BigInt(RELAYED)).toString()} per recipient); ${multiproof.proof.length} siblings for the whole batch`);
    });

    await t.step("claiming a paid leaf again is refused (AlreadyClaimed)", () =>
      expectRevert(distribution.claimCampaign(relayer, { campaigns: campaignsAddr, campaignId, ...claims[0]! }), "AlreadyClaimed"),
    );
    return { campaignId, unclaimed: built.store.proof(0) };
  } finally {
    built.store.close();
  }
}

// ---------------------------------------------------------------- 3. attestation-gated campaign

async function attestedCampaign(tt: TokenTableContext, stack: Stack, office: Signer, stranger: Signer): Promise<bigint> {
  const { ctx, t, ministry, relayer, token, campaigns } = tt;
  const client = (s: Signer) => new attestation.AttestationClient(stack.contracts.AttestationRegistry.connect(s), stack.contracts.AttestationSchemaRegistry.connect(s));
  const def = { definition: "bool eligible, uint16 programme", revocable: true, maxValidity: 0 };
  const encoder = new attestation.SchemaEncoder(def.definition);
  const data = encoder.encode({ eligible: true, programme: 12 });
  const [carol, dave, erin] = [Wallet.createRandom().address, Wallet.createRandom().address, Wallet.createRandom().address];
  const AMOUNT = BEN(1_200);

  const { schema, creds } = await t.step("the benefits office registers an eligibility schema and attests carol and dave; dave's credential is revoked", async () => {
    const officeClient = client(office);
    const { uid } = await officeClient.registerSchema(def, "Benefit eligibility", "programme 12");
    const expirationTime = (await latestTime(ctx)) + 365 * DAY;
    const c = (await officeClient.attest({ schema: uid, subject: carol, data, expirationTime })).attestation;
    const d = (await officeClient.attest({ schema: uid, subject: dave, data, expirationTime })).attestation;
    await officeClient.revoke(d.uid);
    must((await stack.contracts.AttestationRegistry.isValid(c.uid)) && !(await stack.contracts.AttestationRegistry.isValid(d.uid)), "carol valid / dave revoked does not hold");
    return { schema: uid, creds: { carol: c, dave: d } };
  });

  const tree = distribution.DistributionTree.of([carol, dave, erin].map((account, index) => ({ index, account, amount: AMOUNT })));
  const officeAddr = await office.getAddress();
  const campaignId = await t.step("the ministry creates an attestation-gated campaign for carol, dave and erin (schema + accepted issuer)", async () => {
    const funding = AMOUNT * 3n;
    await mined(token.mint(ministry.address, funding));
    const now = await latestTime(ctx);
    const params = { token: token.address, funding, root: tree.root, start: now, deadline: now + CAMPAIGN_DAYS * DAY, clawbackTo: ministry.address, presetId: 0 };
    return createCampaign(tt, "attestation-gated", funding, () => campaigns.connect(ministry).createAttestationCampaign(params, schema, [officeAddr]));
  });

  const campaignsAddr = await campaigns.getAddress();
  const claim = (who: string, att: attestation.Attestation) => distribution.claimAttested(relayer, { campaigns: campaignsAddr, campaignId, ...tree.proofOf(who), attestation: att });

  await t.step("erin, who holds no credential, is refused (InvalidAttestation)", async () => {
    const never = { schema: schema as Hex, attester: officeAddr as Address, subject: attestation.encodeSubject(erin), time: BigInt(await latestTime(ctx)), expirationTime: 0n, refUID: `0x${"00".repeat(32)}` as Hex, data };
    await expectRevert(claim(erin, { ...never, uid: attestation.attestationUid(never) }), "InvalidAttestation");
  });
  await t.step("erin with a credential from an issuer the campaign does not accept is refused (AttesterNotAccepted)", async () => {
    const expirationTime = (await latestTime(ctx)) + 365 * DAY;
    const forged = (await client(stranger).attest({ schema, subject: erin, data, expirationTime })).attestation;
    await expectRevert(claim(erin, forged), "AttesterNotAccepted");
  });
  await t.step("dave, whose credential was revoked, is refused (InvalidAttestation)", () => expectRevert(claim(dave, creds.dave), "InvalidAttestation"));
  await t.step("carol, with a valid credential, is paid (SDK claimAttested, submitted by a relayer)", async () => {
    await claim(carol, creds.carol);
    must((await token.balanceOf(carol)) === AMOUNT, `carol was not paid ${fmt(AMOUNT)}`);
    must((await campaigns.getCampaign(campaignId)).paid === AMOUNT, "the campaign's paid total is not carol's leaf");
  });
  return campaignId;
}

// ---------------------------------------------------------------- 4. anonymous once-per-person campaign

async function anonymousCampaign(tt: TokenTableContext, stack: Stack, governance: Signer, operator: Signer): Promise<bigint> {
  const { ctx, t, ministry, relayer, token, campaigns } = tt;
  const registry = stack.contracts.IdentityRegistry;
  const issuer = new id.Issuer(id.IssuerKey.create());
  const frank = id.Identity.create();
  const today = id.todayDateInt(new Date((await latestTime(ctx)) * 1000));
  const year = Math.floor(today / 10000);

  const cred = await t.step("governance registers the benefits agency as identity issuer; it enrols frank (40, region 7) and publishes its root", async () => {
    const k = issuer.key.publicKey;
    await mined(registry.connect(governance).registerIssuer(await operator.getAddress(), k.x, k.y, 6 * 3600, "Benefits Agency"));
    const issuerId = await registry.issuerCount();
    const c = issuer.enrol(frank.commitment, { birthDate: (year - 40) * 10000 + 301, region: REGION, expiry: (year + 5) * 10000 + 101 });
    await issuer.publishRoot(registry.connect(operator), issuerId);
    return c;
  });

  const campaignId = await t.step(`the ministry creates an anonymous campaign (no list): ${fmt(PER_PERSON)} once per person aged ≥ 18 in region 7`, async () => {
    const funding = PER_PERSON * 10n;
    await mined(token.mint(ministry.address, funding));
    const now = await latestTime(ctx);
    return createCampaign(tt, "anonymous", funding, () => campaigns.connect(ministry).createZkCampaign(token.address, funding, PER_PERSON, now, now + CAMPAIGN_DAYS * DAY, ministry.address, id.policyStruct(POLICY)));
  });
  const scope = await campaigns.zkScope(campaignId);
  const campaignsAddr = await campaigns.getAddress();
  const prove = async (recipient: string) =>
    id.proveIdentity(
      {
        identity: frank,
        credential: cred,
        membership: issuer.membershipProof(cred),
        policy: POLICY,
        scope,
        message: id.messageForAddress(recipient),
        currentDate: id.todayDateInt(new Date((await latestTime(ctx)) * 1000)),
      },
      ZK_ARTIFACTS,
    );

  const [wallet1, wallet2] = [Wallet.createRandom().address, Wallet.createRandom().address];
  await t.step("frank proves the policy in zero knowledge (bound to his wallet, nullifier scoped to the campaign); a relayer submits it in a batch (SDK claimAnonymousMany); he is paid", async () => {
    const p = await prove(wallet1);
    const [sent] = await distribution.claimAnonymousMany(relayer, { campaigns: campaignsAddr, campaignId, proofs: [p] });
    must((await token.balanceOf(wallet1)) === PER_PERSON, `frank's wallet was not paid ${fmt(PER_PERSON)}`);
    must(await stack.contracts.ZkIdentityVerifier.isNullifierUsed(campaignsAddr, scope, p.signals.nullifier), "the nullifier is not recorded");
    t.note(`proof ${p.timings.proveMs.toFixed(0)} ms; gasUsed ${sent!.receipt.gasUsed}; no list, no identity on-chain`);
  });

  await t.step("frank's second claim, with a fresh proof from the same credential to another wallet, is refused (NullifierAlreadyUsed)", async () => {
    const p = await prove(wallet2);
    await expectRevert(distribution.claimAnonymous(relayer, { campaigns: campaignsAddr, campaignId, recipient: wallet2, proof: p }), "NullifierAlreadyUsed");
    must((await token.balanceOf(wallet2)) === 0n && (await campaigns.getCampaign(campaignId)).paid === PER_PERSON, "a second payment was made");
  });
  return campaignId;
}

// ---------------------------------------------------------------- 5. clawback

async function clawbacks(tt: TokenTableContext, benefit: { campaignId: bigint; unclaimed: distribution.RecipientProof }, stranger: Signer): Promise<void> {
  const benefitId = benefit.campaignId;
  const { ctx, t, ministry, relayer, campaigns, token } = tt;
  const campaignsAddr = await campaigns.getAddress();
  await t.step("clawback before the deadline is refused (ClawbackNotAllowed), and only the clawback address may claw back (NotClawbackAddress)", async () => {
    await expectRevert(distribution.clawbackCampaign(ministry, { campaigns: campaignsAddr, campaignId: benefitId }), "ClawbackNotAllowed");
    await expectRevert(distribution.clawbackCampaign(stranger, { campaigns: campaignsAddr, campaignId: benefitId }), "NotClawbackAddress");
  });

  await t.step(`chain time passes the ${CAMPAIGN_DAYS}-day claim deadline of every campaign`, async () => {
    let last = 0;
    for (const { id: campaignId } of tt.created) last = Math.max(last, Number((await campaigns.getCampaign(campaignId)).deadline));
    await setNextTime(ctx, last + 60);
    await ctx.net.ethers.provider.send("evm_mine", []);
  });

  await t.step("after the deadline every campaign's unclaimed rest returns to the ministry (funded − paid, exactly)", async () => {
    for (const { id: campaignId, name } of tt.created) {
      const c = await campaigns.getCampaign(campaignId);
      const before = await token.balanceOf(ministry.address);
      await distribution.clawbackCampaign(ministry, { campaigns: campaignsAddr, campaignId });
      const got = (await token.balanceOf(ministry.address)) - before;
      const after = await campaigns.getCampaign(campaignId);
      must(got === c.funded - c.paid && after.clawedBack === got && after.closed, `${name}: clawed back ${fmt(got)}, expected ${fmt(c.funded - c.paid)}`);
      t.note(`${name}: ${fmt(got)} returned`);
    }
  });

  await t.step("a citizen who did not claim in time is refused, valid proof and all (ClaimsNotOpen)", async () => {
    must(!(await campaigns.isClaimed(benefitId, benefit.unclaimed.index)), "the late citizen's leaf is marked claimed");
    await expectRevert(distribution.claimCampaign(relayer, { campaigns: campaignsAddr, campaignId: benefitId, ...benefit.unclaimed }), "ClaimsNotOpen");
  });
}

// ---------------------------------------------------------------- 6. accounting

async function accounting(tt: TokenTableContext, vesting: typechain.TokenVesting, scheduleIds: readonly bigint[]): Promise<void> {
  const { t, campaigns, token } = tt;
  await t.step("every campaign paid out no more than it was funded with, and the contracts hold exactly what they owe", async () => {
    let funded = 0n;
    let paid = 0n;
    let clawed = 0n;
    let owed = 0n;
    for (const { id: campaignId, name } of tt.created) {
      const c = await campaigns.getCampaign(campaignId);
      must(c.paid <= c.funded, `${name}: paid ${c.paid} > funded ${c.funded}`);
      must(c.paid + c.clawedBack <= c.funded, `${name}: paid + clawed back ${c.paid + c.clawedBack} > funded ${c.funded}`);
      must(!c.closed || c.paid + c.clawedBack === c.funded, `${name}: closed but ${c.funded - c.paid - c.clawedBack} unaccounted`);
      funded += c.funded;
      paid += c.paid;
      clawed += c.clawedBack;
      owed += c.funded - c.paid - c.clawedBack;
    }
    const held = await token.balanceOf(await campaigns.getAddress());
    must(held === owed, `MerkleCampaigns holds ${fmt(held)} of the drill's token but owes ${fmt(owed)}`);
    let vestingOwed = 0n;
    for (const s of scheduleIds) {
      const v = await vesting.getSchedule(s);
      must(v.claimed <= v.total, `schedule ${s}: claimed ${v.claimed} > total ${v.total}`);
      vestingOwed += v.total - v.claimed;
    }
    const vestingHeld = await token.balanceOf(await vesting.getAddress());
    must(vestingHeld === vestingOwed, `TokenVesting holds ${fmt(vestingHeld)} but owes ${fmt(vestingOwed)}`);
    t.note(
      `${tt.created.length} campaigns: funded ${fmt(funded)}, paid ${fmt(paid)}, clawed back ${fmt(clawed)}, held ${fmt(held)} (= owed); vesting: ${scheduleIds.length} grants, held ${fmt(vestingHeld)} (= owed)`,
    );
  });
}

export const tokentableDrill: Drill = {
  name: "tokentable",
  async run(ctx) {
    const { stack, timeline: t } = ctx;
    const signers = await ctx.net.signers();
    must(signers.length >= 19, `the drill needs 19 unlocked accounts, the network has ${signers.length}`);
    const governance = signers[0]!;
    const [agencyA, agencyB, agencyC, ministry, treasury, relayer, office, stranger, zkOperator] = signers.slice(10, 19) as HardhatEthersSigner[];
    const work = mkdtempSync(path.join(tmpdir(), "tokentable-drill-"));
    try {
      const token = await t.step("the ministry deploys its benefit token (BEN, a test ERC-20)", async () => {
        const c = await ctx.net.ethers.deployContract("TestToken", ["Benefit", "BEN"], ministry!);
        await c.waitForDeployment();
        return testToken(await c.getAddress(), ministry!);
      });
      const tt: TokenTableContext = {
        ctx,
        t,
        ministry: ministry!,
        relayer: relayer!,
        token,
        campaigns: typechain.MerkleCampaigns__factory.connect(stack.address("MerkleCampaigns"), ministry!),
        created: [],
      };
      const { vesting, ids } = await vestingGrants(tt, [agencyA!, agencyB!, agencyC!], treasury!.address);
      const benefit = await benefitCampaign(tt, work);
      await attestedCampaign(tt, stack, office!, stranger!);
      await anonymousCampaign(tt, stack, governance, zkOperator!);
      await clawbacks(tt, benefit, stranger!);
      await accounting(tt, vesting, ids);
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  },
};
