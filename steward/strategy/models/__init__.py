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

__all__ = ["BudgetLine", "Category", "CostCentre", "CostRecord", "FiscalYear", "Source"]
