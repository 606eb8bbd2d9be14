/**
 * The execution engine: `@ethereumjs/vm` 10 over a Merkle Patricia trie persisted in LevelDB.
 *
 * Block policy (identical to EDR configured with the same genesis, which the differential test checks):
 * - number, timestamp and transactions come from the caller (the log); the clock is never read;
 * - coinbase and gas limit are fixed by the genesis;
 * - base fee: EIP-1559 from the parent header (genesis: `genesis.baseFeePerGas`);
 * - no EIP-4788 / EIP-2935 system calls (EDR does not make them) and no EIP-7685 requests;
 * - all transactions of a block run inside one state checkpoint, committed once (one trie write batch);
 * - an inadmissible transaction (undecodable, bad signature, wrong chain, nonce, balance, intrinsic gas,
 *   fee below base fee, over the block's remaining gas) is skipped and reported, never thrown;
 * - a deposit item runs as a system call (see `DepositItem`): `SYSTEM_SENDER` calls `L2Bridge.finalizeDeposit` with
 *   `DEPOSIT_CALL_GAS`, no fee, no nonce change; it is not a transaction (no receipt, not in the block's gas) and its
 *   outcome is in `BlockResult.systemCalls`.
 *
 * Only the latest state is served (`getBalance` etc. read the head); older roots stay on disk (no pruning).
 */
import { mkdirSync } from "node:fs";

import { Block, createBlock, createBlockFromRLP, createBlockHeader } from "@ethereumjs/block";
import type { Common } from "@ethereumjs/common";
import { createMPT } from "@ethereumjs/mpt";
import { Caches, MerkleStateManager } from "@ethereumjs/statemanager";
import { TransactionType, createTx, type TypedTransaction } from "@ethereumjs/tx";
import {
  bigIntToUnpaddedBytes,
  bytesToBigInt,
  bytesToHex,
  createAccount,
  createAddressFromString,
  createZeroAddress,
  hexToBytes,
  setLengthLeft,
  type Address,
} from "@ethereumjs/util";
import { createVM, encodeReceipt, runTx, type RunTxResult, type VM } from "@ethereumjs/vm";

import { DEPOSIT_CALL_GAS, L2_BRIDGE_ADDRESS, SYSTEM_SENDER } from "../bridge/addresses.ts";
import { depositCalldata } from "../bridge/deposit.ts";
import { LevelTrieDB, openLevel, type Level } from "./db.ts";
import { orderedTrieRoot } from "./ordered-trie.ts";
import { DecodedTxCache, reasonOf } from "./decode.ts";
import { genesisFingerprint, makeCommon, toBigInt, type GenesisConfig } from "./genesis.ts";
import { BlockStore } from "./store.ts";
import type { BlockInput, BlockResult, CallRequest, CallResult, DepositItem, Head, LogCursor, Receipt, RejectedTx, SystemCallResult } from "./types.ts";

/** Options of {@link Engine.open}. */
export interface EngineOptions {
  /** Directory of the engine's LevelDB (created if missing). */
  readonly dataDir: string;
  readonly genesis: GenesisConfig;
  /** Trie node LRU cache entries (default 100 000). */
  readonly trieCacheSize?: number;
  /** Most transactions {@link Engine.decoded} holds for execution (default 32 768). */
  readonly decodedCacheSize?: number;
}

/** A misuse of the engine API (wrong block number, time going backwards, another genesis…). */
export class EngineError extends Error {
  override readonly name = "EngineError";
}

/** Counters that let callers (and tests) see what the engine did. */
export interface EngineStats {
  /** Milliseconds `Engine.open` took. */
  openMs: number;
  /** Blocks applied by this instance (a reopened engine starts at 0: it never replays). */
  blocksApplied: number;
  /** Transactions executed (included) by this instance. */
  txsExecuted: number;
}

type Hex = `0x${string}`;

/** One turn of the event loop (I/O callbacks run), for the long stretches of a block's execution. */
const yieldToEventLoop = (): Promise<void> => new Promise<void>((resolve) => setImmediate(resolve));

const SYSTEM = createAddressFromString(SYSTEM_SENDER);
const BRIDGE = createAddressFromString(L2_BRIDGE_ADDRESS);

/** Serialises async operations on the shared VM state. */
class Mutex {
  #tail: Promise<unknown> = Promise.resolve();
  run<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.#tail.then(fn, fn);
    this.#tail = next.catch(() => undefined);
    return next;
  }
}

