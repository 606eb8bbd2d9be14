import { expect } from "chai";
import type { Contract } from "ethers";
import { ExitTree, DEFAULT_SLA, refundableDeposits, refundDeposit, type Address, type Hex } from "@sovereign-stack/sdk";

import { deployRollup, type Rollup } from "./fixture.ts";

describe("RollupVault: deposits, withdrawals and the escape hatch", () => {
  let r: Rollup;
  let token: Contract;
  let tokenAddr: string;
  const A = 1000n;

  beforeEach(async () => {
    r = await deployRollup();
    token = (await r.net.ethers.deployContract("TestToken", ["T", "T"]));
    tokenAddr = await token.getAddress();
    const vault = await r.stack.contracts.RollupVault.getAddress();
    for (const s of [r.citizen, r.stranger]) {
      await (await (token.connect(s) as typeof token).getFunction("mint")(s.address, 10_000n)).wait();
      await (await (token.connect(s) as typeof token).getFunction("approve")(vault, 10_000n)).wait();
    }
  });

  async function finalizeRoot(exitRoot: string) {
    const b = await r.postBatch();
    await r.commit(b, { exitRoot });
    await r.increaseTime(DEFAULT_SLA.finalityDelay + 1n);
    return (await r.stack.contracts.StateCommitment.count()) - 1n;
  }

  async function enterExit() {
    const { payload, sigs } = await r.exitSignatures(6);
    await (await r.stack.contracts.ExitController.triggerExit(payload.reason, payload.nonce, payload.deadline, sigs)).wait();
  }

  it("turns an ERC-20 deposit into a delayed message", async () => {
    const vault = r.stack.contracts.RollupVault.connect(r.citizen);
    await expect(vault.deposit(tokenAddr, A, r.citizen.address)).to.emit(vault, "Deposited").withArgs(tokenAddr, r.citizen.address, r.citizen.address, A, 0n);
    expect(await r.stack.contracts.DelayedInbox.count()).to.equal(1n);
    expect(await vault.totalDeposited(tokenAddr)).to.equal(A);
    await expect(vault.deposit(tokenAddr, 0n, r.citizen.address)).to.be.revertedWithCustomError(vault, "ZeroAmount");
  });

  it("rejects fee-on-transfer tokens", async () => {
    const fee = await r.net.ethers.deployContract("FeeOnTransferToken");
    await (await fee.getFunction("mint")(r.citizen.address, 10_000n)).wait();
    await (await (fee.connect(r.citizen) as typeof fee).getFunction("approve")(await r.stack.contracts.RollupVault.getAddress(), 10_000n)).wait();
    const vault = r.stack.contracts.RollupVault.connect(r.citizen);
    await expect(vault.deposit(await fee.getAddress(), 1000n, r.citizen.address)).to.be.revertedWithCustomError(vault, "UnsupportedToken").withArgs(await fee.getAddress(), 1000n, 990n);
  });

  it("pays a withdrawal proven against a finalized root, once", async () => {
    const vault = r.stack.contracts.RollupVault;
    await (await vault.connect(r.citizen).deposit(tokenAddr, A, r.citizen.address)).wait();
    const id: Hex = `0x${"0a".repeat(32)}`;
    const tree = new ExitTree([{ account: r.stranger.address as Address, token: tokenAddr as Address, amount: 1n }], [{ withdrawalId: id, account: r.citizen.address as Address, token: tokenAddr as Address, amount: 400n }]);
    const b = await r.postBatch();
    await r.commit(b, { exitRoot: tree.root });
    await expect(vault.withdraw(0, id, r.citizen.address, tokenAddr, 400n, tree.withdrawalProof(id))).to.be.revertedWithCustomError(vault, "CommitmentNotFinal");
    await r.increaseTime(DEFAULT_SLA.finalityDelay + 1n);
    await expect(vault.withdraw(0, id, r.citizen.address, tokenAddr, 401n, tree.withdrawalProof(id))).to.be.revertedWithCustomError(vault, "InvalidProof");
    await expect(vault.connect(r.stranger).withdraw(0, id, r.citizen.address, tokenAddr, 400n, tree.withdrawalProof(id))).to.emit(vault, "WithdrawalPaid");
    expect(await token.getFunction("balanceOf")(r.citizen.address)).to.equal(10_000n - A + 400n);
    await expect(vault.withdraw(0, id, r.citizen.address, tokenAddr, 400n, tree.withdrawalProof(id))).to.be.revertedWithCustomError(vault, "AlreadyPaid");
    // an escape leaf is not a withdrawal
    await expect(vault.escape(r.stranger.address, tokenAddr, 1n, tree.escapeProof(r.stranger.address, tokenAddr))).to.be.revertedWithCustomError(vault, "NotInExit");
  });

  it("escape hatch: in exit mode, pays each proven (account, token, amount) exactly once", async () => {
    const vault = r.stack.contracts.RollupVault;
    await (await vault.connect(r.citizen).deposit(tokenAddr, A, r.citizen.address)).wait();
    await (await vault.connect(r.stranger).deposit(tokenAddr, A, r.stranger.address)).wait();
    const tree = new ExitTree([
      { account: r.citizen.address as Address, token: tokenAddr as Address, amount: 700n },
      { account: r.stranger.address as Address, token: tokenAddr as Address, amount: 1300n },
    ]);
    await finalizeRoot(tree.root);
    const proof = tree.escapeProof(r.citizen.address, tokenAddr);
    await expect(vault.escape(r.citizen.address, tokenAddr, 700n, proof)).to.be.revertedWithCustomError(vault, "NotInExit");
    await enterExit();
    await expect(vault.escape(r.citizen.address, tokenAddr, 701n, proof)).to.be.revertedWithCustomError(vault, "InvalidProof");
    await expect(vault.connect(r.stranger).escape(r.citizen.address, tokenAddr, 700n, proof)).to.emit(vault, "EscapePaid").withArgs(r.citizen.address, tokenAddr, 700n, 0n);
    await expect(vault.escape(r.citizen.address, tokenAddr, 700n, proof)).to.be.revertedWithCustomError(vault, "AlreadyPaid");
    await (await vault.escape(r.stranger.address, tokenAddr, 1300n, tree.escapeProof(r.stranger.address, tokenAddr))).wait();
    expect(await vault.totalPaidOut(tokenAddr)).to.equal(2000n);
    expect(await token.getFunction("balanceOf")(await vault.getAddress())).to.equal(0n);
  });

  it("uses the last commitment final before the exit; later pending ones never count", async () => {
    const vault = r.stack.contracts.RollupVault;
    await (await vault.connect(r.citizen).deposit(tokenAddr, A, r.citizen.address)).wait();
    const t1 = new ExitTree([{ account: r.citizen.address as Address, token: tokenAddr as Address, amount: 100n }]);
    const t2 = new ExitTree([{ account: r.citizen.address as Address, token: tokenAddr as Address, amount: 900n }]);
    await finalizeRoot(t1.root);
    const b = await r.postBatch();
    await r.commit(b, { exitRoot: t2.root }); // pending at exit time
    await enterExit();
    await r.increaseTime(DEFAULT_SLA.finalityDelay * 2n);
    await expect(vault.escape(r.citizen.address, tokenAddr, 900n, t2.escapeProof(r.citizen.address, tokenAddr))).to.be.revertedWithCustomError(vault, "InvalidProof");
    await expect(vault.escape(r.citizen.address, tokenAddr, 100n, t1.escapeProof(r.citizen.address, tokenAddr))).to.emit(vault, "EscapePaid");
  });

  it("never pays out more than was deposited, whatever the root says", async () => {
    const vault = r.stack.contracts.RollupVault;
    await (await vault.connect(r.citizen).deposit(tokenAddr, A, r.citizen.address)).wait();
    const tree = new ExitTree([{ account: r.citizen.address as Address, token: tokenAddr as Address, amount: A + 1n }]);
    await finalizeRoot(tree.root);
    await enterExit();
    await expect(vault.escape(r.citizen.address, tokenAddr, A + 1n, tree.escapeProof(r.citizen.address, tokenAddr))).to.be.revertedWithCustomError(vault, "ExceedsDeposits").withArgs(tokenAddr, A + 1n, A);
  });

  it("is safe against reentrancy from a malicious token", async () => {
    const vault = r.stack.contracts.RollupVault;
    const evil = await r.net.ethers.deployContract("ReentrantToken");
    const evilAddr = await evil.getAddress();
    await (await evil.getFunction("mint")(r.citizen.address, 10_000n)).wait();
    await (await (evil.connect(r.citizen) as typeof evil).getFunction("approve")(await vault.getAddress(), 10_000n)).wait();
    await (await vault.connect(r.citizen).deposit(evilAddr, 2000n, r.citizen.address)).wait();
    const tree = new ExitTree([
      { account: r.citizen.address as Address, token: evilAddr as Address, amount: 1000n },
      { account: r.stranger.address as Address, token: evilAddr as Address, amount: 1000n },
    ]);
    await finalizeRoot(tree.root);
    await enterExit();
    const reentry = vault.interface.encodeFunctionData("escape", [r.stranger.address, evilAddr, 1000n, tree.escapeProof(r.stranger.address, evilAddr)]);
    await (await evil.getFunction("arm")(await vault.getAddress(), reentry)).wait();
    await (await vault.escape(r.citizen.address, evilAddr, 1000n, tree.escapeProof(r.citizen.address, evilAddr))).wait();
    expect(await evil.getFunction("reentered")()).to.equal(true);
    expect(await evil.getFunction("reentrySucceeded")()).to.equal(false);
    expect(await vault.escapePaid(r.stranger.address, evilAddr)).to.equal(false);
  });

  it("in exit mode refunds every deposit the last finalized state does not cover, once, through the SDK", async () => {
    const vault = r.stack.contracts.RollupVault;
    // deposit 0 is consumed by a batch that becomes final (covered, escapable); deposits 1 and 2 are not
    await (await vault.connect(r.citizen).deposit(tokenAddr, A, r.citizen.address)).wait();
    const tree = new ExitTree([{ account: r.citizen.address as Address, token: tokenAddr as Address, amount: A }]);
    const b = await r.postBatch({ delayedCount: 1n });
    await r.commit(b, { exitRoot: tree.root });
    await r.increaseTime(DEFAULT_SLA.finalityDelay + 1n);
    await (await vault.connect(r.stranger).deposit(tokenAddr, 300n, r.stranger.address)).wait();
    await (await vault.connect(r.citizen).deposit(tokenAddr, 200n, r.citizen.address)).wait();
    expect(await refundableDeposits(r.stack)).to.deep.equal([]); // not in exit mode
    await enterExit();
    expect(await r.stack.contracts.StateCommitment.lastFinalizedDelayedCount()).to.equal(1n);
    const open = await refundableDeposits(r.stack);
    expect(open.map((d) => [d.messageIndex, d.from, d.amount])).to.deep.equal([
      [1n, r.stranger.address, 300n],
      [2n, r.citizen.address, 200n],
    ]);
    const before = (await token.getFunction("balanceOf")(r.stranger.address)) as bigint;
    await refundDeposit(r.stack, open[0]!);
    expect((await token.getFunction("balanceOf")(r.stranger.address)) as bigint).to.equal(before + 300n);
    await expect(refundDeposit(r.stack, open[0]!)).to.be.revertedWithCustomError(vault, "AlreadyPaid");
    await expect(refundDeposit(r.stack, { ...open[1]!, amount: 201n })).to.be.revertedWithCustomError(vault, "NotADeposit").withArgs(2n);
    await refundDeposit(r.stack, open[1]!);
    // the covered deposit is escaped, never refunded
    const deposits = await import("@sovereign-stack/sdk").then((m) => m.depositMessages(r.stack));
    await expect(refundDeposit(r.stack, deposits[0]!)).to.be.revertedWithCustomError(vault, "DepositCovered").withArgs(0n, 1n);
    await (await vault.escape(r.citizen.address, tokenAddr, A, tree.escapeProof(r.citizen.address, tokenAddr))).wait();
    expect(await vault.totalPaidOut(tokenAddr)).to.equal(await vault.totalDeposited(tokenAddr));
    expect(await refundableDeposits(r.stack)).to.deep.equal([]);
  });

  it("refuses deposits once the automatic exit can be triggered, before anyone triggers it", async () => {
    const vault = r.stack.contracts.RollupVault.connect(r.citizen);
    await r.increaseTime(DEFAULT_SLA.maxDowntime + 1n);
    expect(await r.stack.contracts.ExitController.isExitOpen()).to.equal(true);
    await expect(vault.deposit(tokenAddr, A, r.citizen.address)).to.be.revertedWithCustomError(vault, "ExitOpen");
  });
});
