/**
 * A deterministic chain workload for the engine tests: funded keys, ETH transfers, an ERC-20 (TestToken)
 * deploy, mints and transfers, plus labelled invalid transactions. Blocks are lists of raw signed txs.
 */
import { Interface, Signature, Transaction, Wallet, decodeRlp, encodeRlp, getCreateAddress, hexlify, toBeHex, type BytesLike } from "ethers";

import type { GenesisConfig } from "@sovereign-stack/node";
import { prng } from "../lib/prng.ts";

export { prng };

export const CHAIN_ID = 31337;
export const T0 = 1_700_000_000n;
export const GAS_LIMIT = 30_000_000n;
export const BASE_FEE = 1_000_000_000n;
export const COINBASE = "0x00000000000000000000000000000000000000c0";
export const FUNDING = 10n ** 21n; // 1000 ETH
const MAX_FEE = 10_000_000_000n;

/** Why an invalid tx is invalid (and how EDR treats it). */
export type InvalidKind = "nonce-gap" | "insufficient-balance" | "bad-signature-r0" | "bad-signature-high-s" | "over-block-gas" | "intrinsic-gas";

export interface WorkloadTx {
  readonly raw: Uint8Array;
  readonly hash: string;
  /** Set for a tx that must be rejected. */
  readonly invalid?: InvalidKind;
}

export interface WorkloadBlock {
  readonly number: bigint;
  readonly timestamp: bigint;
  readonly txs: readonly WorkloadTx[];
}

export interface Workload {
  readonly keys: readonly Wallet[];
  /** A key with no funds. */
  readonly pauper: Wallet;
  readonly token: string;
  readonly blocks: readonly WorkloadBlock[];
  readonly validCount: number;
}

/** `n` fixed test keys (private keys 1..n: never use them anywhere real). */
export function testKeys(n: number, offset = 1): Wallet[] {
  return Array.from({ length: n }, (_, i) => new Wallet(toBeHex(BigInt(i + offset), 32)));
}

/** The genesis: every key funded; `extra` accounts (e.g. EDR's system contracts) added as given. */
export function makeGenesis(keys: readonly Wallet[], extra: GenesisConfig["alloc"] = {}): GenesisConfig {
  const alloc: Record<string, { balance: bigint }> = {};
  for (const k of keys) alloc[k.address] = { balance: FUNDING };
  return { chainId: CHAIN_ID, hardfork: "prague", timestamp: T0, gasLimit: GAS_LIMIT, baseFeePerGas: BASE_FEE, coinbase: COINBASE, alloc: { ...alloc, ...extra } };
}

const bytes = (hex: string): Uint8Array => Uint8Array.from(Buffer.from(hex.slice(2), "hex"));

function sign(w: Wallet, fields: { nonce: number; to?: string | null; value?: bigint; data?: string; gasLimit: bigint }): string {
  const tx = Transaction.from({ type: 2, chainId: CHAIN_ID, maxFeePerGas: MAX_FEE, maxPriorityFeePerGas: 1n + BigInt(fields.nonce % 3), value: 0n, data: "0x", to: null, ...fields });
  tx.signature = w.signingKey.sign(tx.unsignedHash);
  return tx.serialized;
}

/** Re-encodes a signed type-2 tx with another r or s (the signature is then invalid). */
function withSignature(raw: string, r: bigint, s: bigint): string {
  const fields = decodeRlp("0x" + raw.slice(4)) as string[];
  fields[10] = r === 0n ? "0x" : toBeHex(r);
  fields[11] = toBeHex(s);
  return "0x02" + encodeRlp(fields as BytesLike[]).slice(2);
}

const N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;

/**
 * Builds `nBlocks` blocks of about `perBlock` valid transactions. Block 1 deploys TestToken (from key 0) and
 * mints to every key; later blocks mix ETH and ERC-20 transfers between random keys. With `invalid`, some
 * blocks also carry one invalid tx of each kind.
 */
