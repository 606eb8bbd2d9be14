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
  claimCampaignMultiProof,
  claimTo,
  claimVesting,
  claimVestingMany,
  getClaimToTypedData,
  getVestingSchedule,
  prepareCampaignClaim,
  prepareCampaignClaimMany,
  prepareCampaignClaimMultiProof,
  prepareClaimTo,
  prepareVestingClaim,
  prepareVestingClaimMany,
  scheduleVested,
  signClaimTo,
  vestingClaimable,
  type CampaignClaimManyParameters,
  type CampaignClaimManyReturnType,
  type CampaignClaimMultiProofParameters,
  type CampaignClaimParameters,
  type ClaimReturnType,
  type ClaimToParameters,
  type ClaimToTypedData,
  type SignedClaimTo,
  type VestingSchedule,
} from "./claims.js";
export {
  anonymousClaimProof,
  campaignAttestationProof,
  claimAnonymous,
  claimAnonymousMany,
  claimAttested,
  clawbackCampaign,
  prepareAnonymousClaim,
  prepareAnonymousClaimMany,
  prepareAttestedClaim,
  prepareClawback,
  type AnonymousClaimManyParameters,
  type AnonymousClaimParameters,
  type AnonymousClaimProof,
  type AttestedClaimParameters,
  type CampaignAttestationProof,
} from "./gated.js";
export { multiProofOfPositions, normalizeMultiProof, type DistributionMultiProof, type MultiProofLeaf, type PositionsMultiProof } from "./multiproof.js";
export { tokenTableError, type TokenTableContract } from "./inputs.js";
