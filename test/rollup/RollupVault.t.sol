// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";

import {RollupFixture, Signers, TestMerkle, nextHeader} from "./RollupFixture.sol";
import {ISequencerInbox} from "../../contracts/rollup/ISequencerInbox.sol";
import {IStateCommitment} from "../../contracts/rollup/IStateCommitment.sol";
import {ThresholdSig} from "../../contracts/libraries/ThresholdSig.sol";
import {NotInExit} from "../../contracts/libraries/Errors.sol";
import {IRollupVault} from "../../contracts/rollup/IRollupVault.sol";
import {IDelayedInbox} from "../../contracts/rollup/IDelayedInbox.sol";
import {IExitController} from "../../contracts/rollup/IExitController.sol";
import {ExitController} from "../../contracts/rollup/ExitController.sol";
import {SequencerSet} from "../../contracts/rollup/SequencerSet.sol";
import {SequencerInbox} from "../../contracts/rollup/SequencerInbox.sol";
import {StateCommitment} from "../../contracts/rollup/StateCommitment.sol";
import {RollupVault} from "../../contracts/rollup/RollupVault.sol";
import {MockMultisig} from "../mocks/MockMultisig.sol";
import {TestToken} from "../mocks/TestToken.sol";

/// @notice Deposits for random users, a mock L2 ledger, exit roots committed and finalized over it (sometimes
///         inflated by a faulty committee), the exit, then escape claims at random incl. repeats and bogus amounts.
contract VaultHandler is Signers {
    uint256 internal constant USERS = 4;
    uint256 internal constant TOKENS = 2;

    ExitController internal ec;
    SequencerSet internal set;
    SequencerInbox internal inbox;
    StateCommitment internal sc;
    RollupVault internal vault;
    MockMultisig internal msig;
    TestToken[TOKENS] internal tokens;

    /// @notice The mock L2 ledger: user x token balances.
    uint256[USERS][TOKENS] internal ledger;
    /// @notice Leaf amounts committed in each commitment's exit root.
    mapping(uint256 commitment => uint256[USERS][TOKENS]) internal snap;
    uint256 public finalizedCommits;

    mapping(address => uint256) public ghostDeposited;
    mapping(address => uint256) public ghostPaid;
    mapping(address => mapping(address => uint256)) public paidTimes;
    mapping(address => mapping(address => uint256)) public paidAmount;
    string public violation;
    uint256 public claimsPaid;
    uint256 internal nonce;

    constructor(
        ExitController ec_,
        SequencerSet s,
        SequencerInbox i,
        StateCommitment c,
        RollupVault v,
        MockMultisig m,
        TestToken t0,
        TestToken t1
    ) {
        ec = ec_;
        set = s;
        inbox = i;
        sc = c;
        vault = v;
        msig = m;
        tokens[0] = t0;
        tokens[1] = t1;
    }

    function user(uint256 i) public pure returns (address) {
        return address(uint160(0xA11CE0 + i));
    }

    function token(uint256 i) external view returns (address) {
        return address(tokens[i]);
    }

    function deposit(uint256 u, uint256 t, uint256 amount) external {
        u %= USERS;
        t %= TOKENS;
        amount = bound(amount, 1, 1e27);
        TestToken tok = tokens[t];
        tok.mint(user(u), amount);
        vm.prank(user(u));
        tok.approve(address(vault), amount);
        bool exitOpen = ec.isExitOpen();
        vm.prank(user(u));
        try vault.deposit(IERC20(address(tok)), amount, user(u)) {
            if (exitOpen) violation = "deposit while the exit is open";
            ledger[t][u] += amount;
            ghostDeposited[address(tok)] += amount;
        } catch {
            if (!exitOpen) violation = "deposit failed";
        }
    }

    /// @dev L2 activity: balances move between users, the total is conserved.
    function l2Transfer(uint256 from, uint256 to, uint256 t, uint256 amount) external {
        from %= USERS;
        to %= USERS;
        t %= TOKENS;
        amount = bound(amount, 0, ledger[t][from]);
        ledger[t][from] -= amount;
        ledger[t][to] += amount;
    }

    function _leaves(uint256[USERS][TOKENS] memory bal) private view returns (bytes32[] memory leaves) {
        leaves = new bytes32[](USERS * TOKENS);
        for (uint256 t = 0; t < TOKENS; ++t) {
            for (uint256 u = 0; u < USERS; ++u) {
                leaves[t * USERS + u] = TestMerkle.balanceLeaf(user(u), address(tokens[t]), bal[t][u]);
            }
        }
    }

    /// @dev Posts a batch, commits the ledger's exit root (inflated when `faulty`), and lets it finalize.
    function commitExitRoot(bool faulty, uint256 inflation) external {
        if (ec.inExit()) return;
        uint256[USERS][TOKENS] memory bal = ledger;
        if (faulty) bal[inflation % TOKENS][(inflation >> 8) % USERS] += bound(inflation, 1, 1e28);
        ISequencerInbox.BatchHeader memory h = nextHeader(inbox, inbox.delayedConsumed(), 1);
        vm.prank(set.active());
        uint256 b = inbox.appendBatch("l2", h);
        IStateCommitment.CommitmentData memory c;
        c.index = sc.count();
        c.batchIndex = b;
        c.accumulator = inbox.accumulatorOf(b);
        c.exitRoot = TestMerkle.root(_leaves(bal));
        uint256 deadline = block.timestamp + 1 hours;
        sc.commit(c, deadline, validatorSigs(sc.commitmentDigest(c, deadline), 0x7));
        snap[c.index] = bal;
        vm.warp(sc.get(c.index).finalAt);
        ++finalizedCommits;
    }

    function triggerExit() external {
        if (finalizedCommits == 0 || ec.inExit()) return;
        uint256 n = nonce++;
        uint256 deadline = block.timestamp + 1 hours;
        bytes32 d = ec.triggerExitDigest("vault drill", n, deadline);
        ec.triggerExit("vault drill", n, deadline, councilSigs(msig, d, 0x19));
    }

    /// @dev mode 0 (and 4-7): honest claim; 1: bogus amount; 2: someone else's leaf claimed for `u`; 3: honest claim twice.
    function claim(uint256 u, uint256 t, uint256 mode, uint256 delta) external {
        u %= USERS;
        t %= TOKENS;
        mode %= 8;
        if (mode > 3) mode = 0; // bias towards honest claims
        (bool exists, uint256 idx) = sc.lastFinalized();
        if (!exists) return;
        uint256[USERS][TOKENS] memory bal = snap[idx];
        bytes32[] memory leaves = _leaves(bal);
        uint256 leafIndex = t * USERS + u;
        address account = user(u);
        address tok = address(tokens[t]);
        uint256 amount = bal[t][u];
        bool honest = true;
        if (mode == 1) {
            amount = delta == 0 ? amount + 1 : amount ^ bound(delta, 1, type(uint128).max);
            honest = false;
        } else if (mode == 2) {
            uint256 other = (u + 1 + (delta % (USERS - 1))) % USERS;
            leafIndex = t * USERS + other;
            amount = bal[t][other];
            honest = false;
        }
        bytes32[] memory proof = TestMerkle.proof(leaves, leafIndex);
        uint256 tries = mode == 3 ? 2 : 1;
        for (uint256 k = 0; k < tries; ++k) _claim(account, tok, amount, proof, honest);
    }

    function _claim(address account, address tok, uint256 amount, bytes32[] memory proof, bool honest) private {
        bool expectOk =
            ec.inExit() &&
                honest &&
                paidTimes[account][tok] == 0 &&
                amount > 0 &&
                amount <= ghostDeposited[tok] - ghostPaid[tok];
        uint256 before = IERC20(tok).balanceOf(account);
        try vault.escape(account, tok, amount, proof) {
            if (!expectOk) violation = "escape paid against the rules";
            paidTimes[account][tok] += 1;
            paidAmount[account][tok] += amount;
            ghostPaid[tok] += amount;
            ++claimsPaid;
            if (IERC20(tok).balanceOf(account) != before + amount) violation = "paid amount differs";
        } catch {
            if (expectOk) violation = "honest escape claim rejected";
        }
    }

    function warp(uint256 dt) external {
        vm.warp(block.timestamp + bound(dt, 1, 2 hours));
    }
}

