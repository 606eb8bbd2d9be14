// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {RollupFixture, Signers, nextHeader} from "./RollupFixture.sol";
import {ISequencerInbox} from "../../contracts/rollup/ISequencerInbox.sol";
import {ISlaConfig} from "../../contracts/rollup/ISlaConfig.sol";
import {Sla} from "../../contracts/rollup/ISlaConfig.sol";
import {ISequencerSet} from "../../contracts/rollup/ISequencerSet.sol";
import {IExitController} from "../../contracts/rollup/IExitController.sol";
import {NotGovernor} from "../../contracts/libraries/Errors.sol";
import {SequencerSet} from "../../contracts/rollup/SequencerSet.sol";
import {SequencerInbox} from "../../contracts/rollup/SequencerInbox.sol";
import {SlaConfig} from "../../contracts/rollup/SlaConfig.sol";

/// @notice Random heartbeats, silence, claims, handovers, batches and governance list changes. Predicts
///         every claim's outcome from its own ghost model and flags any disagreement.
contract SetHandler is Signers {
    SequencerSet internal set;
    SequencerInbox internal inbox;
    address internal governor;
    Sla internal sla;

    address[] internal pool;
    address[] internal current;
    address public ghostActive;
    uint64 public ghostActiveSince;
    mapping(address => bytes32) internal hbAcc;
    mapping(address => uint64) internal hbAt;
    string public violation;
    uint256 public claims;
    uint256 public batches;

    constructor(SequencerSet s, SequencerInbox i, address governor_, SlaConfig c) {
        set = s;
        inbox = i;
        governor = governor_;
        sla = c.getSla();
        for (uint256 k = 0; k < 5; ++k) pool.push(sequencerAddr(k));
        current = s.sequencers();
        ghostActive = s.active();
        ghostActiveSince = s.activeSince();
    }

    function _member(uint256 seed) private view returns (address) {
        return current[seed % current.length];
    }

    function _rankPlusOne(address who) private view returns (uint256) {
        for (uint256 k = 0; k < current.length; ++k) if (current[k] == who) return k + 1;
        return 0;
    }

    function _ready(address who) private view returns (bool) {
        return
            hbAt[who] != 0 &&
            block.timestamp - hbAt[who] <= sla.heartbeatWindow &&
            hbAcc[who] == inbox.headAccumulator();
    }

    /// @dev max(activeSince, lastBatch, min(active heartbeat, lastBatch + heartbeatWindow)).
    function _lastSignal() private view returns (uint64 t) {
        t = ghostActiveSince;
        uint64 lb = inbox.lastBatchTime();
        if (lb > t) t = lb;
        uint64 hb = hbAt[ghostActive];
        if (hb > t + sla.heartbeatWindow) hb = t + sla.heartbeatWindow;
        if (hb > t) t = hb;
    }

    function heartbeat(uint256 who, bool namesHead, bytes32 other) external {
        address m = _member(who);
        bytes32 acc = namesHead ? inbox.headAccumulator() : other;
        vm.prank(m);
        set.heartbeat(acc);
        hbAcc[m] = acc;
        hbAt[m] = uint64(block.timestamp);
    }

    function warp(uint256 dt) external {
        vm.warp(block.timestamp + bound(dt, 1, 40 minutes));
        vm.roll(block.number + 1);
    }

    function claim(uint256 who) external {
        address m = _member(who);
        uint256 rank = _rankPlusOne(m) - 1;
        if (rank == 0) rank = 1;
        uint64 silent = uint64(block.timestamp) - _lastSignal();
        bool expectOk = m != ghostActive && silent > sla.failoverDelay * rank && _ready(m);
        vm.prank(m);
        try set.claimActive() {
            if (!expectOk) violation = "claim succeeded against the rule";
            ghostActive = m;
            ghostActiveSince = uint64(block.timestamp);
            ++claims;
        } catch {
            if (expectOk) violation = "claim failed although the rule allows it";
        }
    }

    function handover(uint256 to) external {
        address t = _member(to);
        bool expectOk = t != ghostActive && _ready(t);
        vm.prank(ghostActive);
        try set.handover(t) {
            if (!expectOk) violation = "handover to an unready member";
            ghostActive = t;
            ghostActiveSince = uint64(block.timestamp);
        } catch {
            if (expectOk) violation = "handover failed";
        }
    }

    /// @dev Every member (and an outsider) tries to post; only the active one may.
    function post(uint256 who, bytes calldata data) external {
        address poster = who % 7 == 6 ? address(0xBAD) : pool[who % pool.length];
        ISequencerInbox.BatchHeader memory h = nextHeader(inbox, inbox.delayedConsumed(), 1);
        vm.prank(poster);
        try inbox.appendBatch(data, h) {
            if (poster != ghostActive) violation = "a non-active sequencer posted";
            ++batches;
        } catch {
            if (poster == ghostActive) violation = "the active sequencer could not post";
        }
    }

    /// @dev Governance replaces the list with a random non-empty subset of the pool, in random order.
    function reorder(uint256 seed) external {
        uint256 n = bound(seed, 1, pool.length);
        address[] memory list = new address[](n);
        address[] memory p = pool;
        for (uint256 k = 0; k < n; ++k) {
            uint256 j = k + (uint256(keccak256(abi.encode(seed, k))) % (p.length - k));
            (p[k], p[j]) = (p[j], p[k]);
            list[k] = p[k];
        }
        vm.prank(governor);
        set.setSequencers(list);
        current = list;
        if (_rankPlusOne(ghostActive) == 0) {
            ghostActive = list[0];
            ghostActiveSince = uint64(block.timestamp);
        }
    }
}

