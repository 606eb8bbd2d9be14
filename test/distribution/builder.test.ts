/**
 * The streaming distribution builder against OpenZeppelin's merkle-tree: same root, byte-identical dump(), proofs
 * from the on-disk store that verify, every bad-row case refused with its line number and nothing left behind.
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

import { expect } from "chai";
import { StandardMerkleTree } from "@openzeppelin/merkle-tree";
import { InvalidInputError } from "@sovereign-stack/sdk";
import { DistributionTree, distributionLeaf, verifyDistributionProof, type DistributionTreeDump } from "@sovereign-stack/sdk/distribution";
import { DistributionCsvError, ProofStore, buildDistribution, sortRowsByKey, type BuildProgress } from "@sovereign-stack/sdk/node";

import { csvOf, ozCampaignTree, randomRows, type Row } from "./helpers.ts";

const TYPES = ["uint256", "address", "uint256"];

describe("distribution builder (node)", function () {
  this.timeout(120_000);
  let work: string;
  before(() => {
    work = mkdtempSync(path.join(tmpdir(), "dist-test-"));
  });
  after(() => rmSync(work, { recursive: true, force: true }));

  async function build(rows: readonly Row[] | string, name: string, header = true) {
    const csv = path.join(work, `${name}.csv`);
    writeFileSync(csv, typeof rows === "string" ? rows : csvOf(rows, header));
    const out = path.join(work, name);
    const progress: BuildProgress[] = [];
    const r = await buildDistribution({ csv, out, onProgress: (p) => progress.push(p), progressEvery: 100 });
    return { ...r, out, progress };
  }

  for (const n of [1, 2, 3, 17, 1000]) {
    it(`${n} leaves: root, proofs and dump() equal @openzeppelin/merkle-tree's, and the SDK's in-memory tree`, async () => {
      const rows = randomRows(n);
      const r = await build(rows, `n${n}`, n % 2 === 1);
      const oz = ozCampaignTree(rows);
      expect(r.root).to.equal(oz.root);
      expect(r.count).to.equal(n);
      expect(r.total).to.equal(rows.reduce((s, x) => s + BigInt(x[2]), 0n));
      expect(readFileSync(path.join(r.out, "tree.json"), "utf8")).to.equal(JSON.stringify(oz.dump()));
      const sdk = DistributionTree.of(rows.map(([index, account, amount]) => ({ index: BigInt(index), account, amount: BigInt(amount) })));
      expect(sdk.root).to.equal(oz.root);
      expect(JSON.stringify(sdk.dump())).to.equal(JSON.stringify(oz.dump()));
      const store = ProofStore.open(r.out);
      const partial = ProofStore.open(r.out, { topNodes: 3 });
      try {
        for (let k = 0; k < n; k++) {
          const p = store.proof(k);
          const row = rows.find((x) => x[0] === String(k))!;
          expect([p.index.toString(), p.account, p.amount.toString()]).to.deep.equal(row);
          expect(p.proof).to.deep.equal(oz.getProof(k)); // value k of the index-ordered tree is index k
          expect(StandardMerkleTree.verify(r.root, TYPES, row, [...p.proof])).to.equal(true);
          expect(verifyDistributionProof(r.root, { index: p.index, account: p.account, amount: p.amount }, p.proof)).to.equal(true);
          expect(store.proofOf(row[1].toLowerCase()).index).to.equal(p.index);
          expect(partial.proof(k)).to.deep.equal(p); // upper levels partly in memory, the rest read from disk
          if (n > 100 && k > 20) break;
        }
        expect(() => store.proof(n)).to.throw(InvalidInputError).with.property("field", "index");
        expect(() => store.proofOf("0x000000000000000000000000000000000000dEaD")).to.throw(InvalidInputError).with.property("field", "account");
      } finally {
        store.close();
        partial.close();
      }
      const manifest = JSON.parse(readFileSync(path.join(r.out, "manifest.json"), "utf8")) as { root: string; files: Record<string, { sha256: string; bytes: number }> };
      expect(manifest.root).to.equal(oz.root);
      const { createHash } = await import("node:crypto");
      for (const [f, meta] of Object.entries(manifest.files)) {
        const data = readFileSync(path.join(r.out, f));
        expect(meta.bytes, f).to.equal(data.length);
        expect(meta.sha256, f).to.equal(createHash("sha256").update(data).digest("hex"));
      }
      expect(Object.keys(manifest.files).sort()).to.deep.equal(["by-account.bin", "by-index.bin", "records.bin", "root.txt", "tree.bin", "tree.json"]);
      expect(r.progress.at(-1)?.phase).to.equal("done");
    });
  }

  it("agrees on amounts of every size, mixed-case and lowercase accounts, CRLF and no final newline", async () => {
    const rows: Row[] = [
      ["0", "0x70997970C51812dc3A010C7d01b50e0d17dc79C8", "0"],
      ["1", "0x3c44cdddb6a900fa2b585dd299e03d12fa4293bc", ((1n << 256n) - 1n).toString()],
      ["2", "0x90F79BF6EB2C4F870365E785982E1F101E93B906", "999999999999999"],
      ["3", "0x15d34AAf54267DB7D7c367839AAf71A00a2C6A65", "1000000000000000"],
      // around the fast path's limits: 2^53, 2^64, 2^96 - 1 and its 28-digit ceiling, then 29 digits
      ["4", "0x9965507d1a55bcc2695c58ba16fb37d819b0a4dc", ((1n << 53n) + 1n).toString()],
      ["5", "0x976EA74026E726554dB657fA54763abd0C3a0aa9", ((1n << 64n) - 1n).toString()],
      ["6", "0x14dC79964da2C08b23698B3D3cc7Ca32193d9955", ((1n << 64n) + 1n).toString()],
      ["7", "0x23618e81e3f5cdf7f54c3d65f7fbc0abf5b21e8f", "9999999999999999999999999999"],
      ["8", "0xa0Ee7A142d267C1f36714E4a8F75612F20a79720", "10000000000000000000000000000"],
      ["9", "0xBcd4042DE499D14e55001CcbB24a551F3b954096", ((1n << 96n) - 1n).toString()],
      ["10", "0x71bE63f3384f5fb98995898A86B02Fb2426c5788", "000000000000000000000000000042"],
    ];
    const text = "index,account,amount\r\n" + rows.map((r) => r.join(",")).join("\r\n");
    const r = await build(text, "edge");
    const oz = ozCampaignTree(rows);
    expect(r.root).to.equal(oz.root);
    expect(r.total).to.equal(rows.reduce((t, x) => t + BigInt(x[2]), 0n));
    const sdk = DistributionTree.of(rows.map(([index, account, amount]) => ({ index: BigInt(index), account, amount: BigInt(amount) })));
    expect(sdk.root).to.equal(oz.root);
    const store = ProofStore.open(r.out);
    try {
      for (const [index, account, amount] of rows) {
        const p = store.proof(Number(index));
        expect([p.account.toLowerCase(), p.amount]).to.deep.equal([account.toLowerCase(), BigInt(amount)]);
      }
    } finally {
      store.close();
    }
    expect(distributionLeaf({ index: 1n, account: rows[1]![1], amount: BigInt(rows[1]![2]) })).to.equal(oz.leafHash(rows[1]!));
  });

  it("keeps leaves in index order: OpenZeppelin's sortLeaves:false tree of the rows in index order, not the hash-sorted one", async () => {
    const rows = randomRows(64); // shuffled in the file
    const r = await build(rows, "index-order");
    const oz = ozCampaignTree(rows);
    expect(r.root).to.equal(oz.root);
    expect(r.root).to.not.equal(StandardMerkleTree.of(rows, TYPES).root);
    const tree = oz.dump().tree;
    const store = ProofStore.open(r.out);
    try {
      for (let k = 0; k < 64; k++) {
        const p = store.proof(k);
        expect(p.treeIndex, `index ${k}`).to.equal(tree.length - 1 - k);
        expect(tree[p.treeIndex]).to.equal(distributionLeaf(p));
      }
    } finally {
      store.close();
    }
    const loaded = DistributionTree.load(JSON.parse(readFileSync(path.join(r.out, "tree.json"), "utf8")) as DistributionTreeDump);
    expect(loaded.root).to.equal(r.root);
    // a hash-sorted dump (StandardMerkleTree's default) is not a campaign tree
    expect(() => DistributionTree.load(StandardMerkleTree.of(rows, TYPES).dump() as DistributionTreeDump))
      .to.throw(InvalidInputError, /out of index order/)
      .with.property("field")
      .that.matches(/^dump\.values\[\d+\]$/);
  });

  it("refuses an old (v1, hash-sorted) proof store with a clear error", async () => {
    const r = await build(randomRows(5), "old-store");
    const file = path.join(r.out, "manifest.json");
    const manifest = JSON.parse(readFileSync(file, "utf8")) as Record<string, unknown>;
    writeFileSync(file, JSON.stringify({ ...manifest, format: "sovereign-stack/distribution-store-v1" }));
    expect(() => ProofStore.open(r.out))
      .to.throw(InvalidInputError, /old proof store \(sovereign-stack\/distribution-store-v1\): its tree sorts leaves by hash.*Rebuild it/)
      .with.property("field", "store");
  });

  const GOOD = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";
  const OTHER = "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC";
  const ZEROISH = "0x0000000000000000000000000000000000000001"; // sorts before OTHER
  const BADSUM = OTHER.replace("C44", "c44"); // mixed case, wrong checksum
  /** `n` rows of checksummed accounts in index order, row `badRow`'s account with one letter's case flipped. */
  function manyWithBadChecksum(n: number, badRow: number): string {
    const rows = randomRows(n)
      .sort((a, b) => Number(a[0]) - Number(b[0]))
      .map((r, k) => {
        if (k !== badRow) return r;
        const at = r[1].slice(2).search(/[a-fA-F]/) + 2;
        const c = r[1][at]!;
        return [r[0], r[1].slice(0, at) + (c === c.toLowerCase() ? c.toUpperCase() : c.toLowerCase()) + r[1].slice(at + 1), r[2]] as Row;
      });
    return csvOf(rows, false);
  }
  const bad: [string, string, number, RegExp][] = [
    ["bad address (short)", `index,account,amount\n0,${GOOD},1\n1,0x1234,5\n`, 3, /account "0x1234" is not an address/],
    ["bad address (non-hex)", `0,${GOOD},1\n1,0x${"g".repeat(40)},5\n`, 2, /not an address \(non-hex/],
    ["bad checksum", `0,${GOOD},1\n1,${OTHER.replace("C44", "c44")},5\n`, 2, /bad EIP-55 checksum/],
    ["negative amount", `0,${GOOD},1\n1,${OTHER},-5\n`, 2, /amount "-5" is negative/],
    ["non-integer amount", `0,${GOOD},1.5\n`, 1, /amount "1.5" is not an integer/],
    ["exponent amount", `0,${GOOD},1e18\n`, 1, /amount "1e18" is not an integer/],
    ["overflowing amount", `0,${GOOD},${(1n << 256n).toString()}\n`, 1, /overflows uint256/],
    ["empty amount", `0,${GOOD},\n`, 1, /amount is empty/],
    ["duplicate index", `0,${GOOD},1\n0,${OTHER},2\n`, 2, /index 0 is a duplicate \(first at line 1\)/],
    ["duplicate account", `index,account,amount\n0,${GOOD},1\n1,${OTHER},1\n2,${GOOD.toLowerCase()},2\n`, 4, /account 0x70997970C51812dc3A010C7d01b50e0d17dc79C8 is a duplicate \(first at line 2\)/],
    ["index beyond the row count", `0,${GOOD},1\n5,${OTHER},2\n`, 2, /index 5 is out of range/],
    ["non-numeric index", `0,${GOOD},1\nx,${OTHER},2\n`, 2, /index "x" is not a non-negative decimal integer/],
    ["negative index", `-1,${GOOD},1\n`, 1, /index "-1" is not/],
    ["too few fields", `0,${GOOD}\n`, 1, /expected 3 fields/],
    ["too many fields", `0,${GOOD},1,2\n`, 1, /more than 3 fields/],
    ["blank line", `0,${GOOD},1\n\n1,${OTHER},2\n`, 2, /empty line/],
    ["wrong header", `idx,addr,amt\n0,${GOOD},1\n`, 1, /header must be "index,account,amount"/],
    // the first bad line in file order wins, whichever rule it breaks
    ["duplicate account before a bad amount", `0,${GOOD},1\n1,${GOOD},2\n2,${OTHER},-3\n`, 2, /account 0x70997970C51812dc3A010C7d01b50e0d17dc79C8 is a duplicate \(first at line 1\)/],
    ["duplicate account after a bad amount", `0,${GOOD},1\n1,${OTHER},-3\n2,${GOOD},2\n`, 2, /amount "-3" is negative/],
    ["later-sorting duplicate account first in the file", `0,${OTHER},1\n1,${ZEROISH},1\n2,${OTHER},1\n3,${ZEROISH},1\n`, 3, /account 0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC is a duplicate \(first at line 1\)/],
    ["index out of range before a duplicate account", `0,${GOOD},1\n9,${OTHER},1\n1,${GOOD},1\n`, 2, /index 9 is out of range/],
    // mixed-case accounts are checked in batches: a bad checksum still names its own line, ahead of later errors
    ["bad checksum before a bad amount", `0,${GOOD},1\n1,${BADSUM},5\n2,${OTHER},-3\n`, 2, /account 0x3c44CdDdB6a900fa2b585dd299e03d12FA4293BC has a bad EIP-55 checksum \(expected 0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC\)/],
    ["duplicate account before a bad checksum", `0,${GOOD},1\n1,${GOOD},1\n2,${BADSUM},5\n`, 2, /account 0x70997970C51812dc3A010C7d01b50e0d17dc79C8 is a duplicate/],
    ["bad checksum before a duplicate account", `0,${BADSUM},1\n1,${GOOD},1\n2,${GOOD},1\n`, 1, /bad EIP-55 checksum/],
    ["bad checksum among 3,000 checksummed rows (past the first check batches)", manyWithBadChecksum(3000, 2345), 2346, /bad EIP-55 checksum/],
    ["duplicate account before an index out of range", `0,${GOOD},1\n1,${GOOD},1\n9,${OTHER},1\n`, 2, /account 0x70997970C51812dc3A010C7d01b50e0d17dc79C8 is a duplicate/],
  ];
  for (const [what, text, line, message] of bad) {
    it(`refuses a ${what} with its line number (${line}) and leaves no output`, async () => {
      const name = `bad-${what.replace(/\W+/g, "-")}`;
      const err = await build(text, name).then(
        () => null,
        (e: unknown) => e,
      );
      expect(err).to.be.instanceOf(DistributionCsvError);
      const e = err as DistributionCsvError;
      expect(e.field).to.equal("csv");
      expect(e.line).to.equal(line);
      expect(e.shortMessage).to.match(new RegExp(`^csv: line ${line}: `));
      expect(e.shortMessage).to.match(message);
      expect(readdirSync(work).filter((f) => f.startsWith(name) && !f.endsWith(".csv"))).to.deep.equal([]);
    });
  }

  it("refuses a line longer than 1 MB with its line number, read in pieces, and leaves no output", async () => {
    const csv = path.join(work, "long.csv");
    writeFileSync(csv, `0,${GOOD},1\n1,${OTHER},${"1".repeat(1.2e6)}\n`);
    const err = await buildDistribution({ csv, out: path.join(work, "long"), readBytes: 1 << 16 }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).to.be.instanceOf(DistributionCsvError).with.property("line", 2);
    expect((err as DistributionCsvError).shortMessage).to.match(/^csv: line 2: line longer than 1 MB/);
    expect(readdirSync(work).filter((f) => f.startsWith("long") && !f.endsWith(".csv"))).to.deep.equal([]);
  });

  it("refuses an empty CSV, a missing file, and an existing output directory (field named)", async () => {
    const e1 = await build("index,account,amount\n", "empty").catch((e: unknown) => e);
    expect(e1).to.be.instanceOf(DistributionCsvError).with.property("shortMessage").that.matches(/no rows/);
    const e2 = await buildDistribution({ csv: path.join(work, "nope.csv"), out: path.join(work, "nope") }).catch((e: unknown) => e);
    expect(e2).to.be.instanceOf(InvalidInputError).with.property("field", "csv");
    const ok = await build(randomRows(3), "exists");
    const e3 = await buildDistribution({ csv: path.join(work, "exists.csv"), out: ok.out }).catch((e: unknown) => e);
    expect(e3).to.be.instanceOf(InvalidInputError).with.property("field", "out");
    const again = await buildDistribution({ csv: path.join(work, "exists.csv"), out: ok.out, overwrite: true });
    expect(again.root).to.equal(ok.root);
  });

  it("sortRowsByKey orders by key, then by the tie-breaker, stably", () => {
    const keys = new Uint32Array([5, 1, 5, 0xffffffff, 0, 1, 70000]);
    const order = sortRowsByKey(keys, keys.length, (a, b) => b - a);
    expect(Array.from(order)).to.deep.equal([4, 5, 1, 2, 0, 6, 3]);
  });
});

