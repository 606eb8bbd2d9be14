// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {IAttestationRegistry} from "../attestation/IAttestationRegistry.sol";
import {IZkIdentityVerifier} from "../identity/IZkIdentityVerifier.sol";
import {IVestingPresets} from "./IVestingPresets.sol";

/// @title IMerkleCampaigns
/// @notice Mass distribution: many campaigns in one contract, each with its own token (ERC-20 or the native coin),
///         funding, Merkle root, start, claim deadline and clawback address. Leaves are OpenZeppelin
///         StandardMerkleTree leaves over `(uint256 index, address account, uint256 amount)`. Instant campaigns pay a
///         leaf once (claim bitmap by index); vested campaigns apply a vesting preset to each leaf's amount and pay
///         it as it vests. Campaigns can be gated by an attestation of an accepted issuer under a named schema
///         (subject = the account), or be anonymous: no list, one fixed payment per person proven by a ZK identity
///         proof with a nullifier scoped to the campaign. Each campaign's funds are its own: every payout is
///         checked against that campaign's funding, and nothing can draw on another campaign.
interface IMerkleCampaigns is IVestingPresets {
    /// @notice What a campaign creator sets for a list (Merkle) campaign.
    /// @param token the ERC-20 paid, or address(0) for the native coin
    /// @param funding the amount taken from the creator at creation (the campaign can never pay more)
    /// @param root the Merkle root of the (index, account, amount) leaves
    /// @param start first second claims are accepted (and, for a vested campaign, the vesting start)
    /// @param deadline last second claims are accepted (after it the rest can be clawed back)
    /// @param clawbackTo who may claw back unclaimed funds, and receives them
    /// @param presetId 0 for an instant campaign, else the vesting preset applied to each leaf's amount
    struct CampaignParams {
        address token;
        uint128 funding;
        bytes32 root;
        uint40 start;
        uint40 deadline;
        address clawbackTo;
        uint32 presetId;
    }

    /// @notice One claim of a relayer batch.
    /// @param index the leaf index
    /// @param account the leaf account, who is paid
    /// @param amount the leaf amount
    /// @param proof the Merkle proof
    struct Claim {
        uint256 index;
        address account;
        uint256 amount;
        bytes32[] proof;
    }

    /// @notice One leaf of a multiproof batch (the proof is shared by the whole batch).
    /// @param index the leaf index
    /// @param account the leaf account, who is paid
    /// @param amount the leaf amount
    struct Leaf {
        uint256 index;
        address account;
        uint256 amount;
    }

    /// @notice The attestation a gated claim presents: with the campaign's schema and the account as subject these
    ///         fields give the attestation uid, which must be valid at the registry.
    /// @param attester the issuer (must be accepted by the campaign)
    /// @param time when it was recorded
    /// @param expirationTime when it expires (0 = never)
    /// @param refUID the attestation it links to, or zero
    /// @param dataHash keccak256 of its data
    struct AttestationProof {
        address attester;
        uint64 time;
        uint64 expirationTime;
        bytes32 refUID;
        bytes32 dataHash;
    }

    /// @notice A campaign's state.
    /// @param token the token, or address(0) for the native coin
    /// @param start first second of claims
    /// @param deadline last second of claims
    /// @param createdAt creation time (the clawback grace window runs from it)
    /// @param clawbackTo the clawback address
    /// @param presetId the vesting preset (0 = instant)
    /// @param root the Merkle root (zero for an anonymous campaign)
    /// @param funded the amount funded
    /// @param paid the amount paid to claimants
    /// @param clawedBack the amount clawed back
    /// @param amountPerClaim fixed payment of an anonymous campaign (0 otherwise)
    /// @param gate 0 none, 1 attestation, 2 ZK identity
    /// @param closed whether it was clawed back (no more claims)
    struct CampaignView {
        address token;
        uint40 start;
        uint40 deadline;
        uint40 createdAt;
        address clawbackTo;
        uint32 presetId;
        bytes32 root;
        uint128 funded;
        uint128 paid;
        uint128 clawedBack;
        uint128 amountPerClaim;
        uint8 gate;
        bool closed;
    }

