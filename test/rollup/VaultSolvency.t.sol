// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";

import {RollupFixture, Signers, TestMerkle, nextHeader} from "./RollupFixture.sol";
import {ISequencerInbox} from "../../contracts/rollup/ISequencerInbox.sol";
import {IStateCommitment} from "../../contracts/rollup/IStateCommitment.sol";
import {IRollupVault} from "../../contracts/rollup/IRollupVault.sol";
import {Sla} from "../../contracts/rollup/ISlaConfig.sol";
import {ExitController} from "../../contracts/rollup/ExitController.sol";
import {DelayedInbox} from "../../contracts/rollup/DelayedInbox.sol";
import {SequencerSet} from "../../contracts/rollup/SequencerSet.sol";
import {SequencerInbox} from "../../contracts/rollup/SequencerInbox.sol";
import {StateCommitment} from "../../contracts/rollup/StateCommitment.sol";
import {RollupVault} from "../../contracts/rollup/RollupVault.sol";
import {SlaConfig} from "../../contracts/rollup/SlaConfig.sol";
import {MockMultisig} from "../mocks/MockMultisig.sol";
import {TestToken} from "../mocks/TestToken.sol";

/// @notice Deposits by several users in two tokens, sequencer batches and forced inclusions that consume some of the
///         delayed messages, honest commitments (exit root = the balances credited by the deposits the committed
///         batch covers), time and finality, then the exit (council or automatic) and random escapes and refunds.
contract SolvencyHandler is Signers {
    uint256 internal constant USERS = 4;
    uint256 internal constant TOKENS = 2;

    struct Dep {
        uint256 index;
        uint256 t;
        uint256 from;
        uint256 to;
        uint256 amount;
        uint64 ts;
        uint64 bn;
    }

    ExitController internal ec;
    DelayedInbox internal delayed;
    SequencerSet internal set;
    SequencerInbox internal inbox;
    StateCommitment internal sc;
    RollupVault internal vault;
    MockMultisig internal msig;
    TestToken[TOKENS] internal tokens;
    Sla internal sla;

    Dep[] internal deps;
    /// @notice Escape balances committed in each commitment's exit root: [token][user].
    mapping(uint256 commitment => uint256[USERS][TOKENS]) internal snap;
    /// @notice Per deposit: 1 = recovered by its recipient's escape, 2 = refunded to its depositor.
    mapping(uint256 dep => uint256) public recoveredBy;
    mapping(uint256 dep => uint256) public recoveredTimes;
    mapping(address token => uint256) public ghostDeposited;
    mapping(address token => uint256) public ghostPaid;
    /// @notice What each user should have received on L1: [token][user].
    uint256[USERS][TOKENS] internal expectedReceived;
    bool public claimedAll;
    string public violation;
    uint256 internal nonce;
    uint256 public escapes;
    uint256 public refunds;

    constructor(
        ExitController ec_,
        DelayedInbox d,
        SequencerSet s,
        SequencerInbox i,
        StateCommitment c,
        RollupVault v,
        MockMultisig m,
        TestToken t0,
        TestToken t1,
        SlaConfig slaConfig
    ) {
        ec = ec_;
        delayed = d;
        set = s;
        inbox = i;
        sc = c;
        vault = v;
        msig = m;
        tokens[0] = t0;
        tokens[1] = t1;
        sla = slaConfig.getSla();
    }

    function user(uint256 i) public pure returns (address) {
        return address(uint160(0xD0_0000 + i));
    }

    function token(uint256 i) external view returns (address) {
        return address(tokens[i]);
    }

    function depositCount() external view returns (uint256) {
        return deps.length;
    }

    function received(uint256 t, uint256 u) external view returns (uint256) {
        return expectedReceived[t][u];
    }

    // ------------------------------------------------------------------ normal mode

    function deposit(uint256 from, uint256 to, uint256 t, uint256 amount) external {
        from %= USERS;
        to %= USERS;
        t %= TOKENS;
        amount = bound(amount, 1, 1e27);
        TestToken tok = tokens[t];
        if (ec.isExitOpen()) {
            vm.prank(user(from));
            try vault.deposit(IERC20(address(tok)), amount, user(to)) {
                violation = "deposit while the exit is open";
            } catch (bytes memory reason) {
                if (bytes4(reason) != IRollupVault.ExitOpen.selector) violation = "deposit refused with the wrong error";
            }
            return;
        }
        tok.mint(user(from), amount);
        vm.prank(user(from));
        tok.approve(address(vault), amount);
        vm.prank(user(from));
        try vault.deposit(IERC20(address(tok)), amount, user(to)) returns (uint256 index) {
            deps.push(Dep(index, t, from, to, amount, uint64(block.timestamp), uint64(block.number)));
            ghostDeposited[address(tok)] += amount;
        } catch {
            violation = "deposit failed in normal mode";
        }
    }

    function enqueueTx(bytes calldata data) external {
        if (data.length == 0 || data.length > 256 || ec.inExit()) return;
        delayed.enqueue(data);
    }

    /// @dev The active sequencer posts a batch consuming some of the pending delayed messages.
    function sequence(uint256 consumeSeed) external {
        if (ec.inExit()) return;
        uint64 count = uint64(bound(consumeSeed, inbox.delayedConsumed(), delayed.count()));
        ISequencerInbox.BatchHeader memory h = nextHeader(inbox, count, 1);
        vm.prank(set.active());
        try inbox.appendBatch("l2", h) {} catch {
            violation = "sequencer batch failed";
        }
    }

    /// @dev Anyone forces part of the queue once it is overdue.
    function force(uint256 countSeed) external {
        if (ec.inExit()) return;
        uint256 consumed = inbox.delayedConsumed();
        uint256 n = delayed.count();
        if (n <= consumed) return;
        uint256 c = bound(countSeed, consumed + 1, n);
        (uint64 ts, uint64 bn) = delayed.messageTime(c - 1);
        if (block.timestamp <= ts + sla.inclusionWindow) vm.warp(ts + sla.inclusionWindow + 1);
        if (block.number <= bn + sla.inclusionWindowBlocks) vm.roll(bn + sla.inclusionWindowBlocks + 1);
        if (ec.inExit()) return;
        try inbox.forceInclude(c) {} catch {
            violation = "forceInclude failed";
        }
    }

    function _leaves(uint256[USERS][TOKENS] memory bal) private view returns (bytes32[] memory leaves) {
        leaves = new bytes32[](USERS * TOKENS);
        for (uint256 t = 0; t < TOKENS; ++t) {
            for (uint256 u = 0; u < USERS; ++u) {
                leaves[t * USERS + u] = TestMerkle.balanceLeaf(user(u), address(tokens[t]), bal[t][u]);
            }
        }
    }

    /// @dev Honest validators commit the newest batch: the exit root credits every deposit the batch covers to its
    ///      L2 recipient. Optionally lets it finalize.
    function commitHonest(bool finalize) external {
        if (ec.inExit()) return;
        uint256 batches = inbox.batchCount();
        if (batches == 0) return;
        uint256 b = batches - 1;
        uint256 n = sc.count();
        if (n > 0 && sc.get(n - 1).batchIndex >= b) return;
        uint64 covered = inbox.batch(b).delayedCount;
        uint256[USERS][TOKENS] memory bal;
        for (uint256 k = 0; k < deps.length; ++k) {
            Dep memory d = deps[k];
            if (d.index < covered) bal[d.t][d.to] += d.amount;
        }
        IStateCommitment.CommitmentData memory c;
        c.index = n;
        c.batchIndex = b;
        c.accumulator = inbox.accumulatorOf(b);
        c.l2StateRoot = keccak256(abi.encode("state", b));
        c.exitRoot = TestMerkle.root(_leaves(bal));
        uint256 deadline = block.timestamp + 1 hours;
        try sc.commit(c, deadline, validatorSigs(sc.commitmentDigest(c, deadline), 0x7)) {
            snap[n] = bal;
        } catch {
            violation = "honest commitment rejected";
            return;
        }
        if (finalize && !ec.isExitOpen()) vm.warp(sc.get(n).finalAt);
    }

    function warp(uint256 dt) external {
        vm.warp(block.timestamp + bound(dt, 1, 3 hours));
        vm.roll(block.number + bound(dt, 1, 900));
    }

    // ------------------------------------------------------------------ exit

    function councilExit() external {
        if (ec.inExit()) return;
        uint256 n = nonce++;
        uint256 deadline = block.timestamp + 1 hours;
        bytes32 d = ec.triggerExitDigest("solvency", n, deadline);
        ec.triggerExit("solvency", n, deadline, councilSigs(msig, d, 0x0d));
    }

    function autoExit() external {
        if (ec.inExit()) return;
        (, , uint64 opensAt) = ec.autoTriggerStatus();
        if (block.timestamp < opensAt) vm.warp(opensAt);
        ec.triggerExitAuto();
    }

    /// @dev Escape for (user, token) against the last commitment finalized before the exit.
    function escape(uint256 u, uint256 t) external {
        _escape(u % USERS, t % TOKENS);
    }

    function _escape(uint256 u, uint256 t) private {
        if (!ec.inExit()) return;
        (bool exists, uint256 idx) = sc.lastFinalized();
        if (!exists) {
            try vault.escape(user(u), address(tokens[t]), 1, new bytes32[](0)) {
                violation = "escape without a finalized commitment";
            } catch {}
            return;
        }
        uint256[USERS][TOKENS] memory bal = snap[idx];
        uint256 amount = bal[t][u];
        if (amount == 0) return;
        bool paidBefore = vault.escapePaid(user(u), address(tokens[t]));
        try vault.escape(user(u), address(tokens[t]), amount, TestMerkle.proof(_leaves(bal), t * USERS + u)) {
            if (paidBefore) violation = "escape paid twice";
            ghostPaid[address(tokens[t])] += amount;
            expectedReceived[t][u] += amount;
            ++escapes;
            uint256 covered = sc.lastFinalizedDelayedCount();
            for (uint256 k = 0; k < deps.length; ++k) {
                Dep memory d = deps[k];
                if (d.index < covered && d.t == t && d.to == u) {
                    recoveredBy[k] = 1;
                    recoveredTimes[k] += 1;
                }
            }
        } catch {
            if (!paidBefore) violation = "honest escape rejected";
        }
    }

    /// @dev Refund of deposit k (expected to succeed iff uncovered and not yet refunded).
    function refund(uint256 k) external {
        if (deps.length == 0) return;
        _refund(k % deps.length);
    }

    function _refund(uint256 k) private {
        Dep memory d = deps[k];
        bool expectOk = ec.inExit() && d.index >= sc.lastFinalizedDelayedCount() && !vault.depositRefunded(d.index);
        try
            vault.refundDeposit(
                d.index,
                address(tokens[d.t]),
                user(d.from),
                user(d.to),
                d.amount,
                d.ts,
                d.bn
            )
        {
            if (!expectOk) violation = "refund against the rules";
            ghostPaid[address(tokens[d.t])] += d.amount;
            expectedReceived[d.t][d.from] += d.amount;
            recoveredBy[k] = 2;
            recoveredTimes[k] += 1;
            ++refunds;
        } catch {
            if (expectOk) violation = "refund rejected";
        }
    }

    /// @dev Exits if needed, then claims everything: every escape leaf, every deposit refund.
    function exitAndClaimAll(bool council) external {
        if (!ec.inExit()) {
            if (council) this.councilExit();
            else this.autoExit();
        }
        for (uint256 t = 0; t < TOKENS; ++t) for (uint256 u = 0; u < USERS; ++u) _escape(u, t);
        for (uint256 k = 0; k < deps.length; ++k) {
            if (!vault.depositRefunded(deps[k].index) && deps[k].index >= sc.lastFinalizedDelayedCount()) _refund(k);
        }
        claimedAll = true;
    }
}

