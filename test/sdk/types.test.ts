/**
 * The SDK's public types: addresses and hex values are `Address`/`Hex` (template literals), every chain uint a
 * `bigint`. The compile-time half is checked by `tsc --noEmit` (npm run lint): each `Is<…>` below fails to compile
 * if a field goes back to `string` or `number`. The runtime half checks the values really are bigints.
 */
import { expect } from "chai";

import {
  DEFAULT_SLA,
  buildTriggerExit,
  enqueue,
  getSla,
  liveness,
  parseDeployment,
  parseTriggerExit,
  triggerExitToJson,
  type Address,
  type CouncilSnapshot,
  type DeployedContract,
  type Deployment,
  type DepositMessage,
  type EscapeBalance,
  type GovernanceOperation,
  type Hex,
  type Liveness,
  type PrepareForceIncludeReturnType,
  type SequencerStatus,
  type SignatureCheck,
  type SlaParams,
  type TriggerExitPayload,
  type Withdrawal,
  type CommitmentData,
  type CommitmentContext,
  type enqueue as EnqueueFn,
  type forceInclude as ForceIncludeFn,
} from "@sovereign-stack/sdk";

import { deployRollup, type Rollup } from "../rollup/fixture.ts";

/** Exact type equality: true only when A and B are the same type (not merely assignable). */
type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
/** Compiles only when T is `true`. */
type Assert<T extends true> = T;

// ---- compile-time: SLA and liveness -------------------------------------------------------------------------------
type _Sla = Assert<Equal<SlaParams[keyof SlaParams], bigint>>;
type _Seq = Assert<
  Equal<
    [SequencerStatus["address"], SequencerStatus["rank"], SequencerStatus["lastHeartbeat"], SequencerStatus["heartbeatAccumulator"], SequencerStatus["mayClaimAt"]],
    [Address, bigint, bigint, Hex, bigint | null]
  >
>;
type _Live = Assert<
  Equal<
    [Liveness["now"], Liveness["exitedAt"], Liveness["active"], Liveness["activeSilentFor"], Liveness["headAccumulator"], Liveness["batchCount"], Liveness["lastBatchTime"], Liveness["lastFinalizedTime"], Liveness["lastFinalizedIndex"], Liveness["autoTrigger"]["opensAt"]],
    [bigint, bigint | null, Address, bigint, Hex, bigint, bigint, bigint, bigint | null, bigint]
  >
>;
type _Queue = Assert<Equal<NonNullable<Liveness["queueHead"]>[keyof NonNullable<Liveness["queueHead"]>], bigint>>;

// ---- compile-time: exit payload, council snapshot, signature check ------------------------------------------------
type _Payload = Assert<Equal<[TriggerExitPayload["chainId"], TriggerExitPayload["verifyingContract"], TriggerExitPayload["nonce"], TriggerExitPayload["deadline"]], [bigint, Address, bigint, bigint]>>;
type _Snapshot = Assert<Equal<[CouncilSnapshot["chainId"], CouncilSnapshot["exitController"], CouncilSnapshot["members"], CouncilSnapshot["threshold"], CouncilSnapshot["now"]], [bigint, Address, readonly Address[], bigint, bigint]>>;
type _Check = Assert<Equal<[SignatureCheck["valid"][number]["signer"], SignatureCheck["valid"][number]["signature"], SignatureCheck["missing"], SignatureCheck["threshold"]], [Address, Hex, readonly Address[], bigint]>>;

// ---- compile-time: deployment record (chainId/deployBlock stay JSON numbers: the type is the file's) -------------
type _Contract = Assert<Equal<[DeployedContract["address"], DeployedContract["txHash"], DeployedContract["initCodeHash"]], [Address, Hex, Hex]>>;
type _Deployment = Assert<Equal<Deployment["deploymentSalt"], Hex | undefined>>;

// ---- compile-time: inbox, escape, commitment, governance, refund ---------------------------------------------------
type _Enqueue = Assert<Equal<Awaited<ReturnType<typeof EnqueueFn>>["index"], bigint>>;
type _Force = Assert<Equal<[Awaited<ReturnType<typeof ForceIncludeFn>>["included"], PrepareForceIncludeReturnType["included"]], [bigint, bigint]>>;
type _Escape = Assert<Equal<[EscapeBalance["account"], EscapeBalance["token"], Withdrawal["withdrawalId"]], [Address, Address, Hex]>>;
type _Commitment = Assert<Equal<[CommitmentData["accumulator"], CommitmentData["exitRoot"], CommitmentContext["chainId"], CommitmentContext["verifyingContract"]], [Hex, Hex, bigint, Address]>>;
type _Gov = Assert<Equal<[GovernanceOperation["targets"], GovernanceOperation["payloads"], GovernanceOperation["salt"], GovernanceOperation["delay"]], [readonly Address[], readonly Hex[], Hex, bigint]>>;
type _Refund = Assert<Equal<[DepositMessage["token"], DepositMessage["from"], DepositMessage["messageIndex"]], [Address, Address, bigint]>>;