    /// @notice A campaign was created and funded.
    /// @param campaignId its id
    /// @param creator who funded it
    /// @param token the token, or address(0) for the native coin
    /// @param funding the amount funded
    /// @param root the Merkle root (zero for an anonymous campaign)
    /// @param start first second of claims
    /// @param deadline last second of claims
    /// @param clawbackTo the clawback address
    /// @param presetId the vesting preset (0 = instant)
    /// @param gate 0 none, 1 attestation, 2 ZK identity
    event CampaignCreated(
        uint256 indexed campaignId,
        address indexed creator,
        address indexed token,
        uint256 funding,
        bytes32 root,
        uint40 start,
        uint40 deadline,
        address clawbackTo,
        uint32 presetId,
        uint8 gate
    );
    /// @notice An attestation-gated campaign's rule.
    /// @param campaignId the campaign
    /// @param schema the accepted schema
    /// @param attesters the accepted issuers
    event AttestationGateSet(uint256 indexed campaignId, bytes32 schema, address[] attesters);
    /// @notice An anonymous campaign's rule.
    /// @param campaignId the campaign
    /// @param scope the nullifier scope (derived from this contract and the campaign id)
    /// @param amountPerClaim the fixed payment
    /// @param policy what claimants must prove
    event ZkGateSet(
        uint256 indexed campaignId,
        uint256 scope,
        uint256 amountPerClaim,
        IZkIdentityVerifier.Policy policy
    );
    /// @notice A leaf was paid (all or, for a vested campaign, what vested since the last claim).
    /// @param campaignId the campaign
    /// @param index the leaf index
    /// @param account the leaf account
    /// @param to who was paid
    /// @param amount how much
    event Claimed(
        uint256 indexed campaignId,
        uint256 indexed index,
        address indexed account,
        address to,
        uint256 amount
    );
    /// @notice An anonymous claim was paid.
    /// @param campaignId the campaign
    /// @param nullifier the person's nullifier for the campaign's scope
    /// @param recipient who was paid
    /// @param amount how much
    event AnonymousClaimed(
        uint256 indexed campaignId,
        uint256 indexed nullifier,
        address indexed recipient,
        uint256 amount
    );
    /// @notice The unclaimed rest of a campaign was clawed back; the campaign is closed.
    /// @param campaignId the campaign
    /// @param to the clawback address
    /// @param amount how much
    event ClawedBack(uint256 indexed campaignId, address indexed to, uint256 amount);
    /// @notice Claim-bitmap words of an instant campaign were pre-warmed (their spare bit set).
    /// @param campaignId the campaign
    /// @param firstWord the first word warmed
    /// @param words how many consecutive words
    event ClaimBitmapWarmed(uint256 indexed campaignId, uint256 firstWord, uint256 words);

