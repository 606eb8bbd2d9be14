/**
 * The L2 JSON-RPC: plain ethers v6 and viem work unchanged against it; every admission refusal has its code and
 * message; only the listed methods are served; params, batches and HTTP limits; concurrent clients.
 */
import { expect } from "chai";
import { ContractFactory, JsonRpcProvider, Wallet, Contract, Transaction, toBeHex, type TransactionReceipt } from "ethers";
import { createPublicClient, createWalletClient, defineChain, http, parseAbi, type Hex } from "viem";
import { privateKeyToAccount } from "viem/accounts";

import { RpcErrorCode, RpcServer } from "@sovereign-stack/node";

import { hre } from "../../scripts/lib/network.ts";
import { cleanupDirs } from "./helpers.ts";
import { allChainTxHashes, openNode, signTx, type TestNode } from "./node-harness.ts";
import { CHAIN_ID, GAS_LIMIT, makeGenesis, testKeys } from "./workload.ts";

const keys = testKeys(16);
const pauper = testKeys(1, 5000)[0]!;
const genesis = makeGenesis(keys);

interface RpcReply {
  result?: unknown;
  error?: { code: number; message: string; data?: unknown };
  id?: unknown;
}

async function post(url: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(url, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: typeof body === "string" ? body : JSON.stringify(body) });
}
async function call(url: string, method: string, params: unknown[] = []): Promise<RpcReply> {
  return (await (await post(url, { jsonrpc: "2.0", id: 1, method, params })).json()) as RpcReply;
}
async function ok<T = unknown>(url: string, method: string, params: unknown[] = []): Promise<T> {
  const r = await call(url, method, params);
  if (r.error !== undefined) throw new Error(`${method}: ${r.error.code} ${r.error.message}`);
  return r.result as T;
}

