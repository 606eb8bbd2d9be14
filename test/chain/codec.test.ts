/**
 * The batch codec on its own (format 0x02): every transaction round-trips byte for byte whatever its shape,
 * each one takes the densest form that rebuilds it exactly, decoding mutated payloads never throws, and the
 * rebuilt size is capped. Derivation's use of the codec (malformed batches on L1) is in derive.test.ts.
 */
import { expect } from "chai";
import { Transaction, Wallet, toBeHex } from "ethers";
import { RLP } from "@ethereumjs/rlp";

import { BATCH_SECTIONS, decodeBatch, encodeBatch, encodeBatchAsync, encodeBatchPayload, packBatch, type BatchBlock, type BatchItem, type BatchSection } from "@sovereign-stack/node";

import { CHAIN_ID, prng } from "./workload.ts";

type Nested = Uint8Array | Nested[];
const hex = (b: Uint8Array): string => Buffer.from(b).toString("hex");
const bytes = (h: string): Uint8Array => Uint8Array.from(Buffer.from(h.replace(/^0x/, ""), "hex"));
const view = (blocks: readonly BatchBlock[]) => blocks.map((b) => ({ t: b.timestamp, items: b.items.map((it) => (it.kind === "tx" ? hex(it.raw) : "delayed")) }));
const N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;
const KIND = { delayed: 0, raw: 1, split: 2, columns: 3 } as const;

/** Random transaction-shaped bytes: mostly EIP-1559 lists with edge-case fields, some legacy, type-1 and garbage. */
function randomTxs(seed: number, count: number): Uint8Array[] {
  const rnd = prng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const rb = (n: number) => Uint8Array.from({ length: n }, () => Math.floor(rnd() * 256));
  const addresses = Array.from({ length: 6 }, (_, i) => (i === 0 ? Uint8Array.of(0, ...rb(19)) : rb(20)));
  const int = (): Uint8Array => {
    const v = pick<() => bigint>([
      () => 0n,
      () => 1n,
      () => BigInt(Math.floor(rnd() * 1e9)) * 10n ** BigInt(Math.floor(rnd() * 20)),
      () => 10n ** 77n,
      () => (1n << 256n) - 1n,
      () => 10n ** 18n * 7n,
      () => BigInt("0x" + hex(rb(1 + Math.floor(rnd() * 32)))),
    ])();
    const b = toBeHex(v);
    // Sometimes non-canonical (a leading zero byte), which only the raw form keeps.
    return rnd() < 0.05 ? Uint8Array.of(0, ...bytes(b)) : v === 0n ? new Uint8Array() : bytes(b);
  };
  const word = (): Uint8Array => (rnd() < 0.5 ? Uint8Array.of(...new Uint8Array(12), ...pick(addresses)) : rnd() < 0.5 ? bytes(toBeHex(BigInt(Math.floor(rnd() * 1e6)) * 10n ** 15n, 32)) : rb(32));
  const data = (): Uint8Array =>
    pick<() => Uint8Array>([
      () => new Uint8Array(),
      () => Uint8Array.of(...rb(4), ...Array.from({ length: Math.floor(rnd() * 4) }, word).flatMap((w) => [...w])),
      () => rb(1 + Math.floor(rnd() * 70)),
    ])();
  const sigPart = () => pick<() => Uint8Array>([() => bytes(toBeHex(BigInt("0x" + hex(rb(32))) % (N / 2n))), () => bytes(toBeHex(N - 1n)), () => rb(Math.floor(rnd() * 33)), () => new Uint8Array()])();
  const eip1559 = (): Uint8Array => {
    const fields: Nested[] = [int(), int(), int(), int(), int(), pick([() => pick(addresses), () => new Uint8Array(), () => rb(19)])(), int(), data(), rnd() < 0.1 ? [[pick(addresses), [rb(32)]]] : [], pick([new Uint8Array(), Uint8Array.of(1), Uint8Array.of(2), Uint8Array.of(0)]), sigPart(), sigPart()];
    return Uint8Array.of(2, ...RLP.encode(fields));
  };
  const legacy = (): Uint8Array => RLP.encode([int(), int(), int(), pick(addresses), int(), data(), int(), sigPart(), sigPart()]);
  const type1 = (): Uint8Array => Uint8Array.of(1, ...RLP.encode([int(), int(), int(), int(), pick(addresses), int(), data(), [], int(), sigPart(), sigPart()]));
  return Array.from({ length: count }, () => pick([eip1559, eip1559, eip1559, legacy, type1, () => rb(Math.floor(rnd() * 40))])());
}