describe("distribution builder at batch scale", function () {
  this.timeout(300_000);
  let work: string;
  before(() => {
    work = mkdtempSync(path.join(tmpdir(), "dist-batch-"));
  });
  after(() => rmSync(work, { recursive: true, force: true }));

  it("40,000 rows (more than two hashing batches) read 4 KB at a time (lines cut across reads), 1 and 2 threads: the SDK tree's root and proofs", async () => {
    const rows = randomRows(40_000).map(([i, a, m], k): Row => [i, k % 4 === 0 ? a : a.toLowerCase(), m]);
    const csv = path.join(work, "40k.csv");
    // CRLF on some lines, mixed-case (checksummed) accounts on others: both parsers, the fast and the general one
    writeFileSync(csv, csvOf(rows, true).split("\n").map((l, i) => (i % 7 === 3 && l !== "" ? l + "\r" : l)).join("\n"));
    const sdk = DistributionTree.of(rows.map(([index, account, amount]) => ({ index: BigInt(index), account, amount: BigInt(amount) })));
    for (const threads of [1, 2]) {
      const r = await buildDistribution({ csv, out: path.join(work, `t${threads}`), readBytes: 4096, threads, dumpLimit: 0 });
      expect(r.root).to.equal(sdk.root);
      expect(r.total).to.equal(rows.reduce((s, x) => s + BigInt(x[2]), 0n));
      const store = ProofStore.open(r.dir);
      try {
        for (const k of [0, 1, 16_383, 16_384, 32_768, 39_999]) {
          const p = store.proof(k);
          expect(p.proof).to.deep.equal(sdk.proof(BigInt(k)).proof);
        }
      } finally {
        store.close();
      }
    }
  });

  it("readBytes and threads out of range are refused, naming the field", async () => {
    const csv = path.join(work, "one.csv");
    writeFileSync(csv, csvOf(randomRows(1), true));
    for (const [opt, field] of [[{ readBytes: 10 }, "readBytes"], [{ threads: 0 }, "threads"], [{ threads: 1.5 }, "threads"]] as const) {
      const err = await buildDistribution({ csv, out: path.join(work, `bad-${field}`), ...opt }).then(() => null, (e: unknown) => e);
      expect(err).to.be.instanceOf(InvalidInputError).with.property("field", field);
      expect(readdirSync(work).filter((f) => f.startsWith(`bad-${field}`))).to.deep.equal([]);
    }
  });
});

