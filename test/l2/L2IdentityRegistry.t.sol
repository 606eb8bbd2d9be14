// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";

import {TestBase} from "../lib/TestBase.sol";
import {ZeroAddress} from "../../contracts/libraries/Errors.sol";
import {IL2IdentityRegistry} from "../../contracts/l2/IL2IdentityRegistry.sol";
import {L2IdentityRegistry} from "../../contracts/l2/L2IdentityRegistry.sol";

/// @notice Who registers issuers (the owner) and who publishes roots (each issuer's publisher).
contract L2IdentityRegistryTest is TestBase {
    L2IdentityRegistry internal reg;
    address internal constant GOV = address(0x60F);
    address internal constant PUB = address(0x9B);

    function setUp() public {
        reg = new L2IdentityRegistry(GOV);
    }

    function test_ownerRegistersPublisherPublishes() public {
        vm.prank(GOV);
        reg.registerIssuer(7, PUB);
        vm.prank(PUB);
        reg.publishRoot(7, 123);
        IL2IdentityRegistry.Issuer memory s = reg.issuer(7);
        vm.assertEq(s.publisher, PUB, "publisher");
        vm.assertEq(s.currentRoot, 123, "root");
        (uint32[] memory ids, uint256[] memory roots) = reg.issuerRoots(0, 9);
        vm.assertEq(ids.length, 1, "one issuer");
        vm.assertEq(uint256(ids[0]), 7, "id");
        vm.assertEq(roots[0], 123, "root listed");
    }

    function testFuzz_onlyOwnerRegisters(address caller) public {
        vm.assume(caller != GOV);
        vm.prank(caller);
        vm.expectRevert(abi.encodeWithSelector(Ownable.OwnableUnauthorizedAccount.selector, caller));
        reg.registerIssuer(1, PUB);
    }

    function testFuzz_onlyPublisherPublishes(address caller, uint256 root) public {
        vm.assume(caller != PUB);
        root = bound(root, 1, type(uint256).max);
        vm.prank(GOV);
        reg.registerIssuer(1, PUB);
        vm.prank(caller);
        vm.expectRevert(abi.encodeWithSelector(IL2IdentityRegistry.NotPublisher.selector, uint32(1), caller));
        reg.publishRoot(1, root);
    }

    function test_refusals() public {
        vm.startPrank(GOV);
        vm.expectRevert(ZeroAddress.selector);
        reg.registerIssuer(1, address(0));
        reg.registerIssuer(1, PUB);
        vm.expectRevert(abi.encodeWithSelector(IL2IdentityRegistry.IssuerExists.selector, uint32(1)));
        reg.registerIssuer(1, PUB);
        vm.expectRevert(abi.encodeWithSelector(IL2IdentityRegistry.UnknownIssuer.selector, uint32(2)));
        reg.setPublisher(2, PUB);
        reg.setPublisher(1, address(0xABC));
        vm.stopPrank();
        vm.prank(PUB);
        vm.expectRevert(abi.encodeWithSelector(IL2IdentityRegistry.NotPublisher.selector, uint32(1), PUB));
        reg.publishRoot(1, 5);
        vm.prank(address(0xABC));
        vm.expectRevert(IL2IdentityRegistry.ZeroRoot.selector);
        reg.publishRoot(1, 0);
        vm.expectRevert(abi.encodeWithSelector(IL2IdentityRegistry.UnknownIssuer.selector, uint32(3)));
        reg.publishRoot(3, 5);
    }
}