// assignments compiled by tsc: a `number` or `string` here would not type-check
const _failover: bigint = DEFAULT_SLA.failoverDelay;
const _window: bigint = DEFAULT_SLA.inclusionWindowBlocks;
void _failover;
void _window;

describe("SDK public types: Address/Hex and bigint", function () {
  this.timeout(120_000);
  let r: Rollup;
  before(async () => {
    r = await deployRollup();
  });

  it("DEFAULT_SLA and getSla() hold bigints, and getSla() equals the defaults", async () => {
    for (const v of Object.values(DEFAULT_SLA)) expect(typeof v).to.equal("bigint");
    const sla = await getSla(r.stack);
    for (const [k, v] of Object.entries(sla)) expect(typeof v, k).to.equal("bigint");
    expect(sla).to.deep.equal(DEFAULT_SLA);
    const next: bigint = sla.finalityDelay + 1n;
    expect(next).to.equal(DEFAULT_SLA.finalityDelay + 1n);
  });

  it("liveness() returns bigints for every chain value and checksummed addresses", async () => {
    await enqueue(r.stack, "0xabcd");
    const l = await liveness(r.stack);
    for (const k of ["now", "activeSilentFor", "batchCount", "lastBatchTime", "lastFinalizedTime"] as const) expect(typeof l[k], k).to.equal("bigint");
    expect(l.exitedAt).to.equal(null);
    expect(l.active).to.match(/^0x[0-9a-fA-F]{40}$/);
    expect(l.headAccumulator).to.match(/^0x[0-9a-f]{64}$/);
    expect(typeof l.autoTrigger.opensAt).to.equal("bigint");
    expect(l.sequencers.length).to.be.greaterThan(0);
    for (const s of l.sequencers) {
      expect(s.address).to.match(/^0x[0-9a-fA-F]{40}$/);
      expect(typeof s.rank).to.equal("bigint");
      expect(typeof s.lastHeartbeat).to.equal("bigint");
      expect(s.mayClaimAt === null || typeof s.mayClaimAt === "bigint").to.equal(true);
    }
    expect(l.sequencers[0]!.rank).to.equal(0n);
    expect(l.queueHead).to.not.equal(null);
    for (const [k, v] of Object.entries(l.queueHead!)) expect(typeof v, k).to.equal("bigint");
    expect(l.queueHead!.forceableAt).to.equal(l.queueHead!.enqueuedAt + DEFAULT_SLA.inclusionWindow + 1n);
  });

  it("enqueue returns a bigint index", async () => {
    const { index } = await enqueue(r.stack, "0x01");
    expect(typeof index).to.equal("bigint");
  });

  it("a payload is bigints in memory and keeps its JSON file format on disk", () => {
    const p = buildTriggerExit({ chainId: 31337n, verifyingContract: "0x5fbdb2315678afecb367f032d93f642f64180aa3", reason: "drill", deadline: 1_900_000_000n, nonce: 12345678901234567890n });
    expect(p.chainId).to.equal(31337n);
    expect(p.nonce).to.equal(12345678901234567890n);
    expect(p.deadline).to.equal(1_900_000_000n);
    expect(p.verifyingContract).to.equal("0x5FbDB2315678afecb367f032d93F642f64180aa3");
    const json = triggerExitToJson(p);
    expect(JSON.parse(JSON.stringify(json))).to.deep.equal({
      kind: "sovereign-stack/trigger-exit@1",
      chainId: 31337,
      verifyingContract: "0x5FbDB2315678afecb367f032d93F642f64180aa3",
      reason: "drill",
      nonce: "12345678901234567890",
      deadline: 1900000000,
    });
    expect(parseTriggerExit(JSON.parse(JSON.stringify(json)))).to.deep.equal(p);
    // the file format is as strict as before: the nonce is a decimal string, chainId and deadline JSON numbers
    expect(() => parseTriggerExit({ ...json, nonce: 5 })).to.throw(/payload\.nonce: must be a decimal uint256 string/);
    expect(() => parseTriggerExit({ ...json, chainId: "31337" })).to.throw(/payload\.chainId/);
    expect(() => parseTriggerExit({ ...json, deadline: "1900000000" })).to.throw(/payload\.deadline/);
  });

  it("a deployment record parses to Address/Hex fields", () => {
    const d = parseDeployment(r.stack.deployment);
    for (const c of Object.values(d.contracts)) {
      expect(c.address).to.match(/^0x[0-9a-fA-F]{40}$/);
      expect(c.txHash).to.match(/^0x[0-9a-fA-F]{64}$/);
      expect(typeof c.deployBlock).to.equal("number");
    }
  });
});
