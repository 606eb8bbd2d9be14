// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {MessageHashUtils} from "@openzeppelin/contracts/utils/cryptography/MessageHashUtils.sol";

import {TestBase} from "../lib/TestBase.sol";
import {TestMerkle} from "../lib/TestMerkle.sol";
import {Sla} from "../../contracts/rollup/ISlaConfig.sol";
import {ISequencerInbox} from "../../contracts/rollup/ISequencerInbox.sol";
import {IStateCommitment} from "../../contracts/rollup/IStateCommitment.sol";
import {IExitController} from "../../contracts/rollup/IExitController.sol";
import {ThresholdSig} from "../../contracts/libraries/ThresholdSig.sol";
import {StackFactory} from "../../contracts/deploy/StackFactory.sol";
import {ExitController} from "../../contracts/rollup/ExitController.sol";
import {CouncilTimelock} from "../../contracts/rollup/CouncilTimelock.sol";
import {SlaConfig} from "../../contracts/rollup/SlaConfig.sol";
import {DelayedInbox} from "../../contracts/rollup/DelayedInbox.sol";
import {SequencerSet} from "../../contracts/rollup/SequencerSet.sol";
import {SequencerInbox} from "../../contracts/rollup/SequencerInbox.sol";
import {StateCommitment} from "../../contracts/rollup/StateCommitment.sol";
import {RollupVault} from "../../contracts/rollup/RollupVault.sol";
import {MockMultisig} from "../mocks/MockMultisig.sol";
import {TestToken} from "../mocks/TestToken.sol";

/// @notice Key material and signing helpers shared by fixtures and invariant handlers.
/// @dev The header of the next batch on `inbox`: builds on the head, `nBlocks` L2 blocks, valid this second.
function nextHeader(
    SequencerInbox inbox,
    uint64 delayedCount,
    uint64 nBlocks
) view returns (ISequencerInbox.BatchHeader memory) {
    uint64 start = inbox.nextL2Block();
    return
        ISequencerInbox.BatchHeader({
            prevAccumulator: inbox.headAccumulator(),
            delayedCount: delayedCount,
            l2BlockStart: start,
            l2BlockEnd: start + nBlocks - 1,
            minTimestamp: uint64(block.timestamp),
            maxTimestamp: uint64(block.timestamp)
        });
}