/// @notice Rule 3: exactly one active sequencer at every moment; failover follows the SLA; replaced sequencers cannot post.
contract SequencerSetTest is RollupFixture {
    SetHandler internal handler;

    function setUp() public override {
        super.setUp();
        handler = new SetHandler(set, inbox, address(timelock), slaConfig);
        targetContract(address(handler));
    }

    function invariant_exactlyOneActiveMember() external view {
        vm.assertEq(bytes(handler.violation()).length, 0, handler.violation());
        address act = set.active();
        vm.assertTrue(act != address(0), "no active sequencer");
        vm.assertEq(act, handler.ghostActive(), "active differs from the model");
        set.rankOf(act); // reverts NotMember if the active sequencer is not in the list
        vm.assertEq(set.activeSince(), handler.ghostActiveSince(), "activeSince");
    }

    struct ClaimCase {
        uint256 rank;
        uint64 silent;
        bool beat;
        uint64 beatAt;
        bool namesHead;
        bool activeBeats;
        uint64 activeBeatAt;
    }

    struct Timing {
        uint64 failoverDelay;
        uint64 heartbeatWindow;
        uint64 horizon;
    }

    /// @dev Governance installs a list of `n` sequencers and an SLA with fuzzed failover delay and heartbeat window.
    function _configure(uint8 nSeed, uint32 failoverSeed, uint32 heartbeatSeed) private returns (Timing memory t) {
        uint256 n = bound(nSeed, 2, set.MAX_SEQUENCERS());
        address[] memory list = new address[](n);
        for (uint256 i = 0; i < n; ++i) list[i] = sequencerAddr(i);
        vm.prank(address(timelock));
        set.setSequencers(list);
        delete ranked;
        for (uint256 i = 0; i < n; ++i) ranked.push(list[i]);
        Sla memory s = slaConfig.getSla();
        s.failoverDelay = uint64(bound(failoverSeed, 1 minutes, 1 hours));
        s.heartbeatWindow = uint64(bound(heartbeatSeed, 1 minutes, 1 hours));
        s.maxDowntime = 7 days;
        vm.prank(address(timelock));
        slaConfig.setSla(s);
        t.failoverDelay = s.failoverDelay;
        t.heartbeatWindow = s.heartbeatWindow;
    }

    /// @dev claimActive succeeds iff silent > failoverDelay * rank AND the claimant's heartbeat is fresh and
    ///      names the head. Fuzzed over list size and rank (1..8), SLA timing, heartbeat times and batches.
    function testFuzz_claimActiveRule(
        uint8 nSeed,
        uint8 rankSeed,
        uint32 failoverSeed,
        uint32 heartbeatSeed,
        uint32 silentSeed,
        uint32 beatSeed,
        uint32 activeBeatSeed,
        uint8 flags
    ) external {
        Timing memory t = _configure(nSeed, failoverSeed, heartbeatSeed);
        for (uint256 i = 0; i < (flags >> 4) % 3; ++i) appendBatch(abi.encode(i));
        ClaimCase memory c;
        c.rank = bound(rankSeed, 1, ranked.length - 1);
        uint64 horizon = uint64(bound(silentSeed, 0, t.failoverDelay * (c.rank + 1) + t.heartbeatWindow));
        c.beat = flags & 1 != 0;
        c.namesHead = flags & 2 != 0;
        c.activeBeats = flags & 4 != 0;
        if (flags & 8 != 0) {
            // exactly at the silence boundary (required or required + 1), with a fresh heartbeat near the end
            c.activeBeats = false;
            horizon = uint64(t.failoverDelay * c.rank) + ((flags >> 6) & 1);
            beatSeed = uint32(
                horizon - (beatSeed % (t.heartbeatWindow + 2) > horizon ? horizon : beatSeed % (t.heartbeatWindow + 2))
            );
        }
        c.beatAt = T0 + uint64(bound(beatSeed, 0, horizon));
        c.activeBeatAt = T0 + uint64(bound(activeBeatSeed, 0, horizon));
        address claimant = ranked[c.rank];
        address primary = ranked[0];
        bytes32 head = inbox.headAccumulator();

        // Events in time order.
        if (c.activeBeats && (!c.beat || c.activeBeatAt <= c.beatAt)) _beat(primary, c.activeBeatAt, head);
        if (c.beat) _beat(claimant, c.beatAt, c.namesHead ? head : keccak256("stale"));
        if (c.activeBeats && c.beat && c.activeBeatAt > c.beatAt) _beat(primary, c.activeBeatAt, head);
        vm.warp(T0 + horizon);

        // the active sequencer's heartbeat counts only up to heartbeatWindow after its last batch (at T0)
        uint64 lastSignal = T0;
        uint64 backed = c.activeBeatAt < T0 + t.heartbeatWindow ? c.activeBeatAt : T0 + t.heartbeatWindow;
        if (c.activeBeats && backed > lastSignal) lastSignal = backed;
        uint64 silent = uint64(block.timestamp) - lastSignal;
        vm.assertEq(set.silentFor(), silent, "silentFor");
        uint64 required = uint64(t.failoverDelay * c.rank);
        uint64 age = c.beat ? uint64(block.timestamp) - c.beatAt : type(uint64).max;
        bool fresh = c.beat && age <= t.heartbeatWindow;
        bytes32 hbAcc = c.beat ? (c.namesHead ? head : keccak256("stale")) : bytes32(0);

        if (silent <= required) {
            vm.expectRevert(abi.encodeWithSelector(ISequencerSet.ActiveNotSilent.selector, silent, required));
        } else if (!fresh || hbAcc != head) {
            vm.expectRevert(abi.encodeWithSelector(ISequencerSet.NotReady.selector, claimant, hbAcc, head, age));
        }
        vm.prank(claimant);
        set.claimActive();
        bool ok = silent > required && fresh && hbAcc == head;
        vm.assertEq(set.active(), ok ? claimant : primary, "active");

        if (ok) {
            // The replaced sequencer's batches now revert; the new one posts.
            ISequencerInbox.BatchHeader memory h = header(0, 1);
            vm.prank(primary);
            vm.expectRevert(abi.encodeWithSelector(ISequencerInbox.NotActiveSequencer.selector, primary, claimant));
            inbox.appendBatch("old", h);
            vm.prank(claimant);
            inbox.appendBatch("new", h);
        }
    }

    /// @dev The heartbeat freshness boundary for a claim: age == heartbeatWindow is fresh, one second more is stale.
    function testFuzz_claimHeartbeatFreshnessBoundary(bool oneMore, uint8 rankSeed) external {
        Sla memory s = slaConfig.getSla();
        uint256 rank = bound(rankSeed, 1, 2);
        address claimant = ranked[rank];
        uint64 claimAt = T0 + s.failoverDelay * uint64(rank) + s.heartbeatWindow + 1;
        uint64 age = s.heartbeatWindow + (oneMore ? 1 : 0);
        _beat(claimant, claimAt - age, bytes32(0));
        vm.warp(claimAt);
        if (oneMore) {
            vm.expectRevert(
                abi.encodeWithSelector(ISequencerSet.NotReady.selector, claimant, bytes32(0), bytes32(0), age)
            );
        }
        vm.prank(claimant);
        set.claimActive();
        vm.assertEq(set.active(), oneMore ? ranked[0] : claimant, "active");
    }

    function testFuzz_nonMemberCannotClaim(address who) external {
        vm.assume(who != ranked[0] && who != ranked[1] && who != ranked[2]);
        vm.warp(block.timestamp + 1 days);
        vm.prank(who);
        vm.expectRevert(abi.encodeWithSelector(ISequencerSet.NotMember.selector, who));
        set.claimActive();
    }

    function test_activeCannotClaimItself() external {
        vm.prank(ranked[0]);
        vm.expectRevert(abi.encodeWithSelector(ISequencerSet.AlreadyActive.selector, ranked[0]));
        set.claimActive();
    }

    /// @dev Primary reclaiming after a failover waits like rank 1.
    function testFuzz_primaryReclaimWaitsRankOne(uint32 waitSeed) external {
        Sla memory s = slaConfig.getSla();
        uint64 start = uint64(block.timestamp);
        _beat(ranked[1], start, bytes32(0));
        vm.warp(start + s.failoverDelay + 1);
        vm.prank(ranked[1]);
        set.claimActive();
        uint64 since = uint64(block.timestamp);
        uint64 wait = uint64(bound(waitSeed, 0, 3 * s.failoverDelay));
        _beat(ranked[0], since + wait, bytes32(0));
        if (wait <= s.failoverDelay) {
            vm.expectRevert(abi.encodeWithSelector(ISequencerSet.ActiveNotSilent.selector, wait, s.failoverDelay));
        }
        vm.prank(ranked[0]);
        set.claimActive();
        vm.assertEq(set.active(), wait > s.failoverDelay ? ranked[0] : ranked[1], "active");
    }

    function testFuzz_handoverNeedsReadyMember(bool ready, uint32 ageSeed) external {
        Sla memory s = slaConfig.getSla();
        appendBatch("a");
        bytes32 head = inbox.headAccumulator();
        _beat(ranked[2], uint64(block.timestamp), ready ? head : bytes32(uint256(1)));
        uint64 age = uint64(bound(ageSeed, 0, 2 * s.heartbeatWindow));
        if (ageSeed % 4 == 0) age = s.heartbeatWindow + uint64((ageSeed >> 2) & 1); // the freshness boundary
        vm.warp(block.timestamp + age);
        bool ok = ready && age <= s.heartbeatWindow;
        if (!ok) {
            vm.expectRevert(
                abi.encodeWithSelector(
                    ISequencerSet.NotReady.selector,
                    ranked[2],
                    ready ? head : bytes32(uint256(1)),
                    head,
                    age
                )
            );
        }
        vm.prank(ranked[0]);
        set.handover(ranked[2]);
        vm.assertEq(set.active(), ok ? ranked[2] : ranked[0], "active");
    }

    // ------------------------------------------------------------------ finding 3: half-dead primary

    /// @dev The primary posts once, then only heartbeats (naming a stale accumulator) every minute. After
    ///      heartbeatWindow + failoverDelay since its last batch, the ready rank-1 standby takes over. On the old
    ///      code each heartbeat reset the silence, so the claim reverted ActiveNotSilent forever.
    function test_heartbeatingPrimaryWithoutBatchesLosesRole() external {
        Sla memory s = slaConfig.getSla();
        vm.warp(T0 + 100);
        appendBatch("last");
        uint64 lb = uint64(block.timestamp);
        uint64 claimAt = lb + s.heartbeatWindow + s.failoverDelay + 1;
        for (uint64 t = lb + 60; t <= claimAt; t += 60) _beat(ranked[0], t, keccak256("stale"));
        _beat(ranked[0], claimAt - 1, keccak256("stale"));
        _beat(ranked[1], claimAt - 1, inbox.headAccumulator());
        vm.assertEq(set.lastActiveSignal(), lb + s.heartbeatWindow, "heartbeats capped at lastBatch + window");

        vm.warp(claimAt - 1);
        vm.prank(ranked[1]);
        vm.expectRevert(abi.encodeWithSelector(ISequencerSet.ActiveNotSilent.selector, s.failoverDelay, s.failoverDelay));
        set.claimActive();

        vm.warp(claimAt);
        _beat(ranked[0], claimAt, keccak256("stale")); // still beating at the very second
        vm.prank(ranked[1]);
        set.claimActive();
        vm.assertEq(set.active(), ranked[1], "standby took over");
    }

    /// @dev A sequencer that has just claimed the role (no batch of its own yet) keeps its lease with heartbeats for
    ///      one heartbeat window after the claim, then only batches count.
    function test_newlyActiveHeartbeatsCountForOneWindowAfterClaim() external {
        Sla memory s = slaConfig.getSla();
        vm.warp(T0 + 10);
        appendBatch("b");
        uint64 claimAt = uint64(block.timestamp) + s.heartbeatWindow + s.failoverDelay + 1;
        _beat(ranked[1], claimAt, inbox.headAccumulator());
        vm.prank(ranked[1]);
        set.claimActive();
        vm.assertEq(set.lastActiveSignal(), claimAt, "taking the role is a sign of life");
        _beat(ranked[1], claimAt + s.heartbeatWindow / 2, inbox.headAccumulator());
        vm.assertEq(set.lastActiveSignal(), claimAt + s.heartbeatWindow / 2, "heartbeat within the window counts");
        _beat(ranked[1], claimAt + 2 * s.heartbeatWindow, inbox.headAccumulator());
        vm.assertEq(set.lastActiveSignal(), claimAt + s.heartbeatWindow, "capped one window after the claim");
    }

    /// @dev A heartbeat `k` seconds after the last batch extends the lease by exactly min(k, heartbeatWindow):
    ///      the rank-1 claim reverts at signal + failoverDelay and succeeds one second later (exact seconds).
    function testFuzz_heartbeatAfterBatchExtendsLeaseWithinWindow(uint32 kSeed, bool boundary) external {
        Sla memory s = slaConfig.getSla();
        vm.warp(T0 + 50);
        appendBatch("b");
        uint64 lb = uint64(block.timestamp);
        uint64 k = uint64(bound(kSeed, 0, 3 * s.heartbeatWindow));
        if (boundary) k = s.heartbeatWindow + (kSeed % 2 == 0 ? 0 : 1); // at the window's edge, or one past
        _beat(ranked[0], lb + k, inbox.headAccumulator());
        uint64 signal = lb + (k < s.heartbeatWindow ? k : s.heartbeatWindow);
        vm.assertEq(set.lastActiveSignal(), signal, "lastActiveSignal");
        uint64 at = signal + s.failoverDelay;
        if (at < lb + k) at = lb + k; // time never goes back
        _beat(ranked[1], at, inbox.headAccumulator());
        vm.assertEq(set.silentFor(), at - signal, "silentFor");
        if (at - signal <= s.failoverDelay) {
            vm.prank(ranked[1]);
            vm.expectRevert(
                abi.encodeWithSelector(ISequencerSet.ActiveNotSilent.selector, at - signal, s.failoverDelay)
            );
            set.claimActive();
            vm.warp(signal + s.failoverDelay + 1);
        }
        vm.prank(ranked[1]);
        set.claimActive();
        vm.assertEq(set.active(), ranked[1], "claimed");
    }

    /// @dev A batch alone keeps the lease for failoverDelay; a heartbeat right at lastBatch + heartbeatWindow keeps
    ///      it that much longer.
    function test_heartbeatExactlyAtWindowEdgeCounts() external {
        Sla memory s = slaConfig.getSla();
        appendBatch("b");
        uint64 lb = uint64(block.timestamp);
        _beat(ranked[0], lb + s.heartbeatWindow, bytes32(0));
        vm.assertEq(set.lastActiveSignal(), lb + s.heartbeatWindow, "edge counts in full");
        _beat(ranked[0], lb + s.heartbeatWindow + 1, bytes32(0));
        vm.assertEq(set.lastActiveSignal(), lb + s.heartbeatWindow, "one past the edge is capped");
        appendBatch("c");
        vm.assertEq(set.lastActiveSignal(), uint64(block.timestamp), "a new batch is a signal");
    }

    // ------------------------------------------------------------------ finding 5: readiness across forced inclusions

    /// @dev Primary posts A; later the queue head is overdue. A standby heartbeats at A (the head), then a stranger
    ///      force-includes: the head is now the forced batch, yet A is still a sync point, so the standby is ready and
    ///      claims. On the old code (readiness == head) it was not ready.
    function test_standbyAtHeadBeforeForcedTailIsReady() external {
        appendBatch("A");
        bytes32 a = inbox.headAccumulator();
        delayed.enqueue("overdue");
        vm.warp(block.timestamp + 1 hours + 1);
        vm.roll(block.number + 301);
        _beat(ranked[1], uint64(block.timestamp), a);
        vm.prank(address(0x57A1E));
        inbox.forceInclude(1);
        vm.assertTrue(inbox.headAccumulator() != a, "head moved");
        vm.assertTrue(set.isReady(ranked[1]), "ready at the head before the forced tail");
        vm.prank(ranked[1]);
        set.claimActive();
        vm.assertEq(set.active(), ranked[1], "claimed");
    }

    /// @dev A heartbeat naming an older accumulator (before A) is not ready; naming the forced head is.
    function test_standbyReadinessAroundForcedBatch() external {
        bytes32 genesis = inbox.headAccumulator();
        appendBatch("A");
        delayed.enqueue("overdue");
        vm.warp(block.timestamp + 1 hours + 1);
        vm.roll(block.number + 301);
        inbox.forceInclude(1);
        bytes32 forcedHead = inbox.headAccumulator();
        _beat(ranked[1], uint64(block.timestamp), genesis);
        vm.assertFalse(set.isReady(ranked[1]), "older accumulator is not ready");
        vm.prank(ranked[1]);
        vm.expectRevert(
            abi.encodeWithSelector(ISequencerSet.NotReady.selector, ranked[1], genesis, forcedHead, uint64(0))
        );
        set.claimActive();
        _beat(ranked[2], uint64(block.timestamp), forcedHead);
        vm.assertTrue(set.isReady(ranked[2]), "forced head is ready");
        vm.warp(block.timestamp + 1);
        _beat(ranked[1], uint64(block.timestamp), forcedHead);
        vm.prank(ranked[1]);
        set.claimActive();
        vm.assertEq(set.active(), ranked[1], "claimed after naming the forced head");
    }

    // ------------------------------------------------------------------ finding 8: setSequencers reordering

    /// @dev The active sequencer stays active, whatever its new rank, while it is in the list (through governance).
    function testFuzz_reorderKeepsActiveWhileListed(uint8 rankSeed) external {
        address act = set.active();
        uint64 since = set.activeSince();
        uint256 n = 4;
        uint256 rank = bound(rankSeed, 0, n - 1);
        address[] memory list = new address[](n);
        uint256 next = 3;
        for (uint256 i = 0; i < n; ++i) list[i] = i == rank ? act : sequencerAddr(next++);
        vm.warp(block.timestamp + 1 hours);
        govExecute(address(set), abi.encodeCall(SequencerSet.setSequencers, (list)));
        vm.assertEq(set.active(), act, "active kept");
        vm.assertEq(set.activeSince(), since, "activeSince kept");
        vm.assertEq(set.rankOf(act), rank, "new rank");
    }

    /// @dev Removing the active sequencer moves the role to the new primary, with reason Governance.
    function test_removingActiveMovesRoleToNewPrimary() external {
        address act = set.active();
        address[] memory list = new address[](2);
        list[0] = ranked[2];
        list[1] = ranked[1];
        vm.warp(block.timestamp + 1 hours);
        uint64 silent = set.silentFor();
        vm.expectEmit();
        emit ISequencerSet.ActiveChanged(act, ranked[2], ISequencerSet.Change.Governance, silent);
        vm.prank(address(timelock));
        set.setSequencers(list);
        vm.assertEq(set.active(), ranked[2], "new primary active");
        vm.assertEq(set.activeSince(), uint64(block.timestamp), "activeSince");
        _assertCannotPost(act);
    }

    /// @dev The removed sequencer can no longer post.
    function _assertCannotPost(address removed) private {
        ISequencerInbox.BatchHeader memory h = header(0, 1);
        address act = set.active();
        vm.prank(removed);
        vm.expectRevert(abi.encodeWithSelector(ISequencerInbox.NotActiveSequencer.selector, removed, act));
        inbox.appendBatch("old", h);
    }

    function testFuzz_setSequencersOnlyGovernor(address who) external {
        vm.assume(who != address(timelock));
        address[] memory list = new address[](1);
        list[0] = ranked[1];
        vm.prank(who);
        vm.expectRevert(abi.encodeWithSelector(NotGovernor.selector, who));
        set.setSequencers(list);
    }

    function _beat(address who, uint64 at, bytes32 acc) private {
        vm.warp(at);
        vm.prank(who);
        set.heartbeat(acc);
    }
}
