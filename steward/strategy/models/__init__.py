"""The models of strategy and governance, one module per part: budget (fiscal years, cost
centres, budget lines, cost records). Import them from here."""

from steward.strategy.models.budget import (
    BudgetLine,
    Category,
    CostCentre,
    CostRecord,
    FiscalYear,
    Source,
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

__all__ = ["BudgetLine", "Category", "CostCentre", "CostRecord", "FiscalYear", "Source"]
__all__ += ["ControlType", "Effectiveness", "Risk", "RiskCategory", "RiskControl"]
__all__ += ["RiskControlLink", "RiskIncident", "RiskMatrix", "RiskStatus", "TargetType"]
__all__ += ["Treatment"]