describe("distribution builder keccak kernel", () => {
  it("the batched WebAssembly kernel gives ethers' digests: leaves keccak(keccak(96 bytes)), pairs sorted (ties, equal prefixes), hex40; even and odd counts (two-way SIMD steps and a one-way last item)", async () => {
    const { KeccakKernel, IO_BASE } = await import("../../ts-sdk/dist/node/distribution/keccak-kernel.js");
    const { keccak256, randomBytes: rb, concat } = await import("ethers");
    const k = await KeccakKernel.create(1 << 16);
    for (const n of [100, 101, 1]) {
      const blocks = Array.from({ length: n }, () => rb(96));
      blocks.forEach((b, i) => k.mem.set(b, IO_BASE + 96 * i));
      k.leaves(IO_BASE, IO_BASE + 96 * n, n);
      blocks.forEach((b, i) => expect("0x" + Buffer.from(k.mem.subarray(IO_BASE + 96 * n + 32 * i, IO_BASE + 96 * n + 32 * i + 32)).toString("hex")).to.equal(keccak256(keccak256(b))));
      const pairs = Array.from({ length: n }, (_, i) => {
        const a = rb(32);
        const b = i % 3 === 0 ? Uint8Array.from(a) : rb(32);
        if (i % 3 === 1) b.set(a.subarray(0, 8 + (i % 24))); // equal first words: a later word decides
        if (i % 5 === 0 && i % 3 !== 0) b[31] = a[31]! ^ 1;
        return [a, b] as const;
      });
      pairs.forEach(([a, b], i) => {
        k.mem.set(a, IO_BASE + 64 * i);
        k.mem.set(b, IO_BASE + 64 * i + 32);
      });
      k.pairs(IO_BASE, IO_BASE + 64 * n, n);
      pairs.forEach(([a, b], i) => {
        const want = Buffer.compare(Buffer.from(a), Buffer.from(b)) <= 0 ? keccak256(concat([a, b])) : keccak256(concat([b, a]));
        expect("0x" + Buffer.from(k.mem.subarray(IO_BASE + 64 * n + 32 * i, IO_BASE + 64 * n + 32 * i + 32)).toString("hex")).to.equal(want);
      });
      const texts = Array.from({ length: n }, () => rb(40));
      texts.forEach((t, i) => k.mem.set(t, IO_BASE + 40 * i));
      k.hex40(IO_BASE, IO_BASE + 40 * n, n);
      texts.forEach((t, i) => expect("0x" + Buffer.from(k.mem.subarray(IO_BASE + 40 * n + 32 * i, IO_BASE + 40 * n + 32 * i + 32)).toString("hex")).to.equal(keccak256(t)));
    }
  });
});

