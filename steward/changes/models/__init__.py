"""The models of change and problem management, one module per sub-domain: changes (change
requests, templates, windows, feed tokens) and problems (problems, linked incidents, tasks).
Import them from here."""

from steward.changes.models.changes import (
    ACTIVE_STATES,
    FAILED_OUTCOMES,
    OPEN_STATES,
    TRANSITIONS,
    ApprovalState,
    CalendarFeedToken,
    ChangeIncident,
    ChangeRequest,
    ChangeRequestCI,
    ChangeState,
    ChangeTemplate,
    ChangeType,
    ChangeWindow,
    Outcome,
    RiskLevel,
    WindowKind,
)
from steward.changes.models.problems import (
    PROBLEM_TRANSITIONS,
    Problem,
    ProblemIncident,
    ProblemPriority,
    ProblemState,
    ProblemTask,
)

__all__ = [
    "ACTIVE_STATES",
    "FAILED_OUTCOMES",
    "OPEN_STATES",
    "PROBLEM_TRANSITIONS",
    "TRANSITIONS",
    "ApprovalState",
    "CalendarFeedToken",
    "ChangeIncident",
    "ChangeRequest",
    "ChangeRequestCI",
    "ChangeState",
    "ChangeTemplate",
    "ChangeType",
    "ChangeWindow",
    "Outcome",
    "Problem",
    "ProblemIncident",
    "ProblemPriority",
    "ProblemState",
    "ProblemTask",
    "RiskLevel",
    "WindowKind",
]
