"""Scenario plans' part of strategy's ``ready()``: policies and menu.

IT managers and administrators keep the plans (growth plans, recovery plans and targets,
backup reports, exercises and their actions); every other member of IT staff (agents,
asset managers) reads them; employees and customer contacts see nothing (the plans speak
of the whole estate's weak points). Backup systems post their reports with an
administrator's or IT manager's token."""

from __future__ import annotations


def register() -> None:
    from django.utils.translation import gettext_lazy as _

    from steward.core import permissions, registry
    from steward.core.permissions import MANAGERS, STAFF, Policy
    from steward.strategy.models import (
        BackupReport,
        Exercise,
        ExerciseAction,
        GrowthHire,
        GrowthPlan,
        RecoveryPlan,
        RecoveryTarget,
    )

    for model in (
        GrowthPlan,
        GrowthHire,
        RecoveryPlan,
        RecoveryTarget,
        BackupReport,
        Exercise,
        ExerciseAction,
    ):
        permissions.register(
            model, Policy(view=STAFF, add=MANAGERS, change=MANAGERS, delete=MANAGERS)
        )
    section = _("Strategy")
    for label, url_name, model in (
        (_("Growth plans"), "strategy:growthplan_list", GrowthPlan),
        (_("Recovery plans"), "strategy:recoveryplan_list", RecoveryPlan),
        (_("Backup reports"), "strategy:backupreport_list", BackupReport),
        (_("Tabletop exercises"), "strategy:exercise_list", Exercise),
    ):
        registry.register_menu(section, label, url_name, model=model, section_order=70)