describe("chain JSON-RPC", function () {
  this.timeout(180_000);
  let node: TestNode;
  let bytecode: string;
  let abi: readonly unknown[];
  before(async () => {
    const art = await hre.artifacts.readArtifact("TestToken");
    bytecode = art.bytecode;
    abi = art.abi;
    node = await openNode({ genesis, rpc: true, start: true, sealIntervalMs: 100 });
  });
  after(async () => {
    await node.close();
    cleanupDirs();
  });

  it("works with plain ethers v6: deploy, transfers, balances, receipts, logs, blocks, fee history, reverts", async () => {
    const provider = new JsonRpcProvider(node.url, CHAIN_ID, { staticNetwork: true, cacheTimeout: -1, pollingInterval: 50 });
    const alice = new Wallet(keys[0]!.privateKey, provider);
    const bob = keys[1]!.address;
    expect((await provider.getNetwork()).chainId).to.equal(BigInt(CHAIN_ID));

    const factory = new ContractFactory(abi as never, bytecode, alice);
    const token = (await factory.deploy("Test", "TST")) as Contract;
    await token.waitForDeployment();
    const tokenAddress = await token.getAddress();
    expect(await provider.getCode(tokenAddress)).to.have.length.greaterThan(100);

    await (await token.getFunction("mint")(alice.address, 1000n)).wait();
    const r = (await (await token.getFunction("transfer")(bob, 250n)).wait()) as TransactionReceipt;
    expect(r.status).to.equal(1);
    expect(await token.getFunction("balanceOf")(bob)).to.equal(250n);
    expect(await token.getFunction("balanceOf")(alice.address)).to.equal(750n);
    const events = await token.queryFilter(token.filters["Transfer"]!(alice.address, bob), 0, "latest");
    expect(events).to.have.length(1);
    expect(events[0]!.transactionHash).to.equal(r.hash);
    expect((await provider.getTransactionReceipt(r.hash))!.logs[0]!.index).to.equal(0);

    // ETH transfers, with sequential nonces straight from eth_getTransactionCount("pending").
    const before = await provider.getBalance(bob);
    const sent = [];
    for (let i = 0; i < 3; i++) sent.push(await alice.sendTransaction({ to: bob, value: 1000n + BigInt(i) }));
    const receipts = await Promise.all(sent.map((t) => t.wait()));
    expect(await provider.getBalance(bob)).to.equal(before + 3003n);
    const tx = await provider.getTransaction(sent[2]!.hash);
    expect(tx!.blockNumber).to.equal(receipts[2]!.blockNumber);
    expect(tx!.from).to.equal(alice.address);

    const block = await provider.getBlock(receipts[0]!.blockNumber, true);
    expect(block!.prefetchedTransactions.map((t) => t.hash)).to.include(sent[0]!.hash);
    const byHash = await provider.getBlock(block!.hash!);
    expect(byHash!.number).to.equal(block!.number);
    expect(byHash!.transactions).to.include(sent[0]!.hash);
    const fees = await provider.getFeeData();
    expect(fees.maxFeePerGas).to.be.a("bigint");
    const fh = await provider.send("eth_feeHistory", ["0x4", "latest", [25, 75]]);
    expect(fh.baseFeePerGas).to.have.length(5);
    expect(fh.reward).to.have.length(4);

    // A revert: ethers decodes the custom error's data from the -32000-family code 3 answer.
    const err = await token.getFunction("transfer").staticCall(bob, 10n ** 30n).catch((e: unknown) => e as { code: string; data: string });
    expect((err as { code: string }).code).to.equal("CALL_EXCEPTION");
    expect((err as { data: string }).data.slice(0, 10)).to.equal("0xe450d38c"); // ERC20InsufficientBalance
    provider.destroy();
  });

  it("works with viem: send, wait, read a contract, logs, blocks with transactions, fee history, estimateGas", async () => {
    const chain = defineChain({ id: CHAIN_ID, name: "sovereign-test", nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 }, rpcUrls: { default: { http: [node.url] } } });
    const pub = createPublicClient({ chain, transport: http(node.url), pollingInterval: 50 });
    const account = privateKeyToAccount(keys[2]!.privateKey as Hex);
    const wallet = createWalletClient({ chain, transport: http(node.url), account });
    expect(await pub.getChainId()).to.equal(CHAIN_ID);
    const deploy = await wallet.deployContract({ abi: abi as never, bytecode: bytecode as Hex, args: ["V", "V"] });
    const dr = await pub.waitForTransactionReceipt({ hash: deploy, pollingInterval: 50 });
    const token = dr.contractAddress!;
    const erc20 = parseAbi(["function mint(address,uint256)", "function transfer(address,uint256) returns (bool)", "function balanceOf(address) view returns (uint256)", "event Transfer(address indexed from, address indexed to, uint256 value)"]);
    await pub.waitForTransactionReceipt({ hash: await wallet.writeContract({ address: token, abi: erc20, functionName: "mint", args: [account.address, 500n] }), pollingInterval: 50 });
    const h = await wallet.writeContract({ address: token, abi: erc20, functionName: "transfer", args: [keys[3]!.address as Hex, 123n] });
    const rc = await pub.waitForTransactionReceipt({ hash: h, pollingInterval: 50 });
    expect(rc.status).to.equal("success");
    expect(await pub.readContract({ address: token, abi: erc20, functionName: "balanceOf", args: [keys[3]!.address as Hex] })).to.equal(123n);
    const logs = await pub.getLogs({ address: token, event: erc20[3], args: { to: keys[3]!.address as Hex }, fromBlock: 0n, toBlock: "latest" });
    expect(logs).to.have.length(1);
    expect(logs[0]!.args.value).to.equal(123n);

    const ethHash = await wallet.sendTransaction({ to: keys[4]!.address as Hex, value: 42n });
    const er = await pub.waitForTransactionReceipt({ hash: ethHash, pollingInterval: 50 });
    const blk = await pub.getBlock({ blockNumber: er.blockNumber, includeTransactions: true });
    expect(blk.transactions.map((t) => t.hash)).to.include(ethHash);
    expect((await pub.getTransaction({ hash: ethHash })).value).to.equal(42n);
    const fh = await pub.getFeeHistory({ blockCount: 3, rewardPercentiles: [50] });
    expect(fh.baseFeePerGas).to.have.length(4);
    expect(await pub.estimateGas({ account: account.address, to: keys[4]!.address as Hex, value: 1n })).to.equal(21000n);
    expect(await pub.getTransactionCount({ address: account.address, blockTag: "pending" })).to.equal(4);
  });

  it("several concurrent clients: every acknowledged hash is in the chain exactly once", async () => {
    const senders = keys.slice(8, 16);
    const acked: string[] = [];
    await Promise.all(
      senders.map(async (k, c) => {
        let nonce = Number(BigInt(await ok<string>(node.url, "eth_getTransactionCount", [k.address, "pending"])));
        for (let i = 0; i < 20; i++) {
          const t = signTx(k, { nonce: nonce++, to: keys[(c + 1) % 8]!.address, value: BigInt(i + 1) });
          acked.push(await ok<string>(node.url, "eth_sendRawTransaction", [t.hex]));
        }
      }),
    );
    while (node.seq.pendingCount > 0) await new Promise((r) => setTimeout(r, 50));
    const chain = await allChainTxHashes(node);
    for (const h of acked) expect(chain.filter((x) => x === h), h).to.have.length(1);
    expect(new Set(chain).size, "no hash twice anywhere").to.equal(chain.length);
  });

  describe("admission refusals", () => {
    let quiet: TestNode; // never seals: pending state stays as the test makes it
    before(async () => {
      quiet = await openNode({ genesis, rpc: true, limits: { maxPendingPerSender: 3 } });
    });
    after(async () => quiet.close());
    const refusal = async (hex: string): Promise<{ code: number; message: string }> => {
      const r = await call(quiet.url, "eth_sendRawTransaction", [hex]);
      expect(r.error, `expected a refusal, got ${JSON.stringify(r.result)}`).to.not.equal(undefined);
      return r.error!;
    };
    const k = keys[5]!;

    it("answers each refusal with its code and geth's message", async () => {
      const first = signTx(k, { nonce: 0 });
      expect(await ok(quiet.url, "eth_sendRawTransaction", [first.hex])).to.equal(first.hash);
      const cases: [string, string, number, RegExp][] = [
        ["already known", first.hex, RpcErrorCode.Server, /^already known/],
        ["replacement", signTx(k, { nonce: 0, value: 99n }).hex, RpcErrorCode.Server, /^replacement transaction underpriced/],
        ["nonce too high", signTx(k, { nonce: 5 }).hex, RpcErrorCode.Server, /^nonce too high/],
        ["insufficient funds", signTx(pauper, { nonce: 0 }).hex, RpcErrorCode.Server, /^insufficient funds for gas \* price \+ value/],
        ["intrinsic gas", signTx(k, { nonce: 1, gasLimit: 20_999n }).hex, RpcErrorCode.Server, /^intrinsic gas too low/],
        ["block gas limit", signTx(k, { nonce: 1, gasLimit: GAS_LIMIT + 1n }).hex, RpcErrorCode.Server, /^exceeds block gas limit/],
        ["chain id", signTx(k, { nonce: 1, chainId: 1 }).hex, RpcErrorCode.Server, /^invalid chain id for signer: have 1 want 31337/],
        ["oversized", signTx(k, { nonce: 1, data: "0x" + "01".repeat(130 * 1024), gasLimit: 29_000_000n }).hex, RpcErrorCode.Server, /^oversized data/],
        ["fee cap", signTx(k, { nonce: 1, maxFeePerGas: 1n, maxPriorityFeePerGas: 1n }).hex, RpcErrorCode.Server, /^max fee per gas less than block base fee/],
        ["blob type", "0x03" + signTx(k, { nonce: 1 }).hex.slice(4), RpcErrorCode.Server, /^transaction type not supported: type 3/],
        ["set-code type", "0x04" + signTx(k, { nonce: 1 }).hex.slice(4), RpcErrorCode.Server, /^transaction type not supported: type 4/],
        ["deposit envelope", "0x7e" + signTx(k, { nonce: 1 }).hex.slice(4), RpcErrorCode.Server, /^transaction type not supported: type 126/],
        ["unprotected legacy", unprotectedLegacy(k), RpcErrorCode.Server, /^only replay-protected \(EIP-155\)/],
        ["bad signature", withBadS(signTx(k, { nonce: 1 }).hex), RpcErrorCode.Server, /^invalid sender/],
        ["not hex", "0xzz", RpcErrorCode.InvalidParams, /^invalid params: rawTransaction: expected 0x-prefixed hex bytes/],
        ["odd hex digits", signTx(k, { nonce: 1 }).hex + "0", RpcErrorCode.InvalidParams, /^invalid params: rawTransaction: expected 0x-prefixed hex bytes/],
        ["no 0x", signTx(k, { nonce: 1 }).hex.slice(2), RpcErrorCode.InvalidParams, /^invalid params: rawTransaction: expected 0x-prefixed hex bytes/],
        ["not a transaction", "0x02c0", RpcErrorCode.InvalidParams, /^invalid params: rawTransaction/],
      ];
      for (const [label, hex, code, msg] of cases) {
        const e = await refusal(hex);
        expect(e.code, label).to.equal(code);
        expect(e.message, label).to.match(msg);
      }
      expect(quiet.seq.pendingCount, "only the first was admitted").to.equal(1);
    });

    it("refuses a nonce below the state nonce, and caps pending transactions per sender", async () => {
      const s = keys[6]!;
      for (let i = 0; i < 3; i++) await ok(quiet.url, "eth_sendRawTransaction", [signTx(s, { nonce: i }).hex]);
      const cap = await refusal(signTx(s, { nonce: 3 }).hex);
      expect(cap.message).to.match(/^account limit exceeded/);
      await quiet.seq.sealNow(); // the three are executed: state nonce 3, pool empty
      const low = await refusal(signTx(s, { nonce: 1 }).hex);
      expect(low.code).to.equal(RpcErrorCode.Server);
      expect(low.message).to.match(/^nonce too low: address .* tx: 1 state: 3/);
      expect(await ok(quiet.url, "eth_getTransactionCount", [s.address, "pending"])).to.equal("0x3");
      await ok(quiet.url, "eth_sendRawTransaction", [signTx(s, { nonce: 3 }).hex]);
      expect(await ok(quiet.url, "eth_getTransactionCount", [s.address, "pending"])).to.equal("0x4");
      expect(await ok(quiet.url, "eth_getTransactionCount", [s.address, "latest"])).to.equal("0x3");
      // The balance covers the max cost of every pending transaction, not just this one.
      const rich = keys[7]!;
      const bal = BigInt(await ok<string>(quiet.url, "eth_getBalance", [rich.address, "latest"]));
      const fee = 21_000n * 10n ** 10n;
      await ok(quiet.url, "eth_sendRawTransaction", [signTx(rich, { nonce: 0, value: bal - 2n * fee }).hex]);
      const over = await refusal(signTx(rich, { nonce: 1, value: 1n }).hex);
      expect(over.message).to.match(/^insufficient funds for gas \* price \+ value/);
    });
  });

  describe("methods and protocol", () => {
    it("serves only the listed methods: hardhat_*, evm_*, debug_*, eth_sendTransaction, eth_accounts are -32601", async () => {
      for (const m of ["hardhat_setBalance", "hardhat_mine", "evm_mine", "evm_setNextBlockTimestamp", "debug_traceTransaction", "eth_sendTransaction", "eth_accounts", "eth_sign", "personal_sign", "eth_subscribe", "txpool_content"]) {
        const r = await call(node.url, m, []);
        expect(r.error?.code, m).to.equal(RpcErrorCode.MethodNotFound);
        expect(r.error?.message, m).to.include(m);
      }
    });

    it("names the malformed param with -32602", async () => {
      const cases: [string, unknown[], RegExp][] = [
        ["eth_getBalance", ["0x1234"], /invalid params: address: expected a 20-byte/],
        ["eth_getBalance", [keys[0]!.address, "newest"], /invalid params: block: expected a block tag/],
        ["eth_getBlockByNumber", ["0x1", "yes"], /invalid params: fullTransactions: expected true or false/],
        ["eth_getTransactionReceipt", ["0x12"], /invalid params: transactionHash: expected a 32-byte/],
        ["eth_call", [{ to: keys[0]!.address, value: "12" }], /invalid params: transaction.value: expected a 0x-prefixed hex quantity/],
        ["eth_getLogs", [{ topics: ["0x01"] }], /invalid params: filter.topics\[0\]/],
        ["eth_feeHistory", ["0x0", "latest"], /invalid params: blockCount: must be between 1 and 1024/],
        ["eth_feeHistory", ["0x2", "latest", [50, 10]], /invalid params: rewardPercentiles: must be in ascending order/],
        ["eth_blockNumber", [1], /invalid params: params\[0\]: unexpected/],
        ["eth_getCode", [], /invalid params: params\[0\]: missing/],
      ];
      for (const [m, p, msg] of cases) {
        const r = await call(node.url, m, p);
        expect(r.error?.code, `${m} ${JSON.stringify(p)}`).to.equal(RpcErrorCode.InvalidParams);
        expect(r.error?.message, m).to.match(msg);
      }
    });

    it("resolves block tags, refuses historical state, caps the log range, and returns null for unknown blocks", async () => {
      const head = BigInt(await ok<string>(node.url, "eth_blockNumber"));
      expect(head > 2n).to.equal(true);
      const latest = await ok<{ hash: string; number: string }>(node.url, "eth_getBlockByNumber", ["latest", false]);
      for (const tag of ["pending", "safe", "finalized"]) expect((await ok<{ hash: string }>(node.url, "eth_getBlockByNumber", [tag, false])).hash.length).to.equal(66);
      expect((await ok<{ number: string }>(node.url, "eth_getBlockByNumber", ["earliest", false])).number).to.equal("0x0");
      expect(await ok(node.url, "eth_getBlockByNumber", ["0xffffff", false])).to.equal(null);
      expect(await ok(node.url, "eth_getBlockByHash", ["0x" + "ab".repeat(32), false])).to.equal(null);
      const a = keys[0]!.address;
      const block1 = await ok<{ hash: string }>(node.url, "eth_getBlockByNumber", ["0x1", false]);
      expect((await call(node.url, "eth_getBalance", [a, { blockHash: block1.hash }])).error?.message).to.match(/historical state is not available/);
      expect((await call(node.url, "eth_getBalance", [a, { blockHash: "0x" + "ee".repeat(32) }])).error?.message).to.match(/unknown block/);
      expect(BigInt(latest.number) >= head).to.equal(true);
      const old = await call(node.url, "eth_getBalance", [a, "0x1"]);
      expect(old.error?.code).to.equal(RpcErrorCode.Server);
      expect(old.error?.message).to.match(/historical state is not available/);
      const range = await call(node.url, "eth_getLogs", [{ fromBlock: "0x0", toBlock: "0x100000" }]);
      expect(range.error?.code).to.equal(RpcErrorCode.LimitExceeded);
      expect(await ok(node.url, "eth_getTransactionReceipt", ["0x" + "cd".repeat(32)])).to.equal(null);
      expect(await ok(node.url, "net_version")).to.equal(String(CHAIN_ID));
      expect(await ok(node.url, "web3_clientVersion")).to.match(/^sovereign-node\//);
      expect(await ok(node.url, "eth_getStorageAt", [a, "0x0", "latest"])).to.equal("0x" + "00".repeat(32));
    });

    it("answers batches in order, parse errors, oversized bodies, non-POST; sends no CORS headers by default", async () => {
      const res = await post(node.url, [
        { jsonrpc: "2.0", id: 1, method: "eth_chainId", params: [] },
        { jsonrpc: "2.0", id: "two", method: "evm_mine", params: [] },
        { jsonrpc: "2.0", method: "eth_blockNumber", params: [] }, // a notification: no answer
        { jsonrpc: "2.0", id: 3, method: "eth_getBalance", params: ["0x00"] },
        42,
      ]);
      const out = (await res.json()) as RpcReply[];
      expect(out.map((r) => r.id)).to.deep.equal([1, "two", 3, null]);
      expect(out[0]!.result).to.equal(toBeHex(CHAIN_ID));
      expect(out[1]!.error!.code).to.equal(RpcErrorCode.MethodNotFound);
      expect(out[2]!.error!.code).to.equal(RpcErrorCode.InvalidParams);
      expect(out[3]!.error!.code).to.equal(RpcErrorCode.InvalidRequest);
      expect(res.headers.get("access-control-allow-origin")).to.equal(null);

      const parse = (await (await post(node.url, "{not json")).json()) as RpcReply;
      expect(parse.error!.code).to.equal(RpcErrorCode.ParseError);
      const big = await post(node.url, { jsonrpc: "2.0", id: 1, method: "eth_sendRawTransaction", params: ["0x" + "00".repeat(6 * 1024 * 1024)] });
      expect(big.status).to.equal(413);
      expect(((await big.json()) as RpcReply).error!.code).to.equal(RpcErrorCode.InvalidRequest);
      // The same without a content-length (chunked): refused once the body read so far passes the limit.
      const chunk = "0".repeat(1024 * 1024);
      const stream = new ReadableStream<Uint8Array>({
        start(c) {
          c.enqueue(new TextEncoder().encode('{"jsonrpc":"2.0","id":1,"method":"eth_sendRawTransaction","params":["0x'));
          for (let i = 0; i < 6; i++) c.enqueue(new TextEncoder().encode(chunk));
          c.enqueue(new TextEncoder().encode('"]}'));
          c.close();
        },
      });
      const chunked = await fetch(node.url, { method: "POST", headers: { "content-type": "application/json" }, body: stream, duplex: "half" } as RequestInit);
      expect(chunked.status).to.equal(413);
      expect(((await chunked.json()) as RpcReply).error!.message).to.match(/body larger than/);
      const get = await fetch(node.url);
      expect(get.status).to.equal(405);
      const empty = (await (await post(node.url, [])).json()) as RpcReply;
      expect(empty.error!.code).to.equal(RpcErrorCode.InvalidRequest);
      const preflight = await fetch(node.url, { method: "OPTIONS", headers: { origin: "https://wallet.example" } });
      expect(preflight.status, "no CORS preflight by default").to.equal(405);
    });

    it("answers CORS only for the configured origin", async () => {
      const server = await RpcServer.listen({ sequencer: node.seq, port: 0, corsOrigin: "https://wallet.example" });
      try {
        const preflight = await fetch(server.url, { method: "OPTIONS", headers: { origin: "https://wallet.example", "access-control-request-method": "POST" } });
        expect(preflight.status).to.equal(204);
        expect(preflight.headers.get("access-control-allow-origin")).to.equal("https://wallet.example");
        expect(preflight.headers.get("access-control-allow-methods")).to.equal("POST");
        const r = await post(server.url, { jsonrpc: "2.0", id: 1, method: "eth_chainId", params: [] });
        expect(r.headers.get("access-control-allow-origin")).to.equal("https://wallet.example");
      } finally {
        await server.close();
      }
    });
  });
});

/** A legacy transaction signed without EIP-155 (v = 27/28): replayable on any chain. */
function unprotectedLegacy(w: Wallet): string {
  const tx = Transaction.from({ type: 0, nonce: 1, to: w.address, value: 1n, gasLimit: 21_000n, gasPrice: 10n ** 10n });
  tx.signature = w.signingKey.sign(tx.unsignedHash);
  return tx.serialized;
}

/** A type-2 transaction with s replaced by n - s (high s: invalid since EIP-2). */
function withBadS(hex: string): string {
  const n = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;
  const s = BigInt(Transaction.from(hex).signature!.s);
  // ethers refuses to build a high-s signature, so swap the 32 bytes of s in the encoding (both are 32 bytes long
  // unless s has a leading zero byte, which the fixed test keys and nonce 1 avoid).
  const body = hex.slice(4);
  const sHex = toBeHex(s, 32).slice(2);
  if (!body.endsWith(sHex)) throw new Error("test setup: s is not 32 bytes long");
  return "0x02" + body.slice(0, -64) + toBeHex(n - s, 32).slice(2);
}