/** The item kinds the encoder chose for `raws`, one block. */
const kindsOf = (raws: readonly Uint8Array[]): number[] => [...encodeBatchPayload([{ timestamp: 1n, items: raws.map((raw) => ({ kind: "tx" as const, raw })) }]).sections.kinds];

describe("batch codec (format 0x02)", function () {
  this.timeout(120_000);

  const key = new Wallet(toBeHex(7n, 32));
  const to = new Wallet(toBeHex(8n, 32)).address;
  const signed = (f: Record<string, unknown>): Uint8Array => {
    const tx = Transaction.from({ chainId: CHAIN_ID, nonce: 3, gasLimit: 21_000n, to, value: 12_340_000n, ...f });
    tx.signature = key.signingKey.sign(tx.unsignedHash);
    return bytes(tx.serialized);
  };

  it("round-trips 3,000 random transaction-shaped items byte for byte, with delayed markers between them", () => {
    for (const seed of [1, 2, 3]) {
      const txs = randomTxs(seed, 1000);
      const rnd = prng(seed + 100);
      const blocks: BatchBlock[] = [];
      for (let i = 0, t = 1n; i < txs.length; t += BigInt(1 + Math.floor(rnd() * 3))) {
        const items: BatchItem[] = [];
        for (let k = Math.floor(rnd() * 40); k > 0 && i < txs.length; k--) items.push(rnd() < 0.05 ? { kind: "delayed" } : { kind: "tx", raw: txs[i++]! });
        blocks.push({ timestamp: t, items });
      }
      const kinds = encodeBatchPayload(blocks).sections.kinds;
      for (const k of Object.values(KIND)) expect(kinds.includes(k), `seed ${seed}: some items of kind ${k}`).to.equal(true);
      const d = decodeBatch(encodeBatch(blocks));
      expect(d.ok, d.ok ? "" : d.error.message).to.equal(true);
      if (d.ok) expect(view(d.blocks)).to.deep.equal(view(blocks));
    }
  });

  it("encodes the same bytes off the event loop (encodeBatchAsync, the poster's path) as on it, and keeps the loop free meanwhile", async () => {
    const txs = randomTxs(9, 1500);
    const blocks: BatchBlock[] = [{ timestamp: 1n, items: txs.map((raw) => ({ kind: "tx" as const, raw })) }];
    let ticks = 0;
    const timer = setInterval(() => ticks++, 1);
    const viaPool = await encodeBatchAsync(blocks);
    clearInterval(timer);
    expect(Buffer.from(viaPool).equals(Buffer.from(encodeBatch(blocks))), "same bytes").to.equal(true);
    expect(ticks, "timers ran while brotli compressed on the thread pool").to.be.greaterThan(0);
    let err: unknown;
    await encodeBatchAsync(blocks, 12).catch((e: unknown) => (err = e));
    expect((err as Error).message).to.match(/quality must be an integer 0\.\.11, got 12/);
  });

  it("puts each transaction in the densest form that rebuilds it exactly", () => {
    const plain = signed({ type: 2, maxFeePerGas: 10n ** 10n, maxPriorityFeePerGas: 1n });
    const call = signed({ type: 2, maxFeePerGas: 10n ** 10n, maxPriorityFeePerGas: 1n, data: "0xa9059cbb" + "00".repeat(12) + to.slice(2) + toBeHex(5n * 10n ** 18n, 32).slice(2), gasLimit: 60_000n });
    const creation = signed({ type: 2, maxFeePerGas: 10n ** 10n, maxPriorityFeePerGas: 1n, to: null, data: "0x6000", gasLimit: 60_000n });
    const withAccessList = signed({ type: 2, maxFeePerGas: 10n ** 10n, maxPriorityFeePerGas: 1n, accessList: [{ address: to, storageKeys: [] }], gasLimit: 30_000n });
    const legacy = signed({ type: 0, gasPrice: 10n ** 9n });
    const fields = RLP.decode(plain.subarray(1)) as Uint8Array[];
    const highS = Uint8Array.of(2, ...RLP.encode([...fields.slice(0, 11), bytes(toBeHex(N - bytesToBig(fields[11]!)))]));
    expect(kindsOf([plain, call, creation])).to.deep.equal([KIND.columns, KIND.columns, KIND.columns]);
    expect(kindsOf([withAccessList, legacy, highS])).to.deep.equal([KIND.split, KIND.split, KIND.split]);
    expect(kindsOf([Uint8Array.of(0x02, 0xc0), new Uint8Array(), Uint8Array.of(0xde, 0xad)])).to.deep.equal([KIND.raw, KIND.raw, KIND.raw]);
    // The column form's signature is r ‖ s with yParity in the top bit of s; the split form's is r ‖ s as signed.
    const sigs = encodeBatchPayload([{ timestamp: 1n, items: [{ kind: "tx", raw: plain }] }]).signatures;
    expect(hex(sigs.subarray(0, 32))).to.equal(toBeHex(bytesToBig(fields[10]!), 32).slice(2));
    expect(sigs[32]! >> 7).to.equal(bytesToBig(fields[9]!) === 1n ? 1 : 0);
  });

  it("decodes 1,000 mutated payloads of a valid batch to blocks or a typed error, never an exception, and re-encodes what it decodes to the same blocks", () => {
    const txs = randomTxs(9, 60);
    const blocks: BatchBlock[] = [0, 1, 2].map((b) => ({ timestamp: 100n + BigInt(b), items: [...txs.slice(b * 20, b * 20 + 20).map((raw) => ({ kind: "tx" as const, raw })), { kind: "delayed" as const }] }));
    const good = encodeBatchPayload(blocks);
    const rnd = prng(77);
    let decoded = 0;
    for (let i = 0; i < 1000; i++) {
      const name: BatchSection = BATCH_SECTIONS[Math.floor(rnd() * BATCH_SECTIONS.length)]!;
      const section = Uint8Array.from(good.sections[name]);
      const mutate = Math.floor(rnd() * 3);
      let next: Uint8Array = section;
      if (mutate === 0 && section.length > 0) next[Math.floor(rnd() * section.length)] = Math.floor(rnd() * 256);
      else if (mutate === 1) next = section.subarray(0, Math.floor(rnd() * section.length));
      else next = Uint8Array.of(...section, Math.floor(rnd() * 256));
      const signatures = rnd() < 0.1 ? good.signatures.subarray(64) : good.signatures;
      const d = decodeBatch(packBatch({ sections: { ...good.sections, [name]: next }, signatures }, 5));
      if (!d.ok) {
        expect(d.error.reason).to.be.oneOf(["shape", "rlp", "too-large"]);
        continue;
      }
      decoded++;
      const again = decodeBatch(encodeBatch(d.blocks, 5));
      expect(again.ok).to.equal(true);
      if (again.ok) expect(view(again.blocks)).to.deep.equal(view(d.blocks));
    }
    expect(decoded, "some mutations still decode (a changed value, not a changed shape)").to.be.greaterThan(0);
  });

  it("caps the rebuilt transactions as well as the decompressed payload", () => {
    // A few bytes of references rebuild into many bytes of calldata.
    const call = signed({ type: 2, maxFeePerGas: 10n ** 10n, maxPriorityFeePerGas: 1n, data: "0x12345678" + ("00".repeat(12) + to.slice(2)).repeat(200), gasLimit: 900_000n });
    const blocks: BatchBlock[] = [{ timestamp: 1n, items: Array.from({ length: 50 }, () => ({ kind: "tx" as const, raw: call })) }];
    const data = encodeBatch(blocks);
    expect(decodeBatch(data, 400_000).ok).to.equal(true);
    const capped = decodeBatch(data, 100_000);
    expect(capped.ok).to.equal(false);
    if (!capped.ok) expect(capped.error.reason).to.equal("too-large");
  });

  it("refuses bad encoder input with errors naming the field", () => {
    expect(() => encodeBatch([], 12)).to.throw(RangeError, /quality/);
    expect(() => encodeBatch([{ timestamp: 1n << 64n, items: [] }])).to.throw(RangeError, /timestamp/);
    expect(() => packBatch({ sections: {}, signatures: new Uint8Array(63) })).to.throw(RangeError, /signatures/);
  });
});

function bytesToBig(b: Uint8Array): bigint {
  return b.length === 0 ? 0n : BigInt("0x" + hex(b));
}