describe("distribution builder keccak back ends", () => {
  it("hash-wasm's module called directly and the public hasher give ethers' digests (and the direct one is in use)", async () => {
    const { Keccak } = await import("../../ts-sdk/dist/node/distribution/keccak.js");
    const { keccak256, randomBytes: rb } = await import("ethers");
    const direct = await Keccak.create();
    const wrapper = await Keccak.create({ direct: false });
    expect(direct.backend).to.equal("direct");
    expect(wrapper.backend).to.equal("wrapper");
    for (let len = 0; len <= 200; len += 7) {
      const input = rb(len);
      const a = new Uint8Array(32);
      const b = new Uint8Array(32);
      direct.hashInto(input, 0, len, a, 0);
      wrapper.hashInto(input, 0, len, b, 0);
      expect("0x" + Buffer.from(a).toString("hex")).to.equal(keccak256(input));
      expect("0x" + Buffer.from(b).toString("hex")).to.equal(keccak256(input));
    }
    const acct = rb(20);
    const { getAddress, hexlify } = await import("ethers");
    expect(direct.checksum(acct)).to.equal(getAddress("0x" + Buffer.from(acct).toString("hex")));
    // hasChecksum: true for ethers' EIP-55 form of random accounts, false once any one letter's case is flipped
    for (let t = 0; t < 50; t++) {
      const text = Buffer.from("  " + getAddress(hexlify(rb(20))).slice(2), "latin1");
      for (const k of [direct, wrapper]) expect(k.hasChecksum(text, 2)).to.equal(true);
      const letter = [...text.keys()].find((i) => i >= 2 && text[i]! >= 0x41);
      if (letter === undefined) continue;
      text[letter]! ^= 0x20;
      for (const k of [direct, wrapper]) expect(k.hasChecksum(text, 2)).to.equal(false);
    }
  });
});
