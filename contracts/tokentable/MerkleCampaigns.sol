// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {MerkleProof} from "@openzeppelin/contracts/utils/cryptography/MerkleProof.sol";
import {SignatureChecker} from "@openzeppelin/contracts/utils/cryptography/SignatureChecker.sol";
import {Nonces} from "@openzeppelin/contracts/utils/Nonces.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";

import {IAttestationRegistry} from "../attestation/IAttestationRegistry.sol";
import {IZkIdentityVerifier} from "../identity/IZkIdentityVerifier.sol";
import {ZeroAddress, ZeroAmount} from "../libraries/Errors.sol";
import {IMerkleCampaigns} from "./IMerkleCampaigns.sol";
import {LengthMismatch, TokenTransfers} from "./TokenTransfers.sol";
import {VestingMath} from "./VestingMath.sol";
import {VestingPresets} from "./VestingPresets.sol";

/// @title MerkleCampaigns
/// @notice Mass distribution: many campaigns in one contract, each with its own token, funding, Merkle root, window
///         and clawback address; instant or vested leaves; plain, attestation-gated or anonymous (ZK) claims; relayer
///         batches. Each campaign's funds are its own: `paid + clawedBack <= funded` per campaign, checked on every
///         payout, and no code path pays one campaign's claim or clawback from another's record.
/// @dev Leaves: keccak256(bytes.concat(keccak256(abi.encode(index, account, amount)))) (OpenZeppelin
///      StandardMerkleTree). Instant campaigns keep a claim bitmap by index (one word per 255 leaves, plus a spare
///      bit that {warmClaimBitmap} sets); vested campaigns keep the amount paid per index. A batch writes each bitmap word once per run of indices in the
///      same word and the campaign's `paid` once.
contract MerkleCampaigns is IMerkleCampaigns, VestingPresets, EIP712, Nonces, ReentrancyGuardTransient {
    /// @inheritdoc IMerkleCampaigns
    uint256 public constant GRACE_PERIOD = 7 days;
    /// @inheritdoc IMerkleCampaigns
    bytes32 public constant CLAIM_TO_TYPEHASH = keccak256(
        "ClaimTo(uint256 campaignId,uint256 index,address account,uint256 amount,address to,uint256 nonce,uint256 deadline)"
    );

    uint8 private constant GATE_NONE = 0;
    uint8 private constant GATE_ATTESTATION = 1;
    uint8 private constant GATE_ZK = 2;

    uint8 private constant FLAG_CLOSED = 1;
    uint8 private constant FLAG_VESTED = 2;
    /// @dev Claim bits per bitmap word: 255, bit 255 of each word being its spare "warm" bit ({warmClaimBitmap}).
    uint256 private constant CLAIMS_PER_WORD = 255;
    uint256 private constant WARM_BIT = 1 << 255;

    /// @dev Storage of a campaign. A plain claim reads slots 0, 2 and 3 and writes slot 3; slot 1 is read only by
    ///      vested claims and clawbacks. A campaign exists iff `deadline != 0` (creation requires a deadline in the
    ///      future).
    struct Campaign {
        // slot 0: what every claim reads
        address token;
        uint40 start;
        uint40 deadline;
        uint8 gate;
        uint8 flags; // FLAG_CLOSED | FLAG_VESTED
        // slot 1
        address clawbackTo;
        uint40 createdAt;
        uint32 presetId;
        // slot 2
        bytes32 root;
        // slot 3
        uint128 funded;
        uint128 paid;
        // slot 4
        uint128 clawedBack;
        uint128 amountPerClaim;
    }

    /// @inheritdoc IMerkleCampaigns
    IAttestationRegistry public immutable attestationRegistry;
    /// @inheritdoc IMerkleCampaigns
    IZkIdentityVerifier public immutable identityVerifier;

    mapping(uint256 campaignId => Campaign) private _campaigns;
    mapping(uint256 campaignId => mapping(uint256 word => uint256)) private _claimedBitmap;
    mapping(uint256 campaignId => mapping(uint256 index => uint256)) private _claimedAmount;
    mapping(uint256 campaignId => bytes32) private _schemas;
    mapping(uint256 campaignId => mapping(address attester => bool)) private _attesters;
    mapping(uint256 campaignId => IZkIdentityVerifier.Policy) private _policies;
    uint256 private _count;

    /// @notice Deploys the campaigns contract.
    /// @param attestationRegistry_ the registry attestation-gated campaigns check (zero: no such campaigns)
    /// @param identityVerifier_ the ZK identity verifier anonymous campaigns use (zero: no such campaigns)
    constructor(
        IAttestationRegistry attestationRegistry_,
        IZkIdentityVerifier identityVerifier_
    ) EIP712("TokenTable MerkleCampaigns", "1") {
        attestationRegistry = attestationRegistry_;
        identityVerifier = identityVerifier_;
    }

    // ---- creation ----

    /// @inheritdoc IMerkleCampaigns
    function createCampaign(CampaignParams calldata p) external payable nonReentrant returns (uint256 campaignId) {
        campaignId = _create(p.token, p.funding, p.root, p.start, p.deadline, p.clawbackTo, p.presetId, GATE_NONE);
    }

    /// @inheritdoc IMerkleCampaigns
    function createAttestationCampaign(
        CampaignParams calldata p,
        bytes32 schema,
        address[] calldata attesters
    ) external payable nonReentrant returns (uint256 campaignId) {
        if (address(attestationRegistry) == address(0)) revert GateUnavailable();
        if (attesters.length == 0) revert LengthMismatch();
        campaignId = _create(
            p.token,
            p.funding,
            p.root,
            p.start,
            p.deadline,
            p.clawbackTo,
            p.presetId,
            GATE_ATTESTATION
        );
        _schemas[campaignId] = schema;
        for (uint256 i; i < attesters.length; ++i) {
            if (attesters[i] == address(0)) revert ZeroAddress();
            _attesters[campaignId][attesters[i]] = true;
        }
        emit AttestationGateSet(campaignId, schema, attesters);
    }

    /// @inheritdoc IMerkleCampaigns
    function createZkCampaign(
        address token,
        uint128 funding,
        uint128 amountPerClaim,
        uint40 start,
        uint40 deadline,
        address clawbackTo,
        IZkIdentityVerifier.Policy calldata policy
    ) external payable nonReentrant returns (uint256 campaignId) {
        if (address(identityVerifier) == address(0)) revert GateUnavailable();
        if (amountPerClaim == 0) revert ZeroAmount();
        campaignId = _create(token, funding, bytes32(0), start, deadline, clawbackTo, 0, GATE_ZK);
        _campaigns[campaignId].amountPerClaim = amountPerClaim;
        _policies[campaignId] = policy;
        emit ZkGateSet(campaignId, zkScope(campaignId), amountPerClaim, policy);
    }

    // ---- claims ----

    /// @inheritdoc IMerkleCampaigns
    function claim(
        uint256 campaignId,
        uint256 index,
        address account,
        uint256 amount,
        bytes32[] calldata proof
    ) external nonReentrant returns (uint256 paid) {
        Campaign storage c = _open(campaignId, GATE_NONE);
        paid = _claimLeaf(c, campaignId, index, account, amount, proof, account);
    }

    /// @inheritdoc IMerkleCampaigns
    function claimTo(
        uint256 campaignId,
        uint256 index,
        address account,
        uint256 amount,
        bytes32[] calldata proof,
        address to,
        uint256 nonce,
        uint256 sigDeadline,
        bytes calldata signature
    ) external nonReentrant returns (uint256 paid) {
        if (to == address(0)) revert ZeroAddress();
        if (block.timestamp > sigDeadline) revert SignatureExpired(sigDeadline);
        _useCheckedNonce(account, nonce);
        bytes32 digest = _hashTypedDataV4(
            keccak256(abi.encode(CLAIM_TO_TYPEHASH, campaignId, index, account, amount, to, nonce, sigDeadline))
        );
        if (!SignatureChecker.isValidSignatureNow(account, digest, signature)) revert BadSignature(account);
        Campaign storage c = _open(campaignId, GATE_NONE);
        paid = _claimLeaf(c, campaignId, index, account, amount, proof, to);
    }

    /// @inheritdoc IMerkleCampaigns
    function claimAttested(
        uint256 campaignId,
        uint256 index,
        address account,
        uint256 amount,
        bytes32[] calldata proof,
        AttestationProof calldata attestation
    ) external nonReentrant returns (uint256 paid) {
        Campaign storage c = _open(campaignId, GATE_ATTESTATION);
        if (!_attesters[campaignId][attestation.attester]) revert AttesterNotAccepted(attestation.attester);
        // The registry's uid commits to (schema, attester, time, expiry, refUID, keccak(subject), keccak(data)); the
        // subject of an EVM account is its 20 raw bytes (SDK encodeSubject).
        bytes32 uid = keccak256(
            abi.encode(
                _schemas[campaignId],
                attestation.attester,
                attestation.time,
                attestation.expirationTime,
                attestation.refUID,
                keccak256(abi.encodePacked(account)),
                attestation.dataHash
            )
        );
        if (!attestationRegistry.isValid(uid)) revert InvalidAttestation(uid);
        paid = _claimLeaf(c, campaignId, index, account, amount, proof, account);
    }

    /// @inheritdoc IMerkleCampaigns
    function claimAnonymous(
        uint256 campaignId,
        IZkIdentityVerifier.IdentityProof calldata proof
    ) external nonReentrant returns (uint256 nullifier) {
        Campaign storage c = _open(campaignId, GATE_ZK);
        address recipient = _recipientOf(proof, 0);
        uint256 amount = c.amountPerClaim;
        _debit(c, campaignId, amount);
        nullifier = identityVerifier.validateProof(proof, zkScope(campaignId), proof.message, _policies[campaignId]);
        emit AnonymousClaimed(campaignId, nullifier, recipient, amount);
        TokenTransfers.push(c.token, recipient, amount);
    }

    /// @inheritdoc IMerkleCampaigns
    function claimAnonymousMany(
        uint256 campaignId,
        IZkIdentityVerifier.IdentityProof[] calldata proofs
    ) external nonReentrant returns (uint256 total) {
        Campaign storage c = _open(campaignId, GATE_ZK);
        uint256 n = proofs.length;
        if (n == 0) revert LengthMismatch();
        for (uint256 i; i < n; ++i) _recipientOf(proofs[i], i);
        uint256 amount = c.amountPerClaim;
        total = amount * n;
        _debit(c, campaignId, total);
        // one batch verification against this campaign's scope and policy; records every nullifier (a repeat within
        // the batch or of an earlier claim reverts the whole batch)
        identityVerifier.validateProofs(proofs, zkScope(campaignId), _policies[campaignId]);
        address token = c.token;
        for (uint256 i; i < n; ++i) {
            address recipient = address(uint160(proofs[i].message));
            emit AnonymousClaimed(campaignId, proofs[i].nullifier, recipient, amount);
            TokenTransfers.push(token, recipient, amount);
        }
    }

    /// @inheritdoc IMerkleCampaigns
    function claimMany(uint256 campaignId, Claim[] calldata claims) external nonReentrant returns (uint256 total) {
        Campaign storage c = _open(campaignId, GATE_NONE);
        uint256 n = claims.length;
        if (n == 0) revert LengthMismatch();
        bytes32 root = c.root;
        Leaf[] memory leaves = new Leaf[](n);
        for (uint256 i; i < n; ++i) {
            Claim calldata cl = claims[i];
            _verify(root, cl.index, cl.account, cl.amount, cl.proof);
            leaves[i] = Leaf(cl.index, cl.account, cl.amount);
        }
        total = _settle(c, campaignId, leaves);
    }

    /// @inheritdoc IMerkleCampaigns
    function claimManyMultiproof(
        uint256 campaignId,
        Leaf[] calldata leaves,
        bytes32[] calldata proof,
        bool[] calldata proofFlags
    ) external nonReentrant returns (uint256 total) {
        Campaign storage c = _open(campaignId, GATE_NONE);
        uint256 n = leaves.length;
        if (n == 0) revert LengthMismatch();
        bytes32[] memory hashes = new bytes32[](n);
        for (uint256 i; i < n; ++i) {
            Leaf calldata leaf = leaves[i];
            // strictly ascending indices: the index-ordered tree's order (which the multiproof follows), no leaf twice
            if (i != 0 && leaf.index <= leaves[i - 1].index) revert LeavesNotInIndexOrder(i);
            hashes[i] = _leafHash(leaf.index, leaf.account, leaf.amount);
        }
        if (!MerkleProof.multiProofVerifyCalldata(proof, proofFlags, c.root, hashes)) revert InvalidMultiproof();
        total = _settle(c, campaignId, leaves);
    }

    // ---- clawback ----

    /// @inheritdoc IMerkleCampaigns
    function clawback(uint256 campaignId) external nonReentrant returns (uint256 amount) {
        Campaign storage c = _campaign(campaignId);
        address to = c.clawbackTo;
        if (msg.sender != to) revert NotClawbackAddress(msg.sender);
        if (c.flags & FLAG_CLOSED != 0) revert ClawbackNotAllowed(campaignId);
        uint128 paid = c.paid;
        bool afterDeadline = block.timestamp > c.deadline;
        bool inGrace = paid == 0 && block.timestamp < uint256(c.createdAt) + GRACE_PERIOD;
        if (!afterDeadline && !inGrace) revert ClawbackNotAllowed(campaignId);
        amount = c.funded - paid;
        c.flags |= FLAG_CLOSED;
        c.clawedBack = uint128(amount);
        emit ClawedBack(campaignId, to, amount);
        if (amount != 0) TokenTransfers.push(c.token, to, amount);
    }

    // ---- views ----

    /// @inheritdoc IMerkleCampaigns
    function getCampaign(uint256 campaignId) external view returns (CampaignView memory v) {
        Campaign storage c = _campaign(campaignId);
        v = CampaignView({
            token: c.token,
            start: c.start,
            deadline: c.deadline,
            createdAt: c.createdAt,
            clawbackTo: c.clawbackTo,
            presetId: c.presetId,
            root: c.root,
            funded: c.funded,
            paid: c.paid,
            clawedBack: c.clawedBack,
            amountPerClaim: c.amountPerClaim,
            gate: c.gate,
            closed: c.flags & FLAG_CLOSED != 0
        });
    }

    /// @inheritdoc IMerkleCampaigns
    function campaignCount() external view returns (uint256) {
        return _count;
    }

    /// @inheritdoc IMerkleCampaigns
    function isClaimed(uint256 campaignId, uint256 index) external view returns (bool) {
        (uint256 word, uint256 bit) = _claimSlot(index);
        return _claimedBitmap[campaignId][word] & bit != 0;
    }

    /// @inheritdoc IMerkleCampaigns
    function warmClaimBitmap(uint256 campaignId, uint256 firstWord, uint256 words) external {
        Campaign storage c = _campaign(campaignId);
        if (c.flags & FLAG_VESTED != 0) revert NotAnInstantCampaign(campaignId);
        mapping(uint256 => uint256) storage bitmap = _claimedBitmap[campaignId];
        uint256 end = firstWord + words;
        for (uint256 w = firstWord; w < end; ++w) bitmap[w] |= WARM_BIT;
        emit ClaimBitmapWarmed(campaignId, firstWord, words);
    }

    /// @inheritdoc IMerkleCampaigns
    function claimBitmapWords(uint256 leafCount) external pure returns (uint256) {
        return leafCount / CLAIMS_PER_WORD + (leafCount % CLAIMS_PER_WORD == 0 ? 0 : 1);
    }

    /// @inheritdoc IMerkleCampaigns
    function claimedAmount(uint256 campaignId, uint256 index) external view returns (uint256) {
        return _claimedAmount[campaignId][index];
    }

    /// @inheritdoc IMerkleCampaigns
    function claimable(uint256 campaignId, uint256 index, uint256 amount, uint256 at) external view returns (uint256) {
        Campaign storage c = _campaign(campaignId);
        if (c.flags & FLAG_CLOSED != 0 || at < c.start || at > c.deadline) return 0;
        uint32 presetId = c.presetId;
        if (presetId == 0) {
            (uint256 word, uint256 bit) = _claimSlot(index);
            return _claimedBitmap[campaignId][word] & bit != 0 ? 0 : amount;
        }
        uint256 vested = VestingMath.vested(amount, c.start, _presets[presetId], at);
        uint256 done = _claimedAmount[campaignId][index];
        return vested > done ? vested - done : 0;
    }

    /// @inheritdoc IMerkleCampaigns
    function zkScope(uint256 campaignId) public view returns (uint256) {
        return uint256(keccak256(abi.encode(address(this), campaignId))) >> 136;
    }

    /// @inheritdoc IMerkleCampaigns
    function zkPolicy(uint256 campaignId) external view returns (IZkIdentityVerifier.Policy memory) {
        return _policies[campaignId];
    }

    /// @inheritdoc IMerkleCampaigns
    function attestationSchema(uint256 campaignId) external view returns (bytes32) {
        return _schemas[campaignId];
    }

    /// @inheritdoc IMerkleCampaigns
    function isAcceptedAttester(uint256 campaignId, address attester) external view returns (bool) {
        return _attesters[campaignId][attester];
    }

    /// @inheritdoc IMerkleCampaigns
    function nonces(address account) public view override(IMerkleCampaigns, Nonces) returns (uint256) {
        return super.nonces(account);
    }

    // ---- internals ----

    function _create(
        address token,
        uint128 funding,
        bytes32 root,
        uint40 start,
        uint40 deadline,
        address clawbackTo,
        uint32 presetId,
        uint8 gate
    ) private returns (uint256 id) {
        if (clawbackTo == address(0)) revert ZeroAddress();
        if (funding == 0) revert ZeroAmount();
        if (deadline <= start || deadline <= block.timestamp) revert InvalidWindow(start, deadline);
        if (presetId != 0) _requirePreset(presetId);
        id = ++_count;
        Campaign storage c = _campaigns[id];
        c.token = token;
        c.start = start;
        c.deadline = deadline;
        c.gate = gate;
        if (presetId != 0) c.flags = FLAG_VESTED;
        c.clawbackTo = clawbackTo;
        c.createdAt = uint40(block.timestamp);
        c.presetId = presetId;
        c.root = root;
        c.funded = funding;
        emit CampaignCreated(id, msg.sender, token, funding, root, start, deadline, clawbackTo, presetId, gate);
        TokenTransfers.pullExact(token, msg.sender, funding);
    }

    /// @dev The campaign, if it exists, has gate `gate` and is open for claims now. Reads slot 0 only.
    function _open(uint256 id, uint8 gate) private view returns (Campaign storage c) {
        c = _campaigns[id];
        uint256 deadline = c.deadline;
        if (deadline == 0) revert UnknownCampaign(id);
        if (c.gate != gate) revert WrongGate(id);
        if (c.flags & FLAG_CLOSED != 0 || block.timestamp < c.start || block.timestamp > deadline) {
            revert ClaimsNotOpen(id);
        }
    }

    function _campaign(uint256 id) private view returns (Campaign storage c) {
        c = _campaigns[id];
        if (c.deadline == 0) revert UnknownCampaign(id);
    }

    /// @dev Where an instant campaign records that `index` was paid: bit `index % 255` of word `index / 255` (bit 255
    ///      of every word is the spare bit {warmClaimBitmap} sets).
    function _claimSlot(uint256 index) private pure returns (uint256 word, uint256 bit) {
        word = index / CLAIMS_PER_WORD;
        bit = 1 << (index % CLAIMS_PER_WORD);
    }

    /// @dev The StandardMerkleTree leaf keccak256(bytes.concat(keccak256(abi.encode(index, account, amount)))), with
    ///      scratch memory only.
    function _leafHash(uint256 index, address account, uint256 amount) private pure returns (bytes32 h) {
        assembly ("memory-safe") {
            let m := mload(0x40)
            mstore(m, index)
            mstore(add(m, 0x20), and(account, 0xffffffffffffffffffffffffffffffffffffffff))
            mstore(add(m, 0x40), amount)
            mstore(0x00, keccak256(m, 0x60))
            h := keccak256(0x00, 0x20)
        }
    }

    /// @dev Checks that the leaf of (index, account, amount), folded up `proof` with sorted pairs, gives `root`: the
    ///      rule of OpenZeppelin's `MerkleProof.verifyCalldata`, in assembly over the calldata proof with scratch
    ///      memory only (no allocation per leaf). The ABI decoder has already bounded `proof` to the calldata. The gas
    ///      goal of a 26-level claim needs it: OpenZeppelin's loop costs about 2.5k gas more per 26-level proof
    ///      (bench suite `distribution`).
    function _verify(
        bytes32 root,
        uint256 index,
        address account,
        uint256 amount,
        bytes32[] calldata proof
    ) private pure {
        bytes32 leaf = _leafHash(index, account, amount);
        bool ok;
        assembly ("memory-safe") {
            let h := leaf
            let p := proof.offset
            for {
                let end := add(p, shl(5, proof.length))
            } lt(p, end) {
                p := add(p, 0x20)
            } {
                let s := calldataload(p)
                // the smaller of (h, s) first: d swaps them when h > s
                let d := mul(xor(h, s), gt(h, s))
                mstore(0x00, xor(h, d))
                mstore(0x20, xor(s, d))
                h := keccak256(0x00, 0x40)
            }
            ok := eq(h, root)
        }
        if (!ok) revert InvalidProof(index);
    }

    /// @dev The effects and payments of a relayer batch whose leaves are already proven: marks what each leaf is paid
    ///      (instant: once, by the claim bitmap; vested: what vested since its last claim), skipping leaves with
    ///      nothing due, debits the campaign once, then pays each account.
    function _settle(Campaign storage c, uint256 id, Leaf[] memory leaves) private returns (uint256 total) {
        uint256[] memory pay;
        (pay, total) = c.flags & FLAG_VESTED == 0 ? _markInstant(id, leaves) : _markVested(c, id, leaves);
        if (total == 0) return 0;
        _debit(c, id, total);
        address token = c.token;
        for (uint256 i; i < pay.length; ++i) {
            if (pay[i] != 0) TokenTransfers.push(token, leaves[i].account, pay[i]);
        }
    }

    /// @dev Batch effects for an instant campaign: sets each leaf's bit (each bitmap word written once per run of
    ///      indices in the same word), skips leaves already paid.
    function _markInstant(uint256 id, Leaf[] memory leaves) private returns (uint256[] memory pay, uint256 total) {
        pay = new uint256[](leaves.length);
        mapping(uint256 => uint256) storage bitmap = _claimedBitmap[id];
        uint256 wordIndex = type(uint256).max;
        uint256 word;
        for (uint256 i; i < leaves.length; ++i) {
            Leaf memory leaf = leaves[i];
            (uint256 w, uint256 bit) = _claimSlot(leaf.index);
            if (w != wordIndex) {
                if (wordIndex != type(uint256).max) bitmap[wordIndex] = word;
                wordIndex = w;
                word = bitmap[wordIndex];
            }
            if (word & bit != 0) continue;
            word |= bit;
            pay[i] = leaf.amount;
            total += leaf.amount;
            emit Claimed(id, leaf.index, leaf.account, leaf.account, leaf.amount);
        }
        bitmap[wordIndex] = word;
    }

    /// @dev Batch effects for a vested campaign: records what vested for each leaf; skips leaves with nothing new.
    function _markVested(
        Campaign storage c,
        uint256 id,
        Leaf[] memory leaves
    ) private returns (uint256[] memory pay, uint256 total) {
        uint256 n = leaves.length;
        pay = new uint256[](n);
        uint48[] memory segments = _presets[c.presetId];
        uint256 start = c.start;
        mapping(uint256 => uint256) storage claimedOf = _claimedAmount[id];
        for (uint256 i; i < n; ++i) {
            Leaf memory leaf = leaves[i];
            uint256 done = claimedOf[leaf.index];
            uint256 vested = VestingMath.vested(leaf.amount, start, segments, block.timestamp);
            if (vested <= done) continue;
            claimedOf[leaf.index] = vested;
            pay[i] = vested - done;
            total += vested - done;
            emit Claimed(id, leaf.index, leaf.account, leaf.account, pay[i]);
        }
    }

    /// @dev The recipient an anonymous claim pays: uint160 of the proof's message, which must be a non-zero address.
    function _recipientOf(
        IZkIdentityVerifier.IdentityProof calldata proof,
        uint256 position
    ) private pure returns (address) {
        uint256 message = proof.message;
        if (message == 0 || message > type(uint160).max) revert RecipientNotAnAddress(position, message);
        return address(uint160(message));
    }

    /// @dev Verifies and pays one leaf (instant: once; vested: what vested since the last claim) to `to`.
    function _claimLeaf(
        Campaign storage c,
        uint256 id,
        uint256 index,
        address account,
        uint256 amount,
        bytes32[] calldata proof,
        address to
    ) private returns (uint256 paid) {
        _verify(c.root, index, account, amount, proof);
        if (c.flags & FLAG_VESTED == 0) {
            (uint256 w, uint256 bit) = _claimSlot(index);
            uint256 word = _claimedBitmap[id][w];
            if (word & bit != 0) revert AlreadyClaimed(index);
            _claimedBitmap[id][w] = word | bit;
            paid = amount;
        } else {
            uint256 done = _claimedAmount[id][index];
            uint256 vested = VestingMath.vested(amount, c.start, _presets[c.presetId], block.timestamp);
            if (vested <= done) revert NothingToClaim(index);
            _claimedAmount[id][index] = vested;
            paid = vested - done;
        }
        if (paid == 0) revert NothingToClaim(index);
        _debit(c, id, paid);
        emit Claimed(id, index, account, to, paid);
        TokenTransfers.push(c.token, to, paid);
    }

    /// @dev Records a payout of `amount` from campaign `id`, refusing anything beyond its funding.
    function _debit(Campaign storage c, uint256 id, uint256 amount) private {
        uint256 paid = c.paid + amount;
        uint256 funded = c.funded;
        if (paid > funded) revert ExceedsFunding(id, paid, funded);
        c.paid = uint128(paid);
    }
}
