/**
 * viem alone (no ethers) reads the SLA and decodes events with the ABIs exported by `@sovereign-stack/sdk/abi`,
 * against the embedded Hardhat network. Rename to viem.test.ts once viem is a devDependency
 * (`npm install -D viem@2.57.20`).
 */
import { expect } from "chai";
import { createPublicClient, custom, decodeEventLog, type EIP1193Provider } from "viem";

import { delayedInboxAbi, slaConfigAbi } from "@sovereign-stack/sdk/abi";

import { deployRollup, type Rollup } from "../rollup/fixture.ts";

describe("SDK ABIs with viem alone", function () {
  this.timeout(120_000);
  let r: Rollup;
  before(async () => {
    r = await deployRollup();
  });

  it("reads getSla on SlaConfig and decodes MessageEnqueued with the exported as-const ABIs", async () => {
    // The embedded network's EIP-1193 provider; no ethers object crosses into viem.
    const client = createPublicClient({ transport: custom(r.net.connection.provider as unknown as EIP1193Provider) });
    const sla = await client.readContract({ address: r.stack.address("SlaConfig"), abi: slaConfigAbi, functionName: "getSla" });
    expect(typeof sla.maxDowntime).to.equal("bigint");
    expect(sla.inclusionWindow).to.equal(3600n);

    await (await r.stack.contracts.DelayedInbox.connect(r.citizen).enqueue("0xabcd")).wait();
    const logs = await client.getLogs({ address: r.stack.address("DelayedInbox"), fromBlock: 0n });
    const decoded = logs.map((l) => decodeEventLog({ abi: delayedInboxAbi, data: l.data, topics: l.topics }));
    const enq = decoded.find((d) => d.eventName === "MessageEnqueued");
    expect(enq).to.not.equal(undefined);
    expect(enq!.args.index).to.equal(0n);
  });
});
