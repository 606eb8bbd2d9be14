/**
 * The embedded chain log: the shared ChainLog contract (test/chain/log-contract.ts) on LevelDB, and the entry
 * codec every implementation shares.
 */
import { expect } from "chai";

import { EmbeddedLog, LogError, decodeEntry, encodeEntry, seqKey } from "@sovereign-stack/node";

import { cleanupDirs, tempDir } from "./helpers.ts";
import { chainLogContract, seal, tx } from "./log-contract.ts";

describe("chain log (embedded)", () => {
  after(cleanupDirs);

  it("encodes entries and keys identically for every implementation", () => {
    for (const e of [tx(1), { kind: "delayed", index: 12345678901234n } as const, seal(7n, 1_700_000_000n), { kind: "tx", raw: new Uint8Array() } as const]) {
      expect(decodeEntry(encodeEntry(e))).to.deep.equal(e);
    }
    expect(seqKey("log/", 42n)).to.equal("log/00000000000000000042");
    expect(() => decodeEntry(Uint8Array.of(0xc2, 0x09, 0x01))).to.throw(LogError);
  });

  chainLogContract({ newStore: (label) => tempDir(label), open: (dir) => EmbeddedLog.open({ dir }) });
});