/** The EVM's BLOCKHASH source: the last 256 block hashes, from memory or the store. */
class RecentHashes {
  readonly #byNumber = new Map<number, Uint8Array>();
  readonly #store: BlockStore;
  readonly #common: Common;
  constructor(store: BlockStore, common: Common) {
    this.#store = store;
    this.#common = common;
  }
  remember(n: bigint, hash: Uint8Array): void {
    this.#byNumber.set(Number(n), hash);
    this.#byNumber.delete(Number(n) - 257);
  }
  async getBlock(n: number): Promise<{ hash(): Uint8Array }> {
    let h = this.#byNumber.get(n);
    if (h === undefined) {
      const rlp = await this.#store.blockRlp(BigInt(n));
      h = rlp === undefined ? new Uint8Array(32) : createBlockFromRLP(rlp, { common: this.#common, skipConsensusFormatValidation: true }).hash();
    }
    const hash = h;
    return { hash: () => hash };
  }
  async putBlock(): Promise<void> {}
  shallowCopy(): RecentHashes {
    return this;
  }
}

/** The execution engine. Create with {@link Engine.open}; one instance per data directory. */
export class Engine {
  readonly common: Common;
  readonly genesis: GenesisConfig;
  readonly stats: EngineStats;
  /**
   * Transactions already decoded (sender recovered) by their bytes, taken by {@link Engine.applyBlock} instead of
   * decoding again. The sequencer fills it at admission; anything not in it is decoded as usual.
   */
  readonly decoded: DecodedTxCache;
  readonly #db: Level;
  readonly #store: BlockStore;
  readonly #vm: VM;
  readonly #sm: MerkleStateManager;
  readonly #hashes: RecentHashes;
  readonly #coinbase: Address;
  readonly #lock = new Mutex();
  #parent: Block;
  #head: Head;
  #closed = false;

  private constructor(a: { common: Common; genesis: GenesisConfig; db: Level; store: BlockStore; vm: VM; sm: MerkleStateManager; hashes: RecentHashes; parent: Block; head: Head; openMs: number; decodedCacheSize: number }) {
    this.common = a.common;
    this.genesis = a.genesis;
    this.#db = a.db;
    this.#store = a.store;
    this.#vm = a.vm;
    this.#sm = a.sm;
    this.#hashes = a.hashes;
    this.#parent = a.parent;
    this.#head = a.head;
    this.#coinbase = createAddressFromString(a.genesis.coinbase);
    this.stats = { openMs: a.openMs, blocksApplied: 0, txsExecuted: 0 };
    this.decoded = new DecodedTxCache(a.decodedCacheSize);
  }

  /**
   * Opens the engine at `dataDir`. A fresh directory is initialised with the genesis; an existing one resumes
   * from its persisted head (block and state root) without replaying anything. Throws {@link EngineError}
   * if the directory was created from a different genesis.
   */
  static async open(opts: EngineOptions): Promise<Engine> {
    const t0 = performance.now();
    mkdirSync(opts.dataDir, { recursive: true });
    const common = makeCommon(opts.genesis);
    const db = await openLevel(opts.dataDir);
    try {
      const store = new BlockStore(db);
      const trie = await createMPT({ db: new LevelTrieDB(db), useKeyHashing: true, valueEncoding: "view", common, cacheSize: opts.trieCacheSize ?? 100_000 });
      const sm = new MerkleStateManager({ common, trie, caches: new Caches() });
      const hashes = new RecentHashes(store, common);
      const vm = await createVM({ common, stateManager: sm, blockchain: hashes });
      const fingerprint = genesisFingerprint(opts.genesis);
      let head = await store.readHead();
      let parent: Block;
      if (head === null) {
        parent = await initGenesis(sm, common, opts.genesis);
        head = { number: 0n, hash: bytesToHex(parent.hash()), stateRoot: bytesToHex(parent.header.stateRoot), timestamp: parent.header.timestamp, cursor: null };
        await store.writeBlock({ head, blockRlp: parent.serialize(), receipts: [], txHashes: [] }, fingerprint);
      } else {
        const stored = await store.readGenesisFingerprint();
        if (stored !== fingerprint) throw new EngineError(`data directory ${opts.dataDir} was created from another genesis`);
        const rlp = await store.blockRlp(head.number);
        if (rlp === undefined) throw new EngineError(`data directory ${opts.dataDir}: head block ${head.number} is missing`);
        parent = createBlockFromRLP(rlp, { common });
        await sm.setStateRoot(hexToBytes(head.stateRoot as Hex));
      }
      hashes.remember(parent.header.number, parent.hash());
      return new Engine({ common, genesis: opts.genesis, db, store, vm, sm, hashes, parent, head, openMs: performance.now() - t0, decodedCacheSize: opts.decodedCacheSize ?? 32_768 });
    } catch (e) {
      await db.close();
      throw e;
    }
  }

  /** The last applied block. */
  head(): Head {
    return this.#head;
  }

  /** The block store (blocks, receipts, tx index) for readers such as the RPC. */
  get blocks(): BlockStore {
    return this.#store;
  }

  /**
   * Builds, executes and persists block `input.number` on top of the head. Inadmissible transactions are
   * skipped and listed in `rejected`; the rest are included in order. Throws {@link EngineError} only for
   * a wrong block number or a timestamp not after the parent's (callers such as `applyLog` never do that).
   */
  applyBlock(input: BlockInput): Promise<BlockResult> {
    return this.#lock.run(() => this.#applyBlock(input));
  }

  async #applyBlock(input: BlockInput): Promise<BlockResult> {
    this.#assertOpen();
    const parent = this.#parent;
    if (input.number !== parent.header.number + 1n) throw new EngineError(`block ${input.number} does not follow head ${parent.header.number}`);
    if (input.timestamp <= parent.header.timestamp) throw new EngineError(`block ${input.number} timestamp ${input.timestamp} is not after the parent's ${parent.header.timestamp}`);
    const common = this.common;
    const header = {
      parentHash: parent.hash(),
      number: input.number,
      timestamp: input.timestamp,
      coinbase: this.#coinbase,
      gasLimit: this.genesis.gasLimit,
      baseFeePerGas: parent.header.calcNextBaseFee(),
      mixHash: parent.hash(),
    };
    const pending = createBlock({ header }, { common });
    const baseFee = header.baseFeePerGas;
    const included: TypedTransaction[] = [];
    const results: { tx: TypedTransaction; sender: Address; res: RunTxResult }[] = [];
    const rejected: RejectedTx[] = [];
    const systemCalls: SystemCallResult[] = [];
    let blockGas = 0n;
    let receiptGas = 0n;

    await this.#sm.checkpoint();
    let stateRoot: Uint8Array;
    try {
      for (let i = 0; i < input.txs.length; i++) {
        if (i % 16 === 15) await yieldToEventLoop(); // let the RPC and the log writer run during a long block
        const item = input.txs[i]!;
        if (!(item instanceof Uint8Array)) {
          systemCalls.push(await this.#depositCall(i, item, pending));
          continue;
        }
        const d = this.decoded.decode(item, common);
        if (!d.ok) {
          rejected.push({ index: i, reason: d.reason });
          continue;
        }
        if (blockGas + d.tx.gasLimit > this.genesis.gasLimit) {
          rejected.push({ index: i, reason: "gas: exceeds the block's remaining gas" });
          continue;
        }
        let res: RunTxResult;
        try {
          res = await runTx(this.#vm, { tx: d.tx, block: pending, blockGasUsed: receiptGas, skipHardForkValidation: true });
        } catch (e) {
          rejected.push({ index: i, reason: `tx: ${reasonOf(e)}` });
          continue;
        }
        blockGas += res.blockGasSpent;
        receiptGas += res.totalGasSpent;
        included.push(d.tx);
        results.push({ tx: d.tx, sender: d.sender, res });
      }
      await this.#sm.flush(); // cache → trie while the trie is still checkpointed: one write batch at commit
      await this.#sm.commit();
      stateRoot = await this.#sm.getStateRoot();
    } catch (e) {
      await this.#sm.revert();
      throw e;
    }

    await yieldToEventLoop(); // the transactions ran since the last turn; the roots and the write follow
    const receiptsRoot = await orderedTrieRoot(results.map((r) => encodeReceipt(r.res.receipt, r.tx.type)));
    const bloom = new Uint8Array(256);
    for (const r of results) for (let j = 0; j < 256; j++) bloom[j]! |= r.res.bloom.bitvector[j]!;
    // The executed transaction objects go into the block as they are: `createBlock` would rebuild each one from its
    // fields (a copy of the Common and a parameter merge per transaction, about 8% of a block of transfers).
    const sealedHeader = createBlockHeader(
      {
        ...header,
        stateRoot,
        transactionsTrie: await orderedTrieRoot(included.map((tx) => tx.serialize())),
        receiptTrie: receiptsRoot,
        logsBloom: bloom,
        gasUsed: blockGas,
      },
      { common },
    );
    const block = new Block(sealedHeader, included, [], undefined, { common });
    const hash = bytesToHex(block.hash());
    const receipts: Receipt[] = results.map((r, index) => toReceipt(r.tx, r.sender, r.res, index, input.number, hash, baseFee));
    const head: Head = { number: input.number, hash, stateRoot: bytesToHex(stateRoot), timestamp: input.timestamp, cursor: input.cursor ?? null };
    await this.#store.writeBlock({ head, blockRlp: block.serialize(), receipts, txHashes: receipts.map((r) => r.txHash) });
    this.#parent = block;
    this.#head = head;
    this.#hashes.remember(input.number, block.hash());
    this.stats.blocksApplied++;
    this.stats.txsExecuted += included.length;
    return { number: input.number, hash, stateRoot: head.stateRoot, gasUsed: blockGas, receipts, rejected, systemCalls };
  }

  /**
   * Runs a deposit as a system call inside the block's checkpoint, with the same per-call journal hygiene as a
   * transaction (warm sets cleared before and after, touched empty accounts removed). The caller's nonce is left alone.
   */
  async #depositCall(index: number, item: DepositItem, block: Block): Promise<SystemCallResult> {
    const evm = this.#vm.evm;
    await evm.journal.cleanup();
    try {
      const res = await evm.runCall({
        caller: SYSTEM,
        origin: SYSTEM,
        to: BRIDGE,
        data: depositCalldata(item),
        gasLimit: DEPOSIT_CALL_GAS,
        gasPrice: 0n,
        value: 0n,
        block,
        skipNonceIncrement: true,
      });
      const err = res.execResult.exceptionError;
      const logs = (res.execResult.logs ?? []).map(([address, topics, data]) => ({ address: bytesToHex(address), topics: topics.map((t) => bytesToHex(t)), data: bytesToHex(data) }));
      return { index, messageIndex: item.messageIndex, success: err === undefined, gasUsed: res.execResult.executionGasUsed, logs: err === undefined ? logs : [], ...(err === undefined ? {} : { error: err.error }) };
    } finally {
      evm.journal.cleanJournal();
      this.#sm.originalStorageCache.clear();
      await evm.journal.cleanup();
    }
  }

  /** Runs a call against the head state (no state change). */
  call(req: CallRequest): Promise<CallResult> {
    return this.#lock.run(async () => {
      this.#assertOpen();
      const res = await this.#simulate(req, req.gas ?? this.genesis.gasLimit);
      return res;
    });
  }