abstract contract Signers is TestBase {
    uint256 internal constant SECP256K1_N = 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141;

    /// @dev Council: 4 EOAs + 1 ERC-1271 multisig (2-of-2 owners), threshold 3 of 5.
    uint256 internal constant COUNCIL_EOAS = 4;
    uint256 internal constant COUNCIL_SIZE = 5;
    uint256 internal constant COUNCIL_THRESHOLD = 3;
    /// @dev Validators: 4 EOAs, threshold 3.
    uint256 internal constant VALIDATORS = 4;
    uint256 internal constant VALIDATOR_THRESHOLD = 3;

    function councilPk(uint256 i) internal pure returns (uint256) {
        return 0xC0C0_0000 + i + 1;
    }

    function msigOwnerPk(uint256 i) internal pure returns (uint256) {
        return 0x5AFE_0000 + i + 1;
    }

    function validatorPk(uint256 i) internal pure returns (uint256) {
        return 0x7A11_0000 + i + 1;
    }

    function sequencerAddr(uint256 i) internal pure returns (address) {
        return address(uint160(0x5E0_0000 + i + 1));
    }

    function ecdsa(uint256 pk, bytes32 digest) internal pure returns (bytes memory) {
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(pk, digest);
        return abi.encodePacked(r, s, v);
    }

    /// @dev The same signature with s' = n - s and the flipped v: valid for ecrecover, rejected by OpenZeppelin.
    function malleate(bytes memory sig) internal pure returns (bytes memory) {
        bytes32 r;
        bytes32 s;
        uint8 v;
        assembly {
            r := mload(add(sig, 32))
            s := mload(add(sig, 64))
            v := byte(0, mload(add(sig, 96)))
        }
        return abi.encodePacked(r, bytes32(SECP256K1_N - uint256(s)), v == 27 ? uint8(28) : uint8(27));
    }

    function sortSigs(ThresholdSig.Signature[] memory sigs) internal pure returns (ThresholdSig.Signature[] memory) {
        for (uint256 i = 1; i < sigs.length; ++i) {
            ThresholdSig.Signature memory cur = sigs[i];
            uint256 j = i;
            while (j > 0 && sigs[j - 1].signer > cur.signer) {
                sigs[j] = sigs[j - 1];
                --j;
            }
            sigs[j] = cur;
        }
        return sigs;
    }

    function popcount(uint256 mask) internal pure returns (uint256 c) {
        for (; mask != 0; mask &= mask - 1) ++c;
    }

    /// @dev The fixture's multisig: both owners' ECDSA signatures, in ascending owner order.
    function multisigSignature(bytes32 digest) internal pure returns (bytes memory) {
        address a0 = vm.addr(msigOwnerPk(0));
        address a1 = vm.addr(msigOwnerPk(1));
        (uint256 first, uint256 second) = a0 < a1 ? (0, 1) : (1, 0);
        return bytes.concat(ecdsa(msigOwnerPk(first), digest), ecdsa(msigOwnerPk(second), digest));
    }

    /// @dev Council member `i` (i < 4: EOA, i == 4: the multisig) signing `digest`.
    function councilSig(
        MockMultisig msig,
        uint256 i,
        bytes32 digest
    ) internal pure returns (ThresholdSig.Signature memory) {
        if (i < COUNCIL_EOAS) return ThresholdSig.Signature(vm.addr(councilPk(i)), ecdsa(councilPk(i), digest));
        return ThresholdSig.Signature(address(msig), multisigSignature(digest));
    }

    /// @dev Signatures of the council members selected by bit mask, sorted by signer.
    function councilSigs(
        MockMultisig msig,
        bytes32 digest,
        uint256 mask
    ) internal pure returns (ThresholdSig.Signature[] memory sigs) {
        sigs = new ThresholdSig.Signature[](popcount(mask & 0x1f));
        uint256 k;
        for (uint256 i = 0; i < COUNCIL_SIZE; ++i) {
            if (mask & (1 << i) != 0) sigs[k++] = councilSig(msig, i, digest);
        }
        return sortSigs(sigs);
    }

    function validatorSigs(bytes32 digest, uint256 mask) internal pure returns (ThresholdSig.Signature[] memory sigs) {
        sigs = new ThresholdSig.Signature[](popcount(mask & 0xf));
        uint256 k;
        for (uint256 i = 0; i < VALIDATORS; ++i) {
            if (mask & (1 << i) != 0)
                sigs[k++] = ThresholdSig.Signature(vm.addr(validatorPk(i)), ecdsa(validatorPk(i), digest));
        }
        return sortSigs(sigs);
    }
}