    /// @notice No campaign has this id.
    /// @param campaignId the id
    error UnknownCampaign(uint256 campaignId);
    /// @notice The deadline must lie after the start and in the future.
    /// @param start the start
    /// @param deadline the deadline
    error InvalidWindow(uint40 start, uint40 deadline);
    /// @notice Claims are not open (before the start, after the deadline, or the campaign is closed).
    /// @param campaignId the campaign
    error ClaimsNotOpen(uint256 campaignId);
    /// @notice The Merkle proof does not prove the leaf.
    /// @param index the leaf index
    error InvalidProof(uint256 index);
    /// @notice The leaf of an instant campaign was already paid.
    /// @param index the leaf index
    error AlreadyClaimed(uint256 index);
    /// @notice Nothing of the leaf is claimable now.
    /// @param index the leaf index
    error NothingToClaim(uint256 index);
    /// @notice The payout would exceed what the campaign was funded with.
    /// @param campaignId the campaign
    /// @param requested paid so far plus this payout
    /// @param funded the campaign's funding
    error ExceedsFunding(uint256 campaignId, uint256 requested, uint256 funded);
    /// @notice This claim path does not fit the campaign's gate (e.g. a plain claim on a gated campaign).
    /// @param campaignId the campaign
    error WrongGate(uint256 campaignId);
    /// @notice Only the campaign's clawback address may claw back.
    /// @param caller the caller
    error NotClawbackAddress(address caller);
    /// @notice Clawback is allowed only after the deadline, or within the grace period after creation before the
    ///         first claim.
    /// @param campaignId the campaign
    error ClawbackNotAllowed(uint256 campaignId);
    /// @notice The claim signature's deadline has passed.
    /// @param deadline the deadline
    error SignatureExpired(uint256 deadline);
    /// @notice The signature is not the account's (EOA or ERC-1271) for this claim, chain, contract and nonce.
    /// @param account the account
    error BadSignature(address account);
    /// @notice The attestation's issuer is not accepted by the campaign.
    /// @param attester the issuer
    error AttesterNotAccepted(address attester);
    /// @notice The attestation (uid from the campaign schema, the account as subject and the given fields) is
    ///         unknown, revoked, expired or epoch-revoked.
    /// @param uid the attestation uid
    error InvalidAttestation(bytes32 uid);
    /// @notice The gate needs a registry or verifier this deployment does not have.
    error GateUnavailable();
    /// @notice A multiproof batch's leaves must come in strictly ascending index order (the order of the
    ///         index-ordered campaign tree, which the multiproof follows), each once.
    /// @param position the first leaf (in the batch) whose index is not above the one before it: out of order or
    ///        repeated
    error LeavesNotInIndexOrder(uint256 position);
    /// @notice The multiproof does not prove the batch's leaves under the campaign's root.
    error InvalidMultiproof();
    /// @notice An anonymous claim pays uint160 of the proof's message, which must be a non-zero address.
    /// @param position the proof's position in the batch (0 for a single claim)
    /// @param message the proof's message
    error RecipientNotAnAddress(uint256 position, uint256 message);
    /// @notice Only an instant campaign has a claim bitmap to warm (a vested campaign records amounts per leaf).
    /// @param campaignId the campaign
    error NotAnInstantCampaign(uint256 campaignId);

    /// @notice Creates and funds a list campaign (anyone may). ERC-20: exactly `funding` is pulled (needs an
    ///         allowance); native coin: `msg.value` must equal `funding`.
    /// @param p the campaign parameters
    /// @return campaignId the new campaign's id
    function createCampaign(CampaignParams calldata p) external payable returns (uint256 campaignId);

    /// @notice Creates and funds a list campaign whose claimants must hold a valid attestation under `schema` by one
    ///         of `attesters`, with subject = the leaf account.
    /// @param p the campaign parameters
    /// @param schema the accepted schema
    /// @param attesters the accepted issuers
    /// @return campaignId the new campaign's id
    function createAttestationCampaign(
        CampaignParams calldata p,
        bytes32 schema,
        address[] calldata attesters
    ) external payable returns (uint256 campaignId);

    /// @notice Creates and funds an anonymous campaign: no list; anyone proving `policy` with a ZK identity proof is
    ///         paid `amountPerClaim` once per person (nullifier scoped to this contract and campaign).
    /// @param token the ERC-20 paid, or address(0) for the native coin
    /// @param funding the amount funded
    /// @param amountPerClaim the fixed payment per person
    /// @param start first second of claims
    /// @param deadline last second of claims
    /// @param clawbackTo the clawback address
    /// @param policy what claimants must prove
    /// @return campaignId the new campaign's id
    function createZkCampaign(
        address token,
        uint128 funding,
        uint128 amountPerClaim,
        uint40 start,
        uint40 deadline,
        address clawbackTo,
        IZkIdentityVerifier.Policy calldata policy
    ) external payable returns (uint256 campaignId);

    /// @notice Claims a leaf of an ungated campaign; anyone may submit, the account is paid.
    /// @param campaignId the campaign
    /// @param index the leaf index
    /// @param account the leaf account
    /// @param amount the leaf amount
    /// @param proof the Merkle proof
    /// @return paid how much was paid
    function claim(
        uint256 campaignId,
        uint256 index,
        address account,
        uint256 amount,
        bytes32[] calldata proof
    ) external returns (uint256 paid);

