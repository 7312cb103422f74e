"""The sending side of satisfaction surveys: one survey per resolved ticket, with a random
token that is the only key to answering it (the link goes to the requester by mail and is
shown in the portal)."""

from __future__ import annotations

import secrets
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import NoReverseMatch, reverse

from steward.servicedesk.models import SurveyResponse, Ticket

SURVEY_PATH = "/portal/survey/{token}/"
"""Where the answer page lives when the portal has not registered ``portal:survey``."""


def survey_for(ticket: Ticket | int) -> SurveyResponse:
    """The ticket's survey, created with a fresh token the first time (idempotent: a ticket
    resolved, reopened and resolved again keeps its one survey)."""
    ticket_id = ticket if isinstance(ticket, int) else ticket.pk
    existing = SurveyResponse.objects.filter(ticket_id=ticket_id).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            return SurveyResponse.objects.create(
                ticket_id=ticket_id, token=secrets.token_urlsafe(32)
            )
    except IntegrityError:  # created meanwhile by a concurrent resolution
        return SurveyResponse.objects.get(ticket_id=ticket_id)


def survey_path(token: str) -> str:
    try:
        return reverse("portal:survey", kwargs={"token": token})
    except NoReverseMatch:
        return SURVEY_PATH.format(token=token)


def survey_url(ticket: Ticket) -> str | None:
    """Absolute link to the ticket's survey for the resolution mail; None while the ticket is
    not resolved or when the survey was already answered (no link to a closed form)."""
    if ticket.resolved_at is None and ticket.status not in {"resolved", "closed"}:
        return None
    survey = survey_for(ticket)
    if survey.answered_at is not None:
        return None
    return f"{settings.BASE_URL}{survey_path(survey.token)}"


def on_ticket_resolved(*, event: str, ticket_id: int, **payload: Any) -> None:
    """Event handler of ``servicedesk.ticket_resolved``."""
    if Ticket.objects.filter(pk=ticket_id).exists():
        survey_for(ticket_id)


def survey_mail_extra(ticket: Ticket) -> Any:
    """The survey paragraph of the resolution mail (``mailout.add_resolution_extra``)."""
    from django.utils.html import format_html
    from django.utils.translation import gettext as _

    from steward.servicedesk.mailout import MailExtra

    url = survey_url(ticket)
    if url is None:
        return None
    question = _("How did we do? Rate our help in one click:")
    return MailExtra(
        text=f"{question}\n{url}",
        html=format_html('<p>{} <a href="{}">{}</a></p>', question, url, _("Rate this ticket")),
    )