/// @notice The vault stays solvent through deposits, sequencing, commitments, the exit, escapes and refunds, and after
///         everything is claimed every deposit was recovered exactly once, by escape or by refund.
contract VaultSolvencyTest is RollupFixture {
    SolvencyHandler internal handler;
    TestToken internal token2;

    function setUp() public override {
        super.setUp();
        token2 = new TestToken("Second", "TS2");
        handler = new SolvencyHandler(ec, delayed, set, inbox, sc, vault, msig, token, token2, slaConfig);
        targetContract(address(handler));
    }

    function invariant_vaultSolvent() external view {
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
                vm.assertEq(IERC20(tok).balanceOf(handler.user(u)), handler.received(t, u), "user received");
            }
        }
        uint256 n = handler.depositCount();
        for (uint256 k = 0; k < n; ++k) vm.assertLe(handler.recoveredTimes(k), 1, "deposit recovered twice");
    }

    function invariant_everyDepositRecoveredOnceAfterClaimingAll() external view {
        if (!handler.claimedAll()) return;
        uint256 n = handler.depositCount();
        for (uint256 k = 0; k < n; ++k) vm.assertEq(handler.recoveredTimes(k), 1, "deposit not recovered exactly once");
        for (uint256 t = 0; t < 2; ++t) {
            address tok = handler.token(t);
            vm.assertEq(vault.totalPaidOut(tok), vault.totalDeposited(tok), "not everything recovered");
            vm.assertEq(IERC20(tok).balanceOf(address(vault)), 0, "vault not empty");
        }
    }

    /// @dev A fixed run through the handler: both recovery paths are exercised and the invariants hold at the end.
    function test_handlerScenarioRecoversEveryDepositOnce() external {
        handler.deposit(0, 1, 0, 100);
        handler.deposit(1, 1, 1, 200);
        handler.deposit(2, 3, 0, 300);
        handler.sequence(2); // consumes the first two deposits
        handler.commitHonest(true); // finalized, covers deposits 0 and 1
        handler.deposit(3, 0, 0, 400);
        handler.sequence(type(uint256).max); // consumes everything, not committed
        handler.deposit(0, 2, 1, 500); // never consumed
        handler.exitAndClaimAll(true);
        vm.assertEq(handler.escapes(), 2, "escapes (user 1, tokens 0 and 1)");
        vm.assertEq(handler.refunds(), 3, "refunds");
        this.invariant_vaultSolvent();
        this.invariant_everyDepositRecoveredOnceAfterClaimingAll();
    }

    /// @dev Same with the automatic (downtime) exit: the pending commitment finalizes before the exit opens, so the
    ///      deposit it covers is escaped and the later one refunded.
    function test_handlerScenarioAutoExitRefundsAll() external {
        handler.deposit(0, 1, 0, 100);
        handler.sequence(1);
        handler.commitHonest(false);
        handler.deposit(1, 2, 1, 200);
        handler.exitAndClaimAll(false);
        vm.assertTrue(ec.inExit(), "exit");
        vm.assertEq(uint256(ec.exitTrigger()), 2, "downtime trigger");
        vm.assertEq(handler.escapes(), 1, "escapes");
        vm.assertEq(handler.refunds(), 1, "refunds");
        this.invariant_vaultSolvent();
        this.invariant_everyDepositRecoveredOnceAfterClaimingAll();
    }
}
