from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class ApprovalsConfig(AppConfig):
    name = "steward.approvals"
    label = "approvals"
    verbose_name = _("Approvals")

    def ready(self) -> None:
        from steward.approvals import mailreply, reminders, services  # noqa: F401 (job handler)
        from steward.approvals.models import (
            ApprovalDecision,
            ApprovalRequest,
            ApprovalStage,
            Delegation,
        )
        from steward.core import mail, permissions, registry
        from steward.core.permissions import EVERYONE, Policy
        from steward.notifications.services import event_register

        nobody: frozenset[str] = frozenset()
        permissions.register(
            ApprovalRequest,
            Policy(
                view=EVERYONE,
                add=nobody,
                change=nobody,
                delete=nobody,
                tenant_field="requester__person__organisation_id",
                scope=_involved("pk"),
            ),
        )
        for model, path in ((ApprovalStage, "request_id"), (ApprovalDecision, "stage__request_id")):
            permissions.register(
                model,
                Policy(
                    view=EVERYONE,
                    add=nobody,
                    change=nobody,
                    delete=nobody,
                    tenant_field=f"{path.removesuffix('_id')}__requester__person__organisation_id",
                    scope=_involved(path),
                ),
            )
        permissions.register(
            Delegation,
            Policy(
                view=EVERYONE,
                add=EVERYONE,
                change=EVERYONE,
                delete=EVERYONE,
                tenant_field="from_user__person__organisation_id",
                scope=_own_delegations,
            ),
        )
        event_register(services.EVENT_APPROVAL_NEEDED, _("Approval needed from you"))
        event_register(services.EVENT_REMINDER, _("Reminder of an approval waiting for you"))
        event_register(services.EVENT_DECIDED, _("Your approval request was decided"))
        event_register(
            services.EVENT_ESCALATED, _("An approval timed out and escalated (to you, or yours)")
        )
        from steward.approvals import demo

        registry.register_demo("approvals", demo.load, order=40)
        from steward.approvals import selectors

        registry.register_card(
            registry.DashboardCard(
                _("Waiting for my approval"),
                lambda user: len(selectors.approval_pending_for(user=user)),
                "approvals:mine",
                order=1,
            )
        )
        mail.register_mail_handler(
            "approvals.reply", mailreply.is_approval_reply, mailreply.handle_reply
        )
        registry.register_menu(
            _("My work"), _("My approvals"), "approvals:mine", model=ApprovalRequest
        )
        registry.register_menu(
            _("My work"), _("Delegations"), "approvals:delegations", model=Delegation
        )
        post_migrate.connect(_ensure_schedule, sender=self)


def _ensure_schedule(sender, **kwargs):  # type: ignore[no-untyped-def]
    import datetime

    from steward.approvals.reminders import DEFAULT_HOURS, ESCALATE_HANDLER, HANDLER
    from steward.core.jobs import schedule_ensure

    schedule_ensure(
        name="Approval escalations",
        handler=ESCALATE_HANDLER,
        interval=datetime.timedelta(minutes=15),
        arguments={},
    )

    schedule_ensure(
        name="Approval reminders",
        handler=HANDLER,
        interval=datetime.timedelta(hours=1),
        arguments={"hours": DEFAULT_HOURS},
    )


def _involved(path):  # type: ignore[no-untyped-def]
    """Managers see every request; others those they asked for, decide, or decide for."""

    def scope(user, qs, action, roles):  # type: ignore[no-untyped-def]
        from django.db.models import Q

        from steward.approvals import selectors
        from steward.approvals.models import ApprovalRequest
        from steward.core.permissions import MANAGERS

        if roles & MANAGERS:
            return qs
        people = [user.pk, *selectors.delegator_ids(user)]
        visible = ApprovalRequest.objects.filter(
            Q(requester=user) | Q(stages__approvers__in=people)
        ).values("pk")
        return qs.filter(**{f"{path}__in": visible})

    return scope


def _own_delegations(user, qs, action, roles):  # type: ignore[no-untyped-def]
    from django.db.models import Q

    from steward.core.permissions import MANAGERS

    if roles & MANAGERS:
        return qs
    if action == "view":
        return qs.filter(Q(from_user=user) | Q(to_user=user))
    return qs.filter(from_user=user)