export function buildWorkload(opts: { tokenBytecode: string; nKeys?: number; nBlocks?: number; perBlock?: number; seed?: number; invalid?: boolean }): Workload {
  const nKeys = opts.nKeys ?? 12;
  const keys = testKeys(nKeys);
  const pauper = testKeys(1, 1000)[0]!;
  const rnd = prng(opts.seed ?? 42);
  const nonces = keys.map(() => 0);
  const erc20 = new Interface(["function mint(address,uint256)", "function transfer(address,uint256) returns (bool)", "constructor(string,string)"]);
  const token = getCreateAddress({ from: keys[0]!.address, nonce: 0 });
  const blocks: WorkloadBlock[] = [];
  let validCount = 0;
  let ts = T0;
  const next = (i: number) => nonces[i]!++;
  const tx = (raw: string, invalid?: InvalidKind): WorkloadTx => ({ raw: bytes(raw), hash: Transaction.from(raw).hash ?? "", ...(invalid === undefined ? {} : { invalid }) });
  const rawTx = (raw: string, invalid: InvalidKind): WorkloadTx => ({ raw: bytes(raw), hash: "", invalid });

  for (let b = 1; b <= (opts.nBlocks ?? 24); b++) {
    ts += 10n + BigInt(Math.floor(rnd() * 5));
    const txs: WorkloadTx[] = [];
    if (b === 1) {
      const deploy = opts.tokenBytecode + erc20.encodeDeploy(["Test", "TST"]).slice(2);
      txs.push(tx(sign(keys[0]!, { nonce: next(0), data: deploy, gasLimit: 2_000_000n })));
      for (let i = 0; i < nKeys; i++) txs.push(tx(sign(keys[0]!, { nonce: next(0), to: token, data: erc20.encodeFunctionData("mint", [keys[i]!.address, 10n ** 24n]), gasLimit: 100_000n })));
    } else {
      const n = (opts.perBlock ?? 15) + Math.floor(rnd() * 5) - 2;
      for (let j = 0; j < n; j++) {
        const from = Math.floor(rnd() * nKeys);
        let to = Math.floor(rnd() * nKeys);
        if (to === from) to = (to + 1) % nKeys;
        const amount = BigInt(1 + Math.floor(rnd() * 1_000_000)) * 10n ** 9n;
        if (rnd() < 0.4) {
          txs.push(tx(sign(keys[from]!, { nonce: next(from), to: token, data: erc20.encodeFunctionData("transfer", [keys[to]!.address, amount]), gasLimit: 80_000n })));
        } else {
          txs.push(tx(sign(keys[from]!, { nonce: next(from), to: keys[to]!.address, value: amount, gasLimit: 21_000n })));
        }
      }
      if (opts.invalid === true && b % 5 === 0) {
        const k = keys[b % nKeys]!;
        const ki = b % nKeys;
        // signed with the right key but not the next nonce (EDR would queue it and mine it later)
        txs.push(tx(sign(k, { nonce: nonces[ki]! + 3, to: keys[0]!.address, value: 1n, gasLimit: 21_000n }), "nonce-gap"));
        txs.push(tx(sign(pauper, { nonce: 0, to: keys[0]!.address, value: 10n ** 18n, gasLimit: 21_000n }), "insufficient-balance"));
        const good = sign(k, { nonce: nonces[ki]!, to: keys[1]!.address, value: 5n, gasLimit: 21_000n });
        const sig = Signature.from(Transaction.from(good).signature!);
        txs.push(rawTx(withSignature(good, 0n, BigInt(sig.s)), "bad-signature-r0"));
        txs.push(rawTx(withSignature(good, BigInt(sig.r), N - BigInt(sig.s)), "bad-signature-high-s"));
        txs.push(tx(sign(k, { nonce: nonces[ki]!, to: keys[1]!.address, value: 5n, gasLimit: GAS_LIMIT + 1n }), "over-block-gas"));
        txs.push(tx(sign(k, { nonce: nonces[ki]!, to: keys[1]!.address, value: 5n, gasLimit: 20_000n }), "intrinsic-gas"));
      }
    }
    validCount += txs.filter((t) => t.invalid === undefined).length;
    blocks.push({ number: BigInt(b), timestamp: ts, txs });
  }
  return { keys, pauper, token, blocks, validCount };
}

export { hexlify };