/// @notice The rollup deployed exactly as `scripts/lib/stack/rollup.ts` deploys it (through the CREATE3
///         `StackFactory`, every address computed up front, every reference immutable), plus helpers.
abstract contract RollupFixture is Signers {
    uint64 internal constant T0 = 1_700_000_000;
    uint64 internal constant B0 = 1_000;

    StackFactory internal factory;
    uint256 internal generation;
    ExitController internal ec;
    CouncilTimelock internal timelock;
    SlaConfig internal slaConfig;
    DelayedInbox internal delayed;
    SequencerSet internal set;
    SequencerInbox internal inbox;
    StateCommitment internal sc;
    RollupVault internal vault;
    MockMultisig internal msig;
    TestToken internal token;

    address[] internal councilMembers;
    address[] internal validatorMembers;
    address[] internal ranked;
    uint256 internal govNonce = 1_000_000;

    function defaultSla() internal pure returns (Sla memory) {
        return
            Sla({
                failoverDelay: 5 minutes,
                heartbeatWindow: 10 minutes,
                inclusionWindow: 1 hours,
                inclusionWindowBlocks: 300,
                maxDowntime: 4 hours,
                maxFinalityDelay: 12 hours,
                finalityDelay: 1 hours
            });
    }

    function setUp() public virtual {
        vm.warp(T0);
        vm.roll(B0);
        _deployRollup(defaultSla(), 1 hours);
    }

    function _salt(string memory name) private view returns (bytes32) {
        return keccak256(abi.encode(name, generation));
    }

    function _predict(string memory name) private view returns (address) {
        return factory.addressOf(address(this), _salt(name));
    }

    function _deploy(string memory name, bytes memory initCode) private returns (address deployed) {
        deployed = factory.deploy(_salt(name), initCode);
        vm.assertEq(deployed, _predict(name), name);
    }

    function _deployRollup(Sla memory s, uint256 timelockDelay) internal {
        address[] memory owners = new address[](2);
        owners[0] = vm.addr(msigOwnerPk(0));
        owners[1] = vm.addr(msigOwnerPk(1));
        msig = new MockMultisig(owners, 2);
        delete councilMembers;
        for (uint256 i = 0; i < COUNCIL_EOAS; ++i) councilMembers.push(vm.addr(councilPk(i)));
        councilMembers.push(address(msig));
        delete validatorMembers;
        for (uint256 i = 0; i < VALIDATORS; ++i) validatorMembers.push(vm.addr(validatorPk(i)));
        delete ranked;
        for (uint256 i = 0; i < 3; ++i) ranked.push(sequencerAddr(i));

        if (address(factory) == address(0)) factory = new StackFactory();
        generation += 1;
        address aEc = _predict("ExitController");
        address aTimelock = _predict("CouncilTimelock");
        address aSla = _predict("SlaConfig");
        address aDelayed = _predict("DelayedInbox");
        address aSet = _predict("SequencerSet");
        address aInbox = _predict("SequencerInbox");
        address aSc = _predict("StateCommitment");
        address aVault = _predict("RollupVault");
        ec = ExitController(
            _deploy(
                "ExitController",
                abi.encodePacked(
                    type(ExitController).creationCode,
                    abi.encode(councilMembers, COUNCIL_THRESHOLD, aSla, aInbox, aSc, aTimelock)
                )
            )
        );
        timelock = CouncilTimelock(
            payable(
                _deploy(
                    "CouncilTimelock",
                    abi.encodePacked(type(CouncilTimelock).creationCode, abi.encode(timelockDelay, aEc))
                )
            )
        );
        slaConfig = SlaConfig(
            _deploy("SlaConfig", abi.encodePacked(type(SlaConfig).creationCode, abi.encode(aTimelock, s)))
        );
        delayed = DelayedInbox(
            _deploy("DelayedInbox", abi.encodePacked(type(DelayedInbox).creationCode, abi.encode(aEc, aVault)))
        );
        set = SequencerSet(
            _deploy(
                "SequencerSet",
                abi.encodePacked(type(SequencerSet).creationCode, abi.encode(aTimelock, aSla, aEc, aInbox, ranked))
            )
        );
        inbox = SequencerInbox(
            _deploy(
                "SequencerInbox",
                abi.encodePacked(type(SequencerInbox).creationCode, abi.encode(aSet, aDelayed, aSla, aEc))
            )
        );
        sc = StateCommitment(
            _deploy(
                "StateCommitment",
                abi.encodePacked(
                    type(StateCommitment).creationCode,
                    abi.encode(aTimelock, aSla, aInbox, aEc, validatorMembers, VALIDATOR_THRESHOLD)
                )
            )
        );
        vault = RollupVault(
            _deploy("RollupVault", abi.encodePacked(type(RollupVault).creationCode, abi.encode(aDelayed, aSc, aEc)))
        );
        token = new TestToken("Test", "TST");
    }

    // ------------------------------------------------------------------ inbox helpers

    function header(uint64 delayedCount, uint64 nBlocks) internal view returns (ISequencerInbox.BatchHeader memory h) {
        return nextHeader(inbox, delayedCount, nBlocks);
    }

    function appendAs(address who, bytes memory data, uint64 delayedCount) internal returns (uint256) {
        ISequencerInbox.BatchHeader memory h = header(delayedCount, 1);
        vm.prank(who);
        return inbox.appendBatch(data, h);
    }

    function appendBatch(bytes memory data) internal returns (uint256) {
        return appendAs(set.active(), data, inbox.delayedConsumed());
    }

    // ------------------------------------------------------------------ commitment helpers

    function commitmentData(
        uint256 batchIndex,
        bytes32 exitRoot
    ) internal view returns (IStateCommitment.CommitmentData memory c) {
        uint256 idx = sc.count();
        c = IStateCommitment.CommitmentData({
            index: idx,
            batchIndex: batchIndex,
            accumulator: inbox.accumulatorOf(batchIndex),
            l2StateRoot: keccak256(abi.encode("state", idx, batchIndex)),
            exitRoot: exitRoot,
            identityRoot: keccak256(abi.encode("id", idx))
        });
    }

    function commit(uint256 batchIndex, bytes32 exitRoot) internal returns (uint256 idx) {
        IStateCommitment.CommitmentData memory c = commitmentData(batchIndex, exitRoot);
        uint256 deadline = block.timestamp + 1 hours;
        sc.commit(c, deadline, validatorSigs(sc.commitmentDigest(c, deadline), 0x7));
        return c.index;
    }

    // ------------------------------------------------------------------ council helpers

    function ecDomainSeparator(address verifying) internal view returns (bytes32) {
        return
            keccak256(
                abi.encode(
                    keccak256("EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)"),
                    keccak256("SovereignExitController"),
                    keccak256("1"),
                    block.chainid,
                    verifying
                )
            );
    }

    function ecDigest(bytes32 structHash) internal view returns (bytes32) {
        return MessageHashUtils.toTypedDataHash(ecDomainSeparator(address(ec)), structHash);
    }

    function councilTriggerExit() internal {
        uint256 nonce = govNonce++;
        uint256 deadline = block.timestamp + 1 days;
        bytes32 d = ec.triggerExitDigest("drill", nonce, deadline);
        ec.triggerExit("drill", nonce, deadline, councilSigs(msig, d, 0x7));
    }

    /// @dev A one-call governance operation for the council's timelock.
    function operation(address target, bytes memory data) internal view returns (IExitController.Operation memory op) {
        op.targets = new address[](1);
        op.targets[0] = target;
        op.values = new uint256[](1);
        op.payloads = new bytes[](1);
        op.payloads[0] = data;
        op.salt = bytes32(govNonce);
        op.delay = timelock.getMinDelay();
    }

    /// @dev Schedules `op` with council signatures (the members in `mask`); returns the timelock operation id.
    function govSchedule(IExitController.Operation memory op, uint256 mask) internal returns (bytes32 id) {
        uint256 nonce = govNonce++;
        uint256 deadline = block.timestamp + 1 days;
        bytes32 d = ec.scheduleDigest(op, nonce, deadline);
        return ec.schedule(op, nonce, deadline, councilSigs(msig, d, mask));
    }

    /// @dev Executes a scheduled operation on the timelock (anyone may).
    function govExecuteScheduled(IExitController.Operation memory op) internal {
        timelock.executeBatch(op.targets, op.values, op.payloads, op.predecessor, op.salt);
    }

    /// @dev Schedules `target.call(data)` with council signatures and executes it after the timelock.
    function govExecute(address target, bytes memory data) internal {
        IExitController.Operation memory op = operation(target, data);
        govSchedule(op, 0x13);
        vm.warp(block.timestamp + op.delay);
        govExecuteScheduled(op);
    }
}