/// @notice Rule 7: each escape claim is paid exactly once, and the vault never pays out more than was deposited.
contract RollupVaultTest is RollupFixture {
    VaultHandler internal handler;
    TestToken internal token2;

    function setUp() public override {
        super.setUp();
        token2 = new TestToken("Second", "TS2");
        handler = new VaultHandler(ec, set, inbox, sc, vault, msig, token, token2);
        targetContract(address(handler));
    }

    function invariant_neverPaysMoreThanDeposited() external view {
        vm.assertEq(bytes(handler.violation()).length, 0, handler.violation());
        for (uint256 t = 0; t < 2; ++t) {
            address tok = handler.token(t);
            uint256 dep = vault.totalDeposited(tok);
            uint256 paid = vault.totalPaidOut(tok);
            vm.assertEq(dep, handler.ghostDeposited(tok), "totalDeposited");
            vm.assertEq(paid, handler.ghostPaid(tok), "totalPaidOut");
            vm.assertLe(paid, dep, "paid out more than deposited");
            vm.assertEq(IERC20(tok).balanceOf(address(vault)), dep - paid, "vault balance");
            for (uint256 u = 0; u < 4; ++u) {
                address a = handler.user(u);
                uint256 times = handler.paidTimes(a, tok);
                vm.assertLe(times, 1, "paid twice");
                vm.assertEq(vault.escapePaid(a, tok), times == 1, "escapePaid flag");
            }
        }
    }

    // ------------------------------------------------------------------ fuzz

    function _deposit(address from, uint256 amount) private {
        token.mint(from, amount);
        vm.prank(from);
        token.approve(address(vault), amount);
        vm.prank(from);
        vault.deposit(IERC20(address(token)), amount, from);
    }

    function _finalizeRoot(bytes32 root) private {
        uint256 b = appendBatch("l2");
        uint256 idx = commit(b, root);
        vm.warp(sc.get(idx).finalAt);
    }

    /// @dev Honest claims pay exactly once; bogus amounts fail the proof; repeats revert AlreadyPaid.
    function testFuzz_escapePaidExactlyOnce(uint96 a0, uint96 a1, uint96 a2, uint96 bogus, uint8 who) external {
        uint256[3] memory amt = [uint256(a0) + 1, uint256(a1) + 1, uint256(a2) + 1];
        address[3] memory users = [address(0xA1), address(0xA2), address(0xA3)];
        for (uint256 k = 0; k < 3; ++k) _deposit(users[k], amt[k]);
        bytes32[] memory leaves = new bytes32[](3);
        for (uint256 k = 0; k < 3; ++k) leaves[k] = TestMerkle.balanceLeaf(users[k], address(token), amt[k]);
        _finalizeRoot(TestMerkle.root(leaves));
        uint256 i = bound(who, 0, 2);
        bytes32[] memory proof = TestMerkle.proof(leaves, i);

        vm.expectRevert(NotInExit.selector);
        vault.escape(users[i], address(token), amt[i], proof);
        councilTriggerExit();

        vm.assume(bogus != amt[i]);
        vm.expectRevert(IRollupVault.InvalidProof.selector);
        vault.escape(users[i], address(token), bogus, proof);

        vault.escape(users[i], address(token), amt[i], proof);
        vm.assertEq(token.balanceOf(users[i]), amt[i], "paid");
        vm.expectRevert(IRollupVault.AlreadyPaid.selector);
        vault.escape(users[i], address(token), amt[i], proof);
        vm.assertEq(vault.totalPaidOut(address(token)), amt[i], "paid once");
    }

    /// @dev A faulty root that credits more than was deposited cannot drain beyond deposits.
    function testFuzz_inflatedRootCappedByDeposits(uint96 deposited, uint128 claimed) external {
        uint256 dep = uint256(deposited) + 1;
        _deposit(address(0xB0B), dep);
        uint256 amount = bound(claimed, 1, type(uint128).max);
        bytes32[] memory leaves = new bytes32[](2);
        leaves[0] = TestMerkle.balanceLeaf(address(0xE11), address(token), amount);
        leaves[1] = TestMerkle.balanceLeaf(address(0xB0B), address(token), dep);
        _finalizeRoot(TestMerkle.root(leaves));
        councilTriggerExit();
        if (amount > dep) {
            vm.expectRevert(abi.encodeWithSelector(IRollupVault.ExceedsDeposits.selector, address(token), amount, dep));
        }
        vault.escape(address(0xE11), address(token), amount, TestMerkle.proof(leaves, 0));
        vm.assertLe(vault.totalPaidOut(address(token)), dep, "capped");
    }

    /// @dev A withdrawal proven against a finalized root is paid once, in normal and in exit mode; not before finality.
    function testFuzz_withdrawalPaidOnce(bytes32 id, uint96 amt, bool inExitMode, bytes32 otherId) external {
        vm.assume(id != otherId);
        uint256 amount = uint256(amt) + 1;
        _deposit(address(0xA1), amount);
        bytes32[] memory leaves = new bytes32[](2);
        leaves[0] = keccak256(bytes.concat(keccak256(abi.encode(id, address(0xA1), address(token), amount))));
        leaves[1] = TestMerkle.balanceLeaf(address(0xA1), address(token), amount);
        uint256 b = appendBatch("l2");
        uint256 idx = commit(b, TestMerkle.root(leaves));
        bytes32[] memory proof = TestMerkle.proof(leaves, 0);
        vm.expectRevert(abi.encodeWithSelector(IRollupVault.CommitmentNotFinal.selector, idx));
        vault.withdraw(idx, id, address(0xA1), address(token), amount, proof);
        vm.warp(sc.get(idx).finalAt);
        if (inExitMode) councilTriggerExit();
        vm.expectRevert(IRollupVault.InvalidProof.selector);
        vault.withdraw(idx, otherId, address(0xA1), address(token), amount, proof);
        vault.withdraw(idx, id, address(0xA1), address(token), amount, proof);
        vm.assertEq(token.balanceOf(address(0xA1)), amount, "paid");
        vm.expectRevert(IRollupVault.AlreadyPaid.selector);
        vault.withdraw(idx, id, address(0xA1), address(token), amount, proof);
        if (inExitMode) {
            // the balance leaf cannot be paid on top: nothing is left of the deposits
            bytes32[] memory p1 = TestMerkle.proof(leaves, 1);
            vm.expectRevert(abi.encodeWithSelector(IRollupVault.ExceedsDeposits.selector, address(token), amount, 0));
            vault.escape(address(0xA1), address(token), amount, p1);
        }
        vm.assertEq(vault.totalPaidOut(address(token)), amount, "paid once");
    }

    /// @dev Only the last commitment final before the exit counts; a pending one at exit time never does.
    function testFuzz_escapeUsesLastFinalizedBeforeExit(uint96 oldAmt, uint96 newAmt) external {
        uint256 o = uint256(oldAmt) + 1;
        uint256 n = uint256(newAmt) + 1;
        vm.assume(o != n);
        _deposit(address(0xA1), o > n ? o : n);
        bytes32[] memory oldLeaves = new bytes32[](1);
        oldLeaves[0] = TestMerkle.balanceLeaf(address(0xA1), address(token), o);
        _finalizeRoot(TestMerkle.root(oldLeaves));
        bytes32[] memory newLeaves = new bytes32[](1);
        newLeaves[0] = TestMerkle.balanceLeaf(address(0xA1), address(token), n);
        commit(appendBatch("l2b"), TestMerkle.root(newLeaves)); // pending
        councilTriggerExit();
        vm.warp(block.timestamp + 30 days);
        (bool exists, uint256 idx) = sc.lastFinalized();
        vm.assertTrue(exists && idx == 0, "pending commitment became final after exit");
        vm.expectRevert(IRollupVault.InvalidProof.selector);
        vault.escape(address(0xA1), address(token), n, new bytes32[](0));
        vault.escape(address(0xA1), address(token), o, new bytes32[](0));
        vm.assertEq(token.balanceOf(address(0xA1)), o, "paid old balance");
    }

    // ------------------------------------------------------------------ finding 2: refunds in exit mode

    struct Dep {
        uint256 index;
        address from;
        address to;
        uint256 amount;
        uint64 ts;
        uint64 bn;
    }

    function _depositRec(address from, address to, uint256 amount) private returns (Dep memory d) {
        token.mint(from, amount);
        vm.prank(from);
        token.approve(address(vault), amount);
        vm.prank(from);
        d.index = vault.deposit(IERC20(address(token)), amount, to);
        (d.from, d.to, d.amount, d.ts, d.bn) = (from, to, amount, uint64(block.timestamp), uint64(block.number));
    }

    function _refund(Dep memory d) private {
        vault.refundDeposit(d.index, address(token), d.from, d.to, d.amount, d.ts, d.bn);
    }

    /// @dev Exit before anything is finalized: escape has nothing to prove against, and every deposit is refunded
    ///      to its depositor exactly once (on the old code these funds were stuck).
    function testFuzz_refundEveryDepositWhenNothingFinalized(uint96 a0, uint96 a1, uint96 a2) external {
        Dep[3] memory deps;
        deps[0] = _depositRec(address(0xA1), address(0xB1), uint256(a0) + 1);
        vm.warp(block.timestamp + 5 minutes);
        vm.roll(block.number + 3);
        deps[1] = _depositRec(address(0xA2), address(0xB2), uint256(a1) + 1);
        appendAs(set.active(), "consumes deposit 0", 1);
        deps[2] = _depositRec(address(0xA1), address(0xA1), uint256(a2) + 1);
        vm.expectRevert(NotInExit.selector);
        _refund(deps[0]);
        councilTriggerExit();
        vm.expectRevert(IRollupVault.NoFinalizedCommitment.selector);
        vault.escape(address(0xB1), address(token), deps[0].amount, new bytes32[](0));
        uint256 total;
        for (uint256 k = 0; k < 3; ++k) {
            vm.expectEmit();
            emit IRollupVault.DepositRefunded(deps[k].index, deps[k].from, address(token), deps[k].amount);
            _refund(deps[k]);
            vm.assertTrue(vault.depositRefunded(deps[k].index), "flag");
            vm.expectRevert(IRollupVault.AlreadyPaid.selector);
            _refund(deps[k]);
            total += deps[k].amount;
        }
        vm.assertEq(token.balanceOf(address(0xA1)), deps[0].amount + deps[2].amount, "A1 refunded");
        vm.assertEq(token.balanceOf(address(0xA2)), deps[1].amount, "A2 refunded");
        vm.assertEq(token.balanceOf(address(0xB1)), 0, "the L2 recipient gets nothing on L1");
        vm.assertEq(vault.totalPaidOut(address(token)), total, "paid");
        vm.assertEq(token.balanceOf(address(vault)), 0, "vault empty");
    }

    /// @dev Deposits consumed by the last finalized commitment's batch are escaped, not refunded (DepositCovered);
    ///      later ones (consumed after it, or never) are refunded.
    function test_refundOnlyDepositsAfterLastFinalizedCommitment() external {
        Dep memory covered = _depositRec(address(0xA1), address(0xA1), 100);
        Dep memory later = _depositRec(address(0xA2), address(0xA2), 200);
        Dep memory never = _depositRec(address(0xA3), address(0xA3), 300);
        uint256 b = appendAs(set.active(), "consume 1", 1);
        bytes32[] memory leaves = new bytes32[](1);
        leaves[0] = TestMerkle.balanceLeaf(address(0xA1), address(token), 100);
        uint256 idx = commit(b, TestMerkle.root(leaves));
        vm.warp(sc.get(idx).finalAt);
        appendAs(set.active(), "consume 2 (not committed)", 2);
        councilTriggerExit();
        vm.assertEq(sc.lastFinalizedDelayedCount(), 1, "covered count");

        vm.expectRevert(abi.encodeWithSelector(IRollupVault.DepositCovered.selector, covered.index, uint256(1)));
        _refund(covered);
        vault.escape(address(0xA1), address(token), 100, new bytes32[](0));
        _refund(later);
        _refund(never);
        vm.assertEq(token.balanceOf(address(0xA1)), 100, "escaped");
        vm.assertEq(token.balanceOf(address(0xA2)), 200, "refunded (consumed after the commitment)");
        vm.assertEq(token.balanceOf(address(0xA3)), 300, "refunded (never consumed)");
        vm.assertEq(vault.totalPaidOut(address(token)), vault.totalDeposited(address(token)), "all recovered once");
    }

    /// @dev Any field that differs from the enqueued deposit (or an L2 transaction message) is NotADeposit.
    function testFuzz_refundRejectsWrongFields(uint8 which, uint256 noise) external {
        Dep memory d = _depositRec(address(0xA1), address(0xB1), 1000);
        vm.prank(address(0xA1));
        uint256 txIndex = delayed.enqueue(abi.encode(address(token), address(0xA1), address(0xB1), uint256(1000)));
        councilTriggerExit();
        uint256 idx = d.index;
        address tok = address(token);
        address from = d.from;
        address to = d.to;
        uint256 amount = d.amount;
        uint64 ts = d.ts;
        uint64 bn = d.bn;
        uint8 w = which % 8;
        if (w == 0) idx = txIndex; // same fields, but an L2 transaction, not a deposit
        else if (w == 1) tok = noise % 2 == 0 ? address(token2) : address(uint160(bound(noise, 1, 1e40)));
        else if (w == 2) from = address(0xA2);
        else if (w == 3) to = address(0xB2);
        else if (w == 4) amount = bound(noise, 1, 999);
        else if (w == 5) ts = ts + uint64(bound(noise, 1, 1e9));
        else if (w == 6) bn = bn + uint64(bound(noise, 1, 1e9));
        else idx = bound(noise, 2, type(uint64).max); // no such message
        vm.expectRevert(abi.encodeWithSelector(IRollupVault.NotADeposit.selector, idx));
        vault.refundDeposit(idx, tok, from, to, amount, ts, bn);
        vm.assertEq(vault.totalPaidOut(address(token)), 0, "nothing paid");
        _refund(d);
    }

    /// @dev Deposits are refused once the automatic exit is open, even before anyone triggers it (regression: the old
    ///      vault took them, and they could never be recovered).
    function test_depositRefusedWhileAutoExitOpenButUntriggered() external {
        _openDowntimeExit();
        (bool open, , ) = ec.autoTriggerStatus();
        vm.assertTrue(open, "auto exit open");
        vm.assertFalse(ec.inExit(), "not triggered");
        vm.assertTrue(ec.isExitOpen(), "isExitOpen");
        token.mint(address(0xA1), 1);
        vm.prank(address(0xA1));
        token.approve(address(vault), 1);
        vm.prank(address(0xA1));
        vm.expectRevert(IRollupVault.ExitOpen.selector);
        vault.deposit(IERC20(address(token)), 1, address(0xA1));
        // one second earlier it was accepted
        vm.warp(block.timestamp - 1);
        vm.assertFalse(ec.isExitOpen(), "closed a second earlier");
        vm.prank(address(0xA1));
        vault.deposit(IERC20(address(token)), 1, address(0xA1));
    }

    function _openDowntimeExit() private {
        vm.warp(inbox.lastBatchTime() + slaConfig.getSla().maxDowntime + 1);
    }
}
