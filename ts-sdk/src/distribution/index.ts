/**
 * `@sovereign-stack/sdk/distribution` (browser-safe): TokenTable distribution leaves and small in-memory trees in
 * OpenZeppelin StandardMerkleTree format, the vesting curve mirrored from `VestingMath`, and claim helpers for
 * `MerkleCampaigns` and `TokenVesting`. The national-scale streaming tree builder and proof store are Node-only:
 * `@sovereign-stack/sdk/node`.
 */
export {
  DISTRIBUTION_LEAF_TYPES,
  DistributionTree,
  MAX_UINT256,
  distributionLeaf,
  normalizeRecipient,
  verifyDistributionProof,
  type DistributionTreeDump,
  type LeafValue,
  type Recipient,
  type RecipientProof,
} from "./leaf.js";
export { VESTING_BIPS, VESTING_MAX_SEGMENTS, validatePreset, vestedAmount, vestingPresets, type VestedAmountParameters, type VestingPreset } from "./vesting.js";
export {
  CLAIM_TO_TYPES,
  DEFAULT_CLAIM_BATCH,
  campaignClaimable,
  claimCampaign,
  claimCampaignMany,
  claimTo,
  claimVesting,
  claimVestingMany,
  getClaimToTypedData,
  getVestingSchedule,
  prepareCampaignClaim,
  prepareCampaignClaimMany,
  prepareClaimTo,
  prepareVestingClaim,
  prepareVestingClaimMany,
  scheduleVested,
  signClaimTo,
  vestingClaimable,
  type CampaignClaimManyParameters,
  type CampaignClaimManyReturnType,
  type CampaignClaimParameters,
  type ClaimReturnType,
  type ClaimToParameters,
  type ClaimToTypedData,
  type SignedClaimTo,
  type VestingSchedule,
} from "./claims.js";
export {
  campaignAttestationProof,
  claimAnonymous,
  claimAttested,
  clawbackCampaign,
  prepareAnonymousClaim,
  prepareAttestedClaim,
  prepareClawback,
  type AnonymousClaimParameters,
  type AttestedClaimParameters,
  type CampaignAttestationProof,
  type IdentityProofCalldata,
} from "./gated.js";
export { tokenTableError, type TokenTableContract } from "./inputs.js";