    /// @notice Claims a leaf of an ungated campaign to `to`, authorised by the account's EIP-712 `ClaimTo` signature
    ///         (EOA or ERC-1271) bound to this chain, this contract, the account's next nonce and a deadline.
    /// @param campaignId the campaign
    /// @param index the leaf index
    /// @param account the leaf account (the signer)
    /// @param amount the leaf amount
    /// @param proof the Merkle proof
    /// @param to who is paid
    /// @param nonce the account's current nonce
    /// @param sigDeadline last second the signature is valid
    /// @param signature the account's signature
    /// @return paid how much was paid
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
    ) external returns (uint256 paid);

    /// @notice Relayer batch: claims many leaves of one ungated campaign, each paid to its account. Leaves already
    ///         fully claimed are skipped (so a front-run claim cannot sink the batch); a bad proof reverts.
    /// @param campaignId the campaign
    /// @param claims the leaves
    /// @return total how much was paid in all
    function claimMany(uint256 campaignId, Claim[] calldata claims) external returns (uint256 total);

    /// @notice Claims a leaf of an attestation-gated campaign; anyone may submit, the account is paid.
    /// @param campaignId the campaign
    /// @param index the leaf index
    /// @param account the leaf account (the attestation subject)
    /// @param amount the leaf amount
    /// @param proof the Merkle proof
    /// @param attestation the account's attestation
    /// @return paid how much was paid
    function claimAttested(
        uint256 campaignId,
        uint256 index,
        address account,
        uint256 amount,
        bytes32[] calldata proof,
        AttestationProof calldata attestation
    ) external returns (uint256 paid);

    /// @notice Relayer batch with one shared multiproof: claims many leaves of one ungated campaign, each paid to its
    ///         account. The leaves must come in strictly ascending index order, each once ({LeavesNotInIndexOrder}
    ///         otherwise); `proof` and `proofFlags` are OpenZeppelin's multiproof of them (`getMultiProof` of
    ///         OpenZeppelin's merkle-tree package, or the SDK's proof-store reader). Leaves already fully claimed are skipped,
    ///         as in {claimMany}.
    /// @param campaignId the campaign
    /// @param leaves the leaves, in ascending index order
    /// @param proof the multiproof's sibling nodes
    /// @param proofFlags the multiproof's flags (true: hash two nodes of the batch; false: take the next sibling)
    /// @return total how much was paid in all
    function claimManyMultiproof(
        uint256 campaignId,
        Leaf[] calldata leaves,
        bytes32[] calldata proof,
        bool[] calldata proofFlags
    ) external returns (uint256 total);

    /// @notice Claims from an anonymous campaign with a ZK identity proof; pays the fixed amount to the address the
    ///         proof is bound to (its message, uint160 of the recipient), so a relayer cannot redirect it.
    /// @param campaignId the campaign
    /// @param proof the identity proof; the rest of its statement is the campaign's policy and scope
    /// @return nullifier the person's nullifier for the campaign
    function claimAnonymous(
        uint256 campaignId,
        IZkIdentityVerifier.IdentityProof calldata proof
    ) external returns (uint256 nullifier);

    /// @notice Relayer batch of anonymous claims: every proof is checked against the campaign's policy and scope with
    ///         one batch verification ({IZkIdentityVerifier.validateProofs}); each person's nullifier is used once (a
    ///         nullifier repeated in the batch, or used before, reverts the batch); a forged proof reverts the batch
    ///         with {IZkIdentityVerifier.InvalidProofAt} naming it. Each proof's message names its recipient, who is
    ///         paid the fixed amount.
    /// @param campaignId the campaign
    /// @param proofs the identity proofs (one credential mode per batch)
    /// @return total how much was paid in all
    function claimAnonymousMany(
        uint256 campaignId,
        IZkIdentityVerifier.IdentityProof[] calldata proofs
    ) external returns (uint256 total);

    /// @notice Claws back the unclaimed rest to the clawback address (its caller) and closes the campaign. Allowed
    ///         after the deadline, or within `GRACE_PERIOD` after creation while nothing was claimed; never between.
    /// @param campaignId the campaign
    /// @return amount how much was returned
    function clawback(uint256 campaignId) external returns (uint256 amount);

    /// @notice The clawback grace window after creation (only before the first claim).
    /// @return the window in seconds
    function GRACE_PERIOD() external view returns (uint256);

    /// @notice The EIP-712 type hash of a `ClaimTo` authorisation.
    /// @return the type hash
    function CLAIM_TO_TYPEHASH() external view returns (bytes32);

    /// @notice The attestation registry gated campaigns check against.
    /// @return the registry
    function attestationRegistry() external view returns (IAttestationRegistry);

    /// @notice The ZK identity verifier anonymous campaigns use.
    /// @return the verifier
    function identityVerifier() external view returns (IZkIdentityVerifier);

    /// @notice A campaign's state.
    /// @param campaignId the campaign
    /// @return c the state
    function getCampaign(uint256 campaignId) external view returns (CampaignView memory c);

    /// @notice The number of campaigns (ids run from 1 to this number).
    /// @return count the number
    function campaignCount() external view returns (uint256 count);

    /// @notice Pre-warms claim-bitmap words of an instant campaign: sets each word's spare bit (bit 255; a word holds
    ///         the claim bits of 255 consecutive indices, word = index / 255), so that the first claim in a word
    ///         writes a non-zero slot (about 5k gas) instead of a zero one (about 22k). Every recipient then pays the
    ///         same, rather than the first of each 255 paying for the slot. Anyone may pay for it; it marks nothing
    ///         claimed. Call it in chunks for a large campaign ({claimBitmapWords} gives how many words a tree needs).
    /// @param campaignId the campaign
    /// @param firstWord the first word to warm
    /// @param words how many consecutive words (each costs about 22k gas the first time)
    function warmClaimBitmap(uint256 campaignId, uint256 firstWord, uint256 words) external;

    /// @notice How many claim-bitmap words a campaign of `leafCount` leaves uses (indices 0..leafCount-1).
    /// @param leafCount the number of leaves
    /// @return words ceil(leafCount / 255)
    function claimBitmapWords(uint256 leafCount) external pure returns (uint256 words);

    /// @notice Whether an instant campaign's leaf was paid.
    /// @param campaignId the campaign
    /// @param index the leaf index
    /// @return claimed the verdict
    function isClaimed(uint256 campaignId, uint256 index) external view returns (bool claimed);

    /// @notice How much of a vested campaign's leaf was paid.
    /// @param campaignId the campaign
    /// @param index the leaf index
    /// @return amount the amount paid
    function claimedAmount(uint256 campaignId, uint256 index) external view returns (uint256 amount);

    /// @notice How much a leaf could be paid at time `at` (leaf validity is not checked).
    /// @param campaignId the campaign
    /// @param index the leaf index
    /// @param amount the leaf amount
    /// @param at the time
    /// @return claimable_ the amount
    function claimable(
        uint256 campaignId,
        uint256 index,
        uint256 amount,
        uint256 at
    ) external view returns (uint256 claimable_);

    /// @notice The nullifier scope of an anonymous campaign: 120 bits of keccak256(this contract, campaign id).
    /// @param campaignId the campaign
    /// @return scope the scope
    function zkScope(uint256 campaignId) external view returns (uint256 scope);

    /// @notice An anonymous campaign's policy.
    /// @param campaignId the campaign
    /// @return policy the policy
    function zkPolicy(uint256 campaignId) external view returns (IZkIdentityVerifier.Policy memory policy);

    /// @notice An attestation-gated campaign's schema.
    /// @param campaignId the campaign
    /// @return schema the schema
    function attestationSchema(uint256 campaignId) external view returns (bytes32 schema);

    /// @notice Whether an attestation-gated campaign accepts `attester`.
    /// @param campaignId the campaign
    /// @param attester the issuer
    /// @return accepted the verdict
    function isAcceptedAttester(uint256 campaignId, address attester) external view returns (bool accepted);

    /// @notice The nonce `account`'s next `ClaimTo` signature must carry.
    /// @param account the account
    /// @return nonce the nonce
    function nonces(address account) external view returns (uint256 nonce);
}
