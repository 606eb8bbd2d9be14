// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;
import {RollupFixture} from "./RollupFixture.sol";
import {ThresholdSig} from "../../contracts/libraries/ThresholdSig.sol";
import {ExitController} from "../../contracts/rollup/ExitController.sol";
import {RawDigestWallet} from "../mocks/RawDigestWallet.sol";
contract ZzProbeTest is RollupFixture {
    function test_probeHighS() external {
        address owner0 = vm.addr(councilPk(0));
        RawDigestWallet w = new RawDigestWallet(owner0);
        address[] memory members = new address[](COUNCIL_SIZE + 1);
        for (uint256 i = 0; i < COUNCIL_SIZE; ++i) members[i] = councilMembers[i];
        members[COUNCIL_SIZE] = address(w);
        ExitController c = new ExitController(members, 4, slaConfig, inbox, sc, timelock);
        uint256 deadline = block.timestamp + 1 hours;
        bytes32 d = c.triggerExitDigest("double", 1, deadline);
        ThresholdSig.Signature[] memory sigs = new ThresholdSig.Signature[](4);
        for (uint256 i = 0; i < 3; ++i) sigs[i] = ThresholdSig.Signature(vm.addr(councilPk(i)), ecdsa(councilPk(i), d));
        sigs[3] = ThresholdSig.Signature(address(w), malleate(ecdsa(councilPk(0), d)));
        c.triggerExit("double", 1, deadline, sortSigs(sigs));
        vm.assertTrue(c.inExit(), "3 keys met a threshold of 4 via a high-s twin");
    }
}
