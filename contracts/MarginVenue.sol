// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {ReentrancyGuard} from "@openzeppelin/contracts/utils/ReentrancyGuard.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IERC20Metadata} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Metadata.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {ILiabilitySource} from "./interfaces/ILiabilitySource.sol";
import {ISolvencyGate} from "./interfaces/ISolvencyGate.sol";
import {IStressGate} from "./interfaces/IStressGate.sol";
import {ProtocolSpec} from "./generated/ProtocolSpec.sol";

/// @title MarginVenue
/// @notice A reference margin venue gated by solvency proofs. Accounts escrow an ERC-20 collateral token and
///         borrow a credit token from the venue's reserves; each borrow carries a fresh initial-tier proof that
///         counts the new debt. Keepers liquidate an account whose maintenance proof lapsed more than a grace
///         period ago, or against which an insolvency proof was posted: the escrow is seized (a bonus to the
///         keeper, the rest to the venue), the debt written off, and the account frozen (no credit) until it
///         proves initial-tier solvency again. An account without debt can always withdraw its own escrow.
contract MarginVenue is ILiabilitySource, AccessControl, ReentrancyGuard {
    using SafeERC20 for IERC20;
    using SafeCast for uint256;

    bytes32 public constant GOVERNOR_ROLE = keccak256("GOVERNOR_ROLE");

    enum LiquidationReason {
        None,
        Lapsed,
        Insolvent
    }

    /// @dev One slot per account.
    struct Position {
        uint128 escrow;
        uint128 debt;
    }

    error ZeroAmount();
    error AccountFrozen(address account, uint256 frozenAt);
    error InsufficientEscrow(uint256 requested, uint256 escrow);
    error RepayExceedsDebt(uint256 amount, uint256 debt);
    error NotSolvent(address account);
    error NotLiquidatable(address account);
    error BonusOutOfRange(uint256 keeperBonusBps);
    error CreditDecimalsOutOfRange(uint256 decimals);
    error SweepExceedsSeized(uint256 amount, uint256 seized);
    /// @notice The action requires the stress tier and the account has no current stress record covering `liability`.
    error NotStressed(address account, uint256 liability);

    event Deposited(address indexed account, uint256 amount, uint256 escrow);
    event Withdrawn(address indexed account, uint256 amount, uint256 escrow);
    event Borrowed(address indexed account, uint256 amount, uint256 debt);
    event Repaid(address indexed account, address indexed payer, uint256 amount, uint256 debt);
    /// @notice A keeper liquidated `account`: escrow seized, debt written off, account frozen.
    event Liquidated(
        address indexed account,
        address indexed keeper,
        LiquidationReason reason,
        uint256 escrowSeized,
        uint256 keeperBonus,
        uint256 debtWrittenOff
    );
    event LiquidationTermsSet(uint64 gracePeriod, uint16 keeperBonusBps);
    event SeizedCollateralSwept(address indexed to, uint256 amount);
    /// @notice A frozen account proved initial-tier solvency again and may draw credit.
    event Unfrozen(address indexed account);
    /// @notice Governance chose which actions require the stress tier (a current StressGate record).
    event StressRequirementSet(address indexed stressGate, bool borrow, bool withdraw);

    ISolvencyGate public immutable gate;
    IERC20 public immutable collateralToken;
    IERC20 public immutable creditToken;
    /// @notice Value units per base unit of debt: 10^(18 − creditDecimals) · 10^8, the credit token at $1.
    uint256 public immutable liabilityFactor;

    uint64 public gracePeriod;
    uint16 public keeperBonusBps;
    uint256 public totalDebt;
    /// @notice Collateral seized in liquidations beyond the keepers' bonuses, owned by the venue.
    uint256 public seizedCollateral;
    mapping(address account => Position) private _positions;
    /// @notice Block time of the account's last liquidation (0: never liquidated).
    mapping(address account => uint256) public frozenAt;
    /// @notice The stress tier's gate (zero: no action requires it).
    IStressGate public stressGate;
    /// @notice Borrowing requires a current stress record covering the debt after the borrow.
    bool public stressRequiredToBorrow;
    /// @notice Withdrawing with debt requires a current stress record covering the debt.
    bool public stressRequiredToWithdraw;

    constructor(
        address admin,
        ISolvencyGate gate_,
        IERC20 collateralToken_,
        IERC20Metadata creditToken_,
        uint64 gracePeriod_,
        uint16 keeperBonusBps_
    ) {
        uint256 decimals = creditToken_.decimals();
        if (decimals > ProtocolSpec.MAX_DECIMALS) revert CreditDecimalsOutOfRange(decimals);
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
        _grantRole(GOVERNOR_ROLE, admin);
        gate = gate_;
        collateralToken = collateralToken_;
        creditToken = creditToken_;
        liabilityFactor = 10 ** (ProtocolSpec.MAX_DECIMALS - decimals) * 10 ** ProtocolSpec.PRICE_DECIMALS;
        _setLiquidationTerms(gracePeriod_, keeperBonusBps_);
    }

    // ---------------------------------------------------------------- accounts

    /// @notice Escrows `amount` of the collateral token for the caller.
    function deposit(uint256 amount) external nonReentrant {
        if (amount == 0) revert ZeroAmount();
        Position storage p = _positions[msg.sender];
        uint128 escrow = (p.escrow + amount).toUint128();
        p.escrow = escrow;
        emit Deposited(msg.sender, amount, escrow);
        collateralToken.safeTransferFrom(msg.sender, address(this), amount);
    }

    /// @notice Withdraws escrow: always without debt (frozen or not: nothing is owed); with debt only while the
    ///         account is not frozen and an initial-tier proof is current.
    function withdraw(uint256 amount) external nonReentrant {
        if (amount == 0) revert ZeroAmount();
        Position storage p = _positions[msg.sender];
        if (amount > p.escrow) revert InsufficientEscrow(amount, p.escrow);
        if (p.debt > 0) {
            _requireNotFrozen(msg.sender);
            if (!gate.isSolvent(msg.sender, ISolvencyGate.Tier.Initial)) revert NotSolvent(msg.sender);
            if (stressRequiredToWithdraw) _requireStressed(msg.sender, uint256(p.debt) * liabilityFactor);
        }
        uint128 escrow = p.escrow - uint128(amount);
        p.escrow = escrow;
        emit Withdrawn(msg.sender, amount, escrow);
        collateralToken.safeTransfer(msg.sender, amount);
    }

    /// @notice Borrows `amount` of the credit token. The proof must show the initial ratio against a stated
    ///         liability covering the caller's debt including this amount; the gate verifies it and records it. A
    ///         frozen account's borrow is its fresh initial-tier proof, so it unfreezes the account.
    function borrow(uint256 amount, ISolvencyGate.Proof calldata proof, ISolvencyGate.Basis calldata basis)
        external
        nonReentrant
    {
        if (amount == 0) revert ZeroAmount();
        // The stress record must cover the debt after this borrow (its stated liability is at least that).
        if (stressRequiredToBorrow) _requireStressed(msg.sender, (uint256(_positions[msg.sender].debt) + amount) * liabilityFactor);
        // The gate is trusted and reads only this contract's debt (a view) before it records the proof.
        gate.proveSolvencyFor(msg.sender, amount * liabilityFactor, proof, basis, ISolvencyGate.Tier.Initial);
        if (frozenAt[msg.sender] != 0) {
            delete frozenAt[msg.sender];
            emit Unfrozen(msg.sender);
        }
        Position storage p = _positions[msg.sender];
        uint128 debt = (p.debt + amount).toUint128();
        p.debt = debt;
        totalDebt += amount;
        emit Borrowed(msg.sender, amount, debt);
        creditToken.safeTransfer(msg.sender, amount);
    }

    /// @notice Repays up to the account's debt with the caller's credit tokens.
    function repay(address account, uint256 amount) external nonReentrant {
        if (amount == 0) revert ZeroAmount();
        Position storage p = _positions[account];
        if (amount > p.debt) revert RepayExceedsDebt(amount, p.debt);
        uint128 debt = p.debt - uint128(amount);
        p.debt = debt;
        totalDebt -= amount;
        emit Repaid(account, msg.sender, amount, debt);
        creditToken.safeTransferFrom(msg.sender, address(this), amount);
    }

    // ---------------------------------------------------------------- keepers

    /// @notice Why the account can be liquidated now (None: it cannot).
    function liquidationReason(address account) public view returns (LiquidationReason) {
        if (_positions[account].debt == 0) return LiquidationReason.None;
        if (gate.isInsolvent(account)) return LiquidationReason.Insolvent;
        ISolvencyGate.AccountState memory st = gate.accountState(account);
        if (block.timestamp > uint256(st.validUntil) + gracePeriod) return LiquidationReason.Lapsed;
        return LiquidationReason.None;
    }

    /// @notice Liquidates `account`: its escrow goes to the caller (keeperBonusBps of it) and the venue (the rest),
    ///         its debt is written off and it is frozen until it proves initial-tier solvency again.
    function liquidate(address account) external nonReentrant {
        LiquidationReason reason = liquidationReason(account);
        if (reason == LiquidationReason.None) revert NotLiquidatable(account);
        Position memory p = _positions[account];
        uint256 bonus = (uint256(p.escrow) * keeperBonusBps) / ProtocolSpec.BPS;
        delete _positions[account];
        totalDebt -= p.debt;
        seizedCollateral += p.escrow - bonus;
        frozenAt[account] = block.timestamp;
        emit Liquidated(account, msg.sender, reason, p.escrow, bonus, p.debt);
        if (bonus > 0) collateralToken.safeTransfer(msg.sender, bonus);
    }

    // ---------------------------------------------------------------- views

    /// @inheritdoc ILiabilitySource
    function liabilityOf(address account) external view returns (uint256) {
        return uint256(_positions[account].debt) * liabilityFactor;
    }

    function positionOf(address account) external view returns (uint256 escrow, uint256 debt) {
        Position memory p = _positions[account];
        return (p.escrow, p.debt);
    }

    /// @notice Frozen: liquidated, and not unfrozen since by an initial-tier proof (a borrow, or `unfreeze`).
    function isFrozen(address account) public view returns (bool) {
        return frozenAt[account] != 0;
    }

    /// @notice Unfreezes `account` once the gate holds a current initial-tier solvency record for it (proven after
    ///         the liquidation: the liquidation needed a lapsed or insolvent record). Anyone may call it. Later
    ///         maintenance renewals never freeze an account again; only a liquidation does.
    function unfreeze(address account) external {
        if (frozenAt[account] == 0) return;
        if (!gate.isSolvent(account, ISolvencyGate.Tier.Initial)) revert NotSolvent(account);
        delete frozenAt[account];
        emit Unfrozen(account);
    }

    // ---------------------------------------------------------------- governance

    function setLiquidationTerms(uint64 gracePeriod_, uint16 keeperBonusBps_) external onlyRole(GOVERNOR_ROLE) {
        _setLiquidationTerms(gracePeriod_, keeperBonusBps_);
    }

    /// @notice Chooses which actions require the stress tier: a current record in `stressGate_` (a StressGate sharing
    ///         this venue's solvency gate) whose stated liability covers the account's debt after the action.
    function setStressRequirement(IStressGate stressGate_, bool borrow_, bool withdraw_) external onlyRole(GOVERNOR_ROLE) {
        stressGate = stressGate_;
        stressRequiredToBorrow = borrow_;
        stressRequiredToWithdraw = withdraw_;
        emit StressRequirementSet(address(stressGate_), borrow_, withdraw_);
    }

    /// @notice Sends seized collateral (the venue's share of liquidations) to `to`.
    function sweepSeized(address to, uint256 amount) external onlyRole(GOVERNOR_ROLE) nonReentrant {
        if (amount > seizedCollateral) revert SweepExceedsSeized(amount, seizedCollateral);
        seizedCollateral -= amount;
        emit SeizedCollateralSwept(to, amount);
        collateralToken.safeTransfer(to, amount);
    }

    function _setLiquidationTerms(uint64 gracePeriod_, uint16 keeperBonusBps_) private {
        if (keeperBonusBps_ > ProtocolSpec.BPS) revert BonusOutOfRange(keeperBonusBps_);
        gracePeriod = gracePeriod_;
        keeperBonusBps = keeperBonusBps_;
        emit LiquidationTermsSet(gracePeriod_, keeperBonusBps_);
    }

    function _requireStressed(address account, uint256 liability) private view {
        if (address(stressGate) == address(0) || !stressGate.isStressed(account, liability)) revert NotStressed(account, liability);
    }

    function _requireNotFrozen(address account) private view {
        if (isFrozen(account)) revert AccountFrozen(account, frozenAt[account]);
    }
}
