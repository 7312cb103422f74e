"""The service desk's e-mail channel, in and out (see docs/user-guide/service-desk-email.md).

In: ``mailin.handle`` takes mail to the service-desk addresses from the SMTP listener
(``steward mail``) and from IMAP polling (``mailpoll``, ``steward mail-poll``). Out:
``mailout`` answers the ticket events with mail to the requester and watchers.
"""

from __future__ import annotations

HANDLER = "servicedesk.mail"


def register() -> None:
    from django.apps import apps
    from django.db.models.signals import post_migrate

    from steward.core import events, registry
    from steward.core.mail import register_mail_handler
    from steward.servicedesk import maildemo, mailin, mailout, mailpoll

    register_mail_handler(HANDLER, mailin.is_desk_mail, mailin.handle)
    events.subscribe("servicedesk.ticket_created", mailout.on_ticket_created)
    events.subscribe("servicedesk.entry_added", mailout.on_entry_added)
    events.subscribe("servicedesk.ticket_resolved", mailout.on_ticket_resolved)
    registry.register_demo("servicedesk_mail", maildemo.load, order=60)
    post_migrate.connect(
        mailpoll.ensure_schedule,
        sender=apps.get_app_config("servicedesk"),
        dispatch_uid="servicedesk.mail_poll_schedule",
    )