  /**
   * The smallest gas limit with which `req` succeeds against the head state (binary search over simulated
   * runs, so refunds and the 63/64 rule are accounted for). Throws {@link EngineError} if it fails even
   * with the block gas limit.
   */
  estimateGas(req: CallRequest): Promise<bigint> {
    return this.#lock.run(async () => {
      this.#assertOpen();
      const cap = req.gas ?? this.genesis.gasLimit;
      const first = await this.#simulate(req, cap);
      if (!first.success) throw new EngineError(`estimateGas: execution fails with ${cap} gas: ${first.error ?? "unknown"}`);
      let lo = first.gasUsed - 1n;
      let hi = cap;
      while (hi - lo > 1n) {
        const mid = (lo + hi) / 2n;
        const r = await this.#simulate(req, mid);
        if (r.success) hi = mid;
        else lo = mid;
      }
      return hi;
    });
  }

  async #simulate(req: CallRequest, gasLimit: bigint): Promise<CallResult> {
    const from = req.from === undefined ? createZeroAddress() : createAddressFromString(req.from);
    const data = req.data === undefined ? new Uint8Array() : typeof req.data === "string" ? hexToBytes(req.data as Hex) : req.data;
    const parent = this.#parent;
    const block = createBlock(
      { header: { parentHash: parent.hash(), number: parent.header.number + 1n, timestamp: parent.header.timestamp + 1n, coinbase: this.#coinbase, gasLimit: this.genesis.gasLimit, baseFeePerGas: parent.header.calcNextBaseFee() } },
      { common: this.common },
    );
    const baseFee = block.header.baseFeePerGas ?? 0n;
    const tx = createTx(
      { type: TransactionType.FeeMarketEIP1559, to: req.to === undefined ? undefined : createAddressFromString(req.to), data, value: req.value ?? 0n, gasLimit, maxFeePerGas: baseFee, maxPriorityFeePerGas: 0n, nonce: 0n },
      { common: this.common, freeze: false },
    );
    // Impersonate the caller: an unsigned tx whose sender is given (this is why the tx is not frozen).
    tx.getSenderAddress = () => from;
    await this.#sm.checkpoint();
    try {
      const res = await runTx(this.#vm, { tx, block, skipNonce: true, skipBalance: true, skipBlockGasLimitValidation: true, skipHardForkValidation: true });
      const err = res.execResult.exceptionError;
      return { success: err === undefined, returnData: bytesToHex(res.execResult.returnValue), gasUsed: res.totalGasSpent, ...(err === undefined ? {} : { error: err.error }) };
    } catch (e) {
      return { success: false, returnData: "0x", gasUsed: 0n, error: reasonOf(e) };
    } finally {
      await this.#sm.revert();
    }
  }

  /** Nonce and balance at the head, in one read (zero for an account that does not exist). */
  getAccountState(address: string): Promise<{ nonce: bigint; balance: bigint }> {
    return this.#lock.run(async () => {
      const a = await this.#sm.getAccount(createAddressFromString(address));
      return { nonce: a?.nonce ?? 0n, balance: a?.balance ?? 0n };
    });
  }

  /** Balance at the head. */
  getBalance(address: string): Promise<bigint> {
    return this.#lock.run(async () => (await this.#sm.getAccount(createAddressFromString(address)))?.balance ?? 0n);
  }

  /** Nonce at the head. */
  getNonce(address: string): Promise<bigint> {
    return this.#lock.run(async () => (await this.#sm.getAccount(createAddressFromString(address)))?.nonce ?? 0n);
  }

  /** Runtime code at the head, 0x-hex. */
  getCode(address: string): Promise<string> {
    return this.#lock.run(async () => bytesToHex(await this.#sm.getCode(createAddressFromString(address))));
  }

  /** Storage word at the head, as a 32-byte 0x-hex string. */
  getStorageAt(address: string, slot: bigint): Promise<string> {
    return this.#lock.run(async () => {
      const addr = createAddressFromString(address);
      const v = (await this.#sm.getAccount(addr)) === undefined ? new Uint8Array() : await this.#sm.getStorage(addr, setLengthLeft(bigIntToUnpaddedBytes(slot), 32));
      return bytesToHex(setLengthLeft(v, 32));
    });
  }

  /** Closes the database. Pending operations finish first. Idempotent. */
  close(): Promise<void> {
    return this.#lock.run(async () => {
      if (this.#closed) return;
      this.#closed = true;
      await this.#db.close();
    });
  }

  #assertOpen(): void {
    if (this.#closed) throw new EngineError("engine is closed");
  }
}

