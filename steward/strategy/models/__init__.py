"""The models of strategy and governance, one module per part: budget (fiscal years,
budget lines, cost records; cost centres are org's). Import them from here."""

from steward.strategy.models.budget import (
    BudgetLine,
    Category,
    CostRecord,
    FiscalYear,
    Source,
)
from steward.strategy.models.goals import BusinessGoal, CheckIn, ITGoal, KeyResult
from steward.strategy.models.portfolio import (
    Allocation,
    Health,
    Kind,
    Milestone,
    Phase,
    Project,
    ProjectStatus,
)
from steward.strategy.models.risk import (
    ControlType,
    Effectiveness,
    Risk,
    RiskCategory,
    RiskControl,
    RiskControlLink,
    RiskIncident,
    RiskMatrix,
    RiskStatus,
    TargetType,
    Treatment,
)
from steward.strategy.models.scenarios import (
    BackupReport,
    BackupStatus,
    Exercise,
    ExerciseAction,
    GrowthHire,
    GrowthPlan,
    RecoveryPlan,
    RecoveryScenario,
    RecoveryTarget,
)
from steward.strategy.models.showback import AllocationRule, Basis, UsageRecord

__all__ = ["BudgetLine", "Category", "CostRecord", "FiscalYear", "Source"]
__all__ += ["BusinessGoal", "CheckIn", "ITGoal", "KeyResult"]
__all__ += ["Allocation", "Health", "Kind", "Milestone", "Phase", "Project", "ProjectStatus"]
__all__ += ["BackupReport", "BackupStatus", "Exercise", "ExerciseAction", "GrowthPlan"]
__all__ += ["GrowthHire", "RecoveryPlan", "RecoveryScenario", "RecoveryTarget"]
__all__ += ["ControlType", "Effectiveness", "Risk", "RiskCategory", "RiskControl"]
__all__ += ["RiskControlLink", "RiskIncident", "RiskMatrix", "RiskStatus", "TargetType"]
__all__ += ["Treatment"]
__all__ += ["AllocationRule", "Basis", "UsageRecord"]
