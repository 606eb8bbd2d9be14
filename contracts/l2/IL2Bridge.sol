// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

/// @title IL2Bridge
/// @notice The bridge on L2, predeployed at a fixed address in the L2 genesis. Deposits arrive as system calls that
///         only derivation can make (from `SYSTEM_SENDER`, an address with no key): each L1 delayed-message index is
///         accepted once, in increasing order, and mints the L2 copy of the L1 token. Withdrawals burn on L2 and are
///         recorded with a unique id; the exit tree lists them for `RollupVault.withdraw`.
/// @dev Escape rule for bridged tokens held by contracts: any holder (typically a contract: a vault, a distribution
///      contract) may name an escape beneficiary. The exit tree then lists that holder's bridged balances under the
///      beneficiary's address instead of its own. A holder that names nobody is listed under its own address, whose L1
///      counterpart may be unowned (then those funds cannot escape).
interface IL2Bridge {
    /// @notice A withdrawal started on L2, claimable on L1 with a proof against a finalized exit root.
    /// @param withdrawalId its unique id (see `withdraw`)
    /// @param l1Recipient who is paid on L1
    /// @param l1Token the L1 token paid
    /// @param amount the amount paid
    struct Withdrawal {
        bytes32 withdrawalId;
        address l1Recipient;
        address l1Token;
        uint256 amount;
    }

    /// @notice A deposit was credited on L2.
    /// @param messageIndex its L1 delayed-message index
    /// @param l1Token the L1 token deposited
    /// @param to the L2 recipient
    /// @param from the L1 depositor
    /// @param amount the amount minted
    event DepositFinalized(
        uint256 indexed messageIndex,
        address indexed l1Token,
        address indexed to,
        address from,
        uint256 amount
    );

    /// @notice The first deposit of an L1 token created its L2 copy.
    /// @param l1Token the L1 token
    /// @param l2Token its L2 copy
    event BridgedTokenCreated(address indexed l1Token, address indexed l2Token);

    /// @notice A withdrawal was started: `amount` burnt from `from` on L2, to be paid to `l1Recipient` on L1.
    /// @param withdrawalId the withdrawal's unique id
    /// @param index its position in the withdrawal list
    /// @param from the L2 holder
    /// @param l1Recipient who is paid on L1
    /// @param l1Token the L1 token
    /// @param amount the amount
    event WithdrawalInitiated(
        bytes32 indexed withdrawalId,
        uint256 indexed index,
        address indexed from,
        address l1Recipient,
        address l1Token,
        uint256 amount
    );

    /// @notice A holder named (or, with the zero address, cleared) the L1 address its bridged balances escape to.
    /// @param holder the L2 holder
    /// @param beneficiary the L1 address, or zero for the holder itself
    event EscapeBeneficiarySet(address indexed holder, address indexed beneficiary);

    /// @notice Only the system sender (derivation) may finalize deposits.
    /// @param caller the account that called
    error NotSystemSender(address caller);

    /// @notice This delayed-message index was already processed, or a later one was.
    /// @param messageIndex the index given
    /// @param nextMessageIndex the smallest index still accepted
    error MessageAlreadyProcessed(uint256 messageIndex, uint256 nextMessageIndex);

    /// @notice The token is neither a bridged L2 token nor an L1 token with an L2 copy.
    /// @param token the token given
    error UnknownToken(address token);

    /// @notice The address derivation sends deposits from. It has no private key.
    /// @return the system sender
    function SYSTEM_SENDER() external view returns (address);

    /// @notice Credits an L1 deposit on L2: mints `amount` of the L2 copy of `l1Token` to `to`, creating the copy on
    ///         the token's first deposit. Only the system sender may call it, with increasing message indexes.
    /// @param messageIndex the deposit's L1 delayed-message index
    /// @param l1Token the L1 token deposited
    /// @param from the L1 depositor
    /// @param to the L2 recipient
    /// @param amount the amount deposited
    function finalizeDeposit(uint256 messageIndex, address l1Token, address from, address to, uint256 amount) external;

    /// @notice Starts a withdrawal: burns `amount` of a bridged token from the caller and records a withdrawal that
    ///         pays `l1Recipient` on L1 once a commitment covering it is final.
    /// @param token the L2 token, or the L1 token it copies
    /// @param amount the amount to withdraw
    /// @param l1Recipient who is paid on L1
    /// @return withdrawalId `keccak256(abi.encode(chainid, bridge, index, caller, l1Recipient, l1Token, amount))`
    function withdraw(address token, uint256 amount, address l1Recipient) external returns (bytes32 withdrawalId);

    /// @notice Names the L1 address the caller's bridged balances escape to (the zero address: the caller itself).
    /// @param beneficiary the L1 beneficiary
    function setEscapeBeneficiary(address beneficiary) external;

    /// @notice The smallest delayed-message index `finalizeDeposit` still accepts.
    /// @return the next index
    function nextMessageIndex() external view returns (uint256);

    /// @notice The L2 copy of an L1 token (zero before its first deposit).
    /// @param l1Token the L1 token
    /// @return the L2 token
    function l2TokenOf(address l1Token) external view returns (address);

    /// @notice The L1 token an L2 token copies (zero if it is not a bridged token).
    /// @param l2Token the L2 token
    /// @return the L1 token
    function l1TokenOf(address l2Token) external view returns (address);

    /// @notice The address the L2 copy of `l1Token` has (or will have) on L2.
    /// @param l1Token the L1 token
    /// @return the L2 token address
    function predictL2Token(address l1Token) external view returns (address);

    /// @notice How many L1 tokens have an L2 copy.
    /// @return the count
    function bridgedTokenCount() external view returns (uint256);

    /// @notice The L1 token whose copy was created `index`-th.
    /// @param index position, from 0
    /// @return the L1 token
    function bridgedTokenAt(uint256 index) external view returns (address);

    /// @notice How many withdrawals were started.
    /// @return the count
    function withdrawalCount() external view returns (uint256);

    /// @notice Withdrawals `[start, end)` (clamped to the count), in the order they were started.
    /// @param start first position
    /// @param end one past the last position
    /// @return list the withdrawals
    function withdrawals(uint256 start, uint256 end) external view returns (Withdrawal[] memory list);

    /// @notice The L1 address `holder`'s bridged balances escape to: its beneficiary if named, else itself.
    /// @param holder the L2 holder
    /// @return the L1 escape account
    function escapeAccountOf(address holder) external view returns (address);

    /// @notice {escapeAccountOf} for many holders at once (the exit tree builder reads a page of holders per call).
    /// @param holderList the L2 holders
    /// @return accounts their L1 escape accounts, in the same order
    function escapeAccountsOf(address[] calldata holderList) external view returns (address[] memory accounts);
}