/** Writes the genesis allocation into the (empty) state and returns the genesis block. */
async function initGenesis(sm: MerkleStateManager, common: Common, g: GenesisConfig): Promise<Block> {
  await sm.checkpoint();
  for (const [addrHex, acct] of Object.entries(g.alloc)) {
    const addr = createAddressFromString(addrHex);
    await sm.putAccount(addr, createAccount({ nonce: toBigInt(acct.nonce), balance: toBigInt(acct.balance) }));
    if (acct.code !== undefined && acct.code !== "0x") await sm.putCode(addr, hexToBytes(acct.code as Hex));
    for (const [slot, value] of Object.entries(acct.storage ?? {})) {
      const v = toBigInt(value);
      if (v !== 0n) await sm.putStorage(addr, setLengthLeft(bigIntToUnpaddedBytes(BigInt(slot)), 32), bigIntToUnpaddedBytes(v));
    }
  }
  await sm.flush();
  await sm.commit();
  const stateRoot = await sm.getStateRoot();
  return createBlock(
    { header: { number: 0n, timestamp: g.timestamp, gasLimit: g.gasLimit, baseFeePerGas: g.baseFeePerGas, coinbase: createAddressFromString(g.coinbase), stateRoot } },
    { common },
  );
}

function toReceipt(tx: TypedTransaction, sender: Address, res: RunTxResult, index: number, blockNumber: bigint, blockHash: string, baseFee: bigint): Receipt {
  const status = "status" in res.receipt ? res.receipt.status : 1;
  return {
    txHash: bytesToHex(tx.hash()),
    blockNumber,
    blockHash,
    index,
    type: tx.type,
    from: sender.toString(),
    to: tx.to === undefined ? null : tx.to.toString(),
    contractAddress: res.createdAddress === undefined ? null : res.createdAddress.toString(),
    status,
    gasUsed: res.totalGasSpent,
    cumulativeGasUsed: res.receipt.cumulativeBlockGasUsed,
    effectiveGasPrice: tx.getEffectivePriorityFee(baseFee) + baseFee,
    logs: res.receipt.logs.map(([address, topics, data]) => ({ address: bytesToHex(address), topics: topics.map((t) => bytesToHex(t)), data: bytesToHex(data) })),
  };
}

