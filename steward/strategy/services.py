"""State changes of budgets and costs.

Fiscal years, cost centres, budget lines and manual costs are plain records: the generic
``steward.core.services`` create, update and delete them (permission-checked, validated by
the models' ``clean`` and constraints, audited). What is particular to strategy is the
roll-up of costs from assets, re-exported here for other apps and the API."""

from __future__ import annotations

from steward.strategy.sync import cost_sync, cost_sync_start

__all__ = ["cost_sync", "cost_sync_start"]
